// Every wire detail of the simulated AzureML extension agent: setting keys the chart reads, the
// health check's codes, ConfigMap and report, the text of a failed Helm hook, Helm's labels and
// release records, the agent-reported statuses. Each names its section of
// /work/shared/design/contracts/arm-extensions.md ("§") or kubernetes.md ("k8s §"); [infer] marks
// shapes that no contract pins down.
#pragma once

#include <string_view>

namespace amlk8s::local::azureml::wire {

// §2.3: configuration keys the chart (and so the health check) reads. Keys are case-sensitive, as
// Helm values are: `InferenceRouterHA=False` does not set `inferenceRouterHA`.
inline constexpr std::string_view enable_inference = "enableInference";
inline constexpr std::string_view inference_router_ha = "inferenceRouterHA";
inline constexpr std::string_view router_service_type = "inferenceRouterServiceType";
inline constexpr std::string_view internal_lb_provider = "internalLoadBalancerProvider";
inline constexpr std::string_view internal_lb_flag = "scoringFe.serviceType.internalLoadBalancer";
inline constexpr std::string_view allow_insecure = "allowInsecureConnections";
inline constexpr std::string_view ssl_secret = "scoringFe.sslSecret";
inline constexpr std::string_view ssl_secret_cli = "sslSecret";
inline constexpr std::string_view ssl_cname = "sslCname";
inline constexpr std::string_view ssl_cert = "scoringFe.sslCert";  // protected, base64 of the PEM
inline constexpr std::string_view ssl_key = "scoringFe.sslKey";    // protected, base64 of the PEM
inline constexpr std::string_view node_selector_prefix = "nodeSelector.";
inline constexpr std::string_view protected_settings = "configurationProtectedSettings";
// §2.3/§2.5: the Secret named by sslSecret holds these two keys.
inline constexpr std::string_view secret_cert_key = "cert.pem";
inline constexpr std::string_view secret_key_key = "key.pem";

// §2.10: HealthCheck codes and names.
struct check_code {
  std::string_view code;
  std::string_view name;
};
inline constexpr check_code load_balancer_not_support{"E40001", "LOAD_BALANCER_NOT_SUPPORT"};
inline constexpr check_code insufficient_node{"E40002", "INSUFFICIENT_NODE"};
inline constexpr check_code internal_load_balancer_not_support{"E40003", "INTERNAL_LOAD_BALANCER_NOT_SUPPORT"};
inline constexpr check_code invalid_ssl_setting{"E40007", "INVALID_SSL_SETTING"};
inline constexpr check_code azureml_fe_deployment_conflict{"E45005", "AZUREML_FE_DEPLOYMENT_CONFLICT"};
// §3 item 3: the legacy AKS v1 inference router.
inline constexpr std::string_view legacy_fe_name = "azureml-fe";
// §2.10: azureml-fe HA needs this many nodes.
inline constexpr int ha_min_nodes = 3;

// §2.10 / k8s §1.6: the report ConfigMap and its data keys, one per hook.
inline constexpr std::string_view healthcheck_configmap = "arcml-healthcheck";
inline constexpr std::string_view pre_install = "pre-install";
inline constexpr std::string_view pre_upgrade = "pre-upgrade";
inline constexpr std::string_view pre_delete = "pre-delete";
inline constexpr std::string_view report_key_prefix = "reports-";

// §1.6 / §3 item 1: a failed operation. Code and the message's frame follow the real agent's text
// (azure-cli-extensions #5477); the inner part names the hook, the E-code and its name.
inline constexpr std::string_view operation_failed_code = "ExtensionOperationFailed";
inline constexpr std::string_view message_head = "The extension operation failed with the following error:  Error: [ InnerError: [";
inline constexpr std::string_view message_tail =
    ", For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG, For more application specific "
    "troubleshooting visit: https://aka.ms/arcmltsg";
inline constexpr std::string_view healthcheck_recommendation =
    "Recommendation: read the report in ConfigMap arcml-healthcheck (kubectl describe configmap arcml-healthcheck -n "
    "azureml) and the logs (kubectl logs healthcheck -n azureml). For additional details please refer to "
    "https://aka.ms/arcmltsg";

// §3 item 4: Helm's refusal to adopt an object another release (or nobody) owns.
inline constexpr std::string_view ownership_error = "exists and cannot be imported into the current release: invalid ownership metadata";

// Helm's bookkeeping [infer from Helm 3]: labels and annotations on every object of a release, and
// the release record Secret `sh.helm.release.v1.<release>.v<revision>` (§3 item 10 names them).
inline constexpr std::string_view managed_by_label = "app.kubernetes.io/managed-by";
inline constexpr std::string_view managed_by_value = "Helm";
inline constexpr std::string_view instance_label = "app.kubernetes.io/instance";
inline constexpr std::string_view name_label = "app.kubernetes.io/name";
inline constexpr std::string_view chart_label = "helm.sh/chart";
inline constexpr std::string_view release_name_annotation = "meta.helm.sh/release-name";
inline constexpr std::string_view release_namespace_annotation = "meta.helm.sh/release-namespace";
inline constexpr std::string_view release_secret_prefix = "sh.helm.release.v1.";
inline constexpr std::string_view release_secret_type = "helm.sh/release.v1";
inline constexpr std::string_view chart_name = "azureml";
inline constexpr std::string_view image_prefix = "mcr.microsoft.com/azureml/amlarc/docker/";
// k8s §1.1, §1.5: the chart installs the InstanceType CRD, whose existence setup scripts poll for.
inline constexpr std::string_view instance_type_crd_name = "instancetypes.amlarc.azureml.com";
// The finalizer that holds namespace azureml in Terminating while an uninstall runs.
inline constexpr std::string_view uninstall_finalizer = "amlk8s.local/extension-uninstall";

// §1.3 statuses[] entries the agent reports [infer: codes and displayStatus].
inline constexpr std::string_view status_installed = "InstallationSucceeded";
inline constexpr std::string_view status_upgraded = "UpgradeSucceeded";
inline constexpr std::string_view status_install_failed = "InstallationFailed";
inline constexpr std::string_view status_upgrade_failed = "UpgradeFailed";
inline constexpr std::string_view status_uninstall_failed = "UninstallationFailed";

}  // namespace amlk8s::local::azureml::wire
