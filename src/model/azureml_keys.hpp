// Every configuration key name of the AzureML extension that amlk8s reads or writes, in one place.
// Contract: contracts/arm-extensions.md §2.3 (the keys), §2.5 (legacy names, dereferencing),
// §2.2 step 5–6 (the keys the CLI injects), §2.7 (keys naming Azure-side resources).
#pragma once

#include <array>
#include <string_view>

namespace amlk8s::model::keys {

// §2.3: what users set.
inline constexpr std::string_view enable_training = "enableTraining";
inline constexpr std::string_view enable_inference = "enableInference";
inline constexpr std::string_view allow_insecure_connections = "allowInsecureConnections";
inline constexpr std::string_view inference_router_service_type = "inferenceRouterServiceType";
inline constexpr std::string_view internal_load_balancer_provider = "internalLoadBalancerProvider";
inline constexpr std::string_view inference_router_ha = "inferenceRouterHA";
inline constexpr std::string_view cluster_purpose = "clusterPurpose";
inline constexpr std::string_view is_aks_migration = "isAKSMigration";
inline constexpr std::string_view ssl_secret = "sslSecret";
inline constexpr std::string_view ssl_cname = "sslCname";
inline constexpr std::string_view ssl_cert_pem_file = "sslCertPemFile";  // protected
inline constexpr std::string_view ssl_key_pem_file = "sslKeyPemFile";    // protected
inline constexpr std::string_view node_selector_prefix = "nodeSelector.";
inline constexpr std::string_view install_nvidia_device_plugin = "installNvidiaDevicePlugin";
inline constexpr std::string_view install_prom_op = "installPromOp";
inline constexpr std::string_view install_volcano = "installVolcano";
inline constexpr std::string_view install_dcgm_exporter = "installDcgmExporter";
inline constexpr std::string_view openshift = "openshift";
inline constexpr std::string_view log_analytics_ws = "logAnalyticsWS";
inline constexpr std::string_view relay_server_enabled = "relayserver.enabled";
inline constexpr std::string_view service_bus_enabled = "servicebus.enabled";
inline constexpr std::string_view nginx_ingress_enabled = "nginxIngress.enabled";
inline constexpr std::string_view relay_server_connection_string = "relayServerConnectionString";  // protected
inline constexpr std::string_view service_bus_connection_string = "serviceBusConnectionString";    // protected

// §2.3 derived keys the chart reads (written by the transformation).
inline constexpr std::string_view scoring_fe_node_port = "scoringFe.serviceType.nodePort";
inline constexpr std::string_view scoring_fe_internal_lb = "scoringFe.serviceType.internalLoadBalancer";
inline constexpr std::string_view scoring_fe_ssl_cert = "scoringFe.sslCert";  // protected, base64 PEM
inline constexpr std::string_view scoring_fe_ssl_key = "scoringFe.sslKey";    // protected, base64 PEM
inline constexpr std::string_view scoring_fe_ssl_secret = "scoringFe.sslSecret";
inline constexpr std::string_view scoring_fe_namespace = "scoringFe.namespace";

// §2.2 step 6: injected from the cluster when absent.
inline constexpr std::string_view cluster_name = "cluster_name";
inline constexpr std::string_view cluster_name_friendly = "cluster_name_friendly";
inline constexpr std::string_view domain = "domain";
inline constexpr std::string_view location = "location";
inline constexpr std::string_view job_scheduler_location = "jobSchedulerLocation";

// §2.5 dereferencing: the value of the first key is copied to the others when they are absent.
inline constexpr std::string_view relay_connection_string_target = "relayserver.relayConnectionString";
inline constexpr std::string_view service_bus_connection_string_target = "servicebus.connectionString";
inline constexpr std::string_view cluster_id_target = "clusterId";
inline constexpr std::string_view prometheus_cluster_name_target = "prometheus.prometheusSpec.externalLabels.cluster_name";

// §2.5 legacy names still in circulation, and what they became.
inline constexpr std::string_view legacy_inference_load_balancer_ha = "inferenceLoadBalancerHA";  // → inferenceRouterHA
inline constexpr std::string_view legacy_volcano_scheduler_enable = "volcanoScheduler.enable";    // → installVolcano
inline constexpr std::string_view legacy_reuse_existing_prom_op = "reuseExistingPromOp";         // → !installPromOp
inline constexpr std::string_view legacy_ssl_cert_key_file = "sslCertKeyFile";                   // → sslKeyPemFile
inline constexpr std::string_view legacy_private_endpoint_node_port = "privateEndpointNodeport";  // → NodePort
inline constexpr std::string_view legacy_private_endpoint_ilb = "privateEndpointILB";             // → azure ILB

// Prefixes of chart values that are passed through without a warning.
inline constexpr std::array<std::string_view, 9> passthrough_prefixes{
    "scoringFe.", "relayserver.", "servicebus.", "azure_log_analytics.", "prometheus.",
    "nginxIngress.", "workLoadToleration", "nodeSelector.", "volcanoScheduler."};
// Keys injected by the CLI, passed through without a warning when a user sets them.
inline constexpr std::array<std::string_view, 6> passthrough_keys{cluster_name, cluster_name_friendly, domain,
                                                                 location,     job_scheduler_location, cluster_id_target};

// The troubleshooting guide every AzureML message points to (§2.2 step 1).
inline constexpr std::string_view tsg_link = "https://aka.ms/arcmltsg";

}  // namespace amlk8s::model::keys
