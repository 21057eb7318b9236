// The AzureML extension's settings: parsing, the §2.4 rules and the §2.2–2.6 transformation, with
// the exact request bodies (contracts/arm-extensions.md).
#include <amlk8s/model/azureml_settings.hpp>

#include <amlk8s/local/test_ca.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace amlk8s::model {
namespace azureml_settings_test {

using strings = std::vector<std::string>;

// Every validation issue's field, in order.
std::vector<std::string> fields_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    std::vector<std::string> out;
    for (const auto& i : e.diag().validation) out.push_back(i.field);
    return out;
  }
  ADD_FAILURE() << "no error";
  return {};
}

std::vector<std::string> fields(const std::vector<validation_issue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.field);
  return out;
}

bool has_warning(const std::vector<std::string>& warnings, std::string_view text) {
  for (const auto& w : warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("amlk8s-settings-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path write(const std::string& name, std::string_view text) const {
    auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// A certificate for `names` and its key, issued by a throwaway CA.
struct tls_pair {
  std::string cert;
  std::string key;
};
tls_pair issue_pair(const std::vector<std::string>& names) {
  local::test_ca ca;
  auto ck = ca.issue_server_certificate(names);
  auto end = ck.certificate_chain_pem.find("-----END CERTIFICATE-----");
  return {ck.certificate_chain_pem.substr(0, end + 26), ck.private_key_pem};
}

std::string encrypt_key(const std::string& key_pem, const std::string& passphrase) {
  BIO* in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_256_cbc(), passphrase.data(), static_cast<int>(passphrase.size()),
                                nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string text(data, static_cast<std::size_t>(n));
  BIO_free(out);
  EVP_PKEY_free(key);
  return text;
}

const resource_id aks = cluster_id(cluster_kind::aks, "00000000-0000-0000-0000-000000000001", "rg", "aks1");
const resource_id arc = cluster_id(cluster_kind::arc, "00000000-0000-0000-0000-000000000001", "rg", "arc1");

boost::json::object settings_of(const boost::json::object& body) {
  return body.at("properties").at("configurationSettings").as_object();
}

// ---- parsing ----------------------------------------------------------------------------------

TEST(AzuremlSettingsParse, KeyValuesSplitOnTheFirstEqualsAndFillTypedFields) {
  auto s = azureml_settings::from_key_values(
      strings{"enableTraining=True", "enableInference=true", "inferenceRouterServiceType=nodeport", "sslCname=a=b.example",
              "nodeSelector.node-purpose=worker", "installNvidiaDevicePlugin=FALSE"},
      strings{"relayServerConnectionString=Endpoint=sb://x/;SharedAccessKey=abc"});
  EXPECT_EQ(s.enable_training, true);
  EXPECT_EQ(s.enable_inference, true);
  EXPECT_EQ(s.inference_router_service_type, router_service_type::node_port);
  EXPECT_EQ(s.ssl_cname, "a=b.example");
  EXPECT_EQ(s.node_selector.at("node-purpose"), "worker");
  EXPECT_EQ(s.install_nvidia_device_plugin, false);
  EXPECT_EQ(s.relay_server_connection_string.reveal(), "Endpoint=sb://x/;SharedAccessKey=abc");
  EXPECT_TRUE(s.warnings.empty());
}

TEST(AzuremlSettingsParse, KnownKeysAreMatchedIgnoringCaseWithAWarning) {
  // The seed's first scenario writes InferenceRouterHA=False.
  auto s = azureml_settings::from_key_values(strings{"enableTraining=True", "InferenceRouterHA=False"});
  EXPECT_EQ(s.inference_router_ha, false);
  EXPECT_TRUE(has_warning(s.warnings, "'InferenceRouterHA' read as 'inferenceRouterHA'"));
  EXPECT_TRUE(s.extra_settings.empty());
}

TEST(AzuremlSettingsParse, UnknownKeysAreKeptAndWarnedAboutButChartValuesAreQuiet) {
  auto s = azureml_settings::from_key_values(strings{"enableTrainig=True", "scoringFe.replicas=2", "cluster_name=x"},
                                             strings{"myToken=s3cret"});
  EXPECT_EQ(s.extra_settings.at("enableTrainig"), "True");
  EXPECT_EQ(s.extra_settings.at("scoringFe.replicas"), "2");
  EXPECT_EQ(s.extra_protected_settings.at("myToken").reveal(), "s3cret");
  EXPECT_TRUE(has_warning(s.warnings, "'enableTrainig' is not a setting"));
  EXPECT_TRUE(has_warning(s.warnings, "'myToken' is not a setting"));
  EXPECT_FALSE(has_warning(s.warnings, "scoringFe.replicas"));
  EXPECT_FALSE(has_warning(s.warnings, "cluster_name"));
  for (const auto& w : s.warnings) EXPECT_EQ(w.find("s3cret"), std::string::npos);
}

TEST(AzuremlSettingsParse, LegacyNamesAreMappedWithAWarningAndNeverKept) {
  auto s = azureml_settings::from_key_values(strings{"inferenceLoadBalancerHA=False", "volcanoScheduler.enable=false",
                                                     "reuseExistingPromOp=True", "privateEndpointNodeport=true"},
                                             strings{"sslCertKeyFile=/tmp/key.pem"});
  EXPECT_EQ(s.inference_router_ha, false);
  EXPECT_EQ(s.install_volcano, false);
  EXPECT_EQ(s.install_prom_op, false);  // reuse the existing operator = do not install one
  EXPECT_EQ(s.inference_router_service_type, router_service_type::node_port);
  EXPECT_EQ(s.ssl_key_pem_file, std::filesystem::path("/tmp/key.pem"));
  EXPECT_TRUE(s.extra_settings.empty());
  EXPECT_TRUE(has_warning(s.warnings, "inferenceLoadBalancerHA is a legacy name"));
  EXPECT_TRUE(has_warning(s.warnings, "reuseExistingPromOp is a legacy name"));
  const auto m = s.to_settings_map();
  EXPECT_FALSE(m.contains("inferenceLoadBalancerHA"));
  EXPECT_FALSE(m.contains("volcanoScheduler.enable"));
  EXPECT_EQ(m.at("installPromOp"), "False");

  auto ilb = azureml_settings::from_key_values(strings{"privateEndpointILB=True"});
  EXPECT_EQ(ilb.internal_load_balancer_provider, "azure");
}

TEST(AzuremlSettingsParse, ALegacyNameAndItsSuccessorTogetherAreAnError) {
  EXPECT_EQ(fields_of([] { azureml_settings::from_key_values(strings{"inferenceRouterHA=True", "inferenceLoadBalancerHA=False"}); }),
            strings{"configurationSettings.inferenceLoadBalancerHA"});
}

TEST(AzuremlSettingsParse, MalformedItemsAndValuesAreAllReportedWithoutQuotingSecrets) {
  try {
    azureml_settings::from_key_values(strings{"enableTraining", "enableInference=yes", "inferenceRouterServiceType=Ingress"},
                                      strings{"topsecretvalue"});
    FAIL();
  } catch (const amlk8s::error& e) {
    const auto& v = e.diag().validation;
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].field, "configurationSettings");
    EXPECT_NE(v[0].fix.find("configuration_setting_key=configuration_setting_value"), std::string::npos);
    EXPECT_EQ(v[1].field, "configurationProtectedSettings");
    EXPECT_EQ(v[2].field, "configurationSettings.enableInference");
    EXPECT_NE(v[2].fix.find("enableInference=True"), std::string::npos);
    EXPECT_EQ(v[3].field, "configurationSettings.inferenceRouterServiceType");
    EXPECT_EQ(std::string(e.what()).find("topsecretvalue"), std::string::npos);
    EXPECT_EQ(e.diag().to_string().find("topsecretvalue"), std::string::npos);
  }
}

TEST(AzuremlSettingsParse, AKeyInBothMapsIsAnError) {
  EXPECT_EQ(fields_of([] {
              azureml_settings::from_key_values(strings{"enableTraining=True", "sslSecret=a"}, strings{"sslSecret=b"});
            }),
            strings{"configurationSettings.sslSecret"});
}

TEST(AzuremlSettingsParse, JsonSettingsFilesAcceptStringsBooleansAndNumbers) {
  temp_dir dir;
  auto pub = dir.write("c.json", R"({"enableTraining": true, "installVolcano": "False", "scoringFe.replicas": 2})");
  auto prot = dir.write("p.json", R"({"serviceBusConnectionString": "Endpoint=sb://y/"})");
  auto s = azureml_settings::from_files(pub, prot);
  EXPECT_EQ(s.enable_training, true);
  EXPECT_EQ(s.install_volcano, false);
  EXPECT_EQ(s.extra_settings.at("scoringFe.replicas"), "2");
  EXPECT_EQ(s.service_bus_connection_string.reveal(), "Endpoint=sb://y/");
}

TEST(AzuremlSettingsParse, BadSettingsFilesAndInlinePlusFileAreErrors) {
  temp_dir dir;
  auto empty = dir.write("e.json", "  \n");
  auto bad = dir.write("b.json", "{not json");
  EXPECT_EQ(fields_of([&] { azureml_settings::from_files(empty); }), strings{"configurationSettingsFile"});
  EXPECT_EQ(fields_of([&] { azureml_settings::from_files(bad); }), strings{"configurationSettingsFile"});
  EXPECT_EQ(fields_of([&] { azureml_settings::from_files(dir.write("x.json", "{}").parent_path() / "missing.json"); }),
            strings{"configurationSettingsFile"});
  auto good = dir.write("g.json", R"({"enableTraining": "True"})");
  EXPECT_EQ(fields_of([&] { azureml_settings::from_cli(strings{"enableInference=True"}, {}, good, {}); }),
            strings{"configurationSettingsFile"});
}

TEST(AzuremlSettingsParse, PrintingNeverShowsSecrets) {
  auto s = azureml_settings::from_key_values(strings{"enableTraining=True"},
                                             strings{"relayServerConnectionString=SharedAccessKey=k3y", "other=v4lue"});
  s.ssl_key_pem = secret_string("-----BEGIN PRIVATE KEY-----abc");
  const auto text = to_string(s);
  EXPECT_NE(text.find("enableTraining=True"), std::string::npos);
  EXPECT_NE(text.find("relayServerConnectionString=***"), std::string::npos);
  EXPECT_EQ(text.find("k3y"), std::string::npos);
  EXPECT_EQ(text.find("v4lue"), std::string::npos);
  EXPECT_EQ(text.find("BEGIN"), std::string::npos);
}

// ---- §2.4 validation ----------------------------------------------------------------------------

TEST(AzuremlSettingsValidate, TrainingOrInferenceMustBeEnabled) {
  azureml_settings s;
  EXPECT_EQ(fields(s.validate()), strings{"configurationSettings.enableTraining"});
  s.enable_training = false;
  s.enable_inference = false;
  EXPECT_EQ(fields(s.validate()), strings{"configurationSettings.enableTraining"});
  s.enable_training = true;
  EXPECT_TRUE(s.validate().empty());
}

TEST(AzuremlSettingsValidate, InferenceRulesComeInTheCliOrder) {
  azureml_settings s;
  s.enable_inference = true;
  // No TLS, not insecure, no router type: rules 3b and 3d.
  EXPECT_EQ(fields(s.validate()),
            (strings{"configurationSettings.allowInsecureConnections", "configurationSettings.inferenceRouterServiceType"}));
  // A secret without a CNAME: 3c, even with allowInsecureConnections (as the CLI).
  s.ssl_secret = "tls";
  s.allow_insecure_connections = true;
  s.inference_router_service_type = router_service_type::cluster_ip;
  EXPECT_EQ(fields(s.validate()), strings{"configurationSettings.sslCname"});
  s.ssl_cname = "ml.example.com";
  EXPECT_TRUE(s.validate().empty());
  // 3e: NodePort with an internal load balancer.
  s.inference_router_service_type = router_service_type::node_port;
  s.internal_load_balancer_provider = "Azure";
  EXPECT_EQ(fields(s.validate()), strings{"configurationSettings.internalLoadBalancerProvider"});
  s.inference_router_service_type = router_service_type::load_balancer;
  EXPECT_TRUE(s.validate().empty());
}

TEST(AzuremlSettingsValidate, MessagesNameTheSettingAndTheFix) {
  azureml_settings s;
  s.enable_inference = true;
  auto issues = s.validate();
  ASSERT_FALSE(issues.empty());
  EXPECT_NE(issues[0].fix.find("allowInsecureConnections=True"), std::string::npos);
  EXPECT_NE(issues[0].fix.find("sslSecret"), std::string::npos);
  EXPECT_NE(issues[1].fix.find("inferenceRouterServiceType=LoadBalancer, NodePort or ClusterIP"), std::string::npos);
}

TEST(AzuremlSettingsValidate, HalfACertificatePairIsNamed) {
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  s.ssl_cname = "ml.example.com";
  s.ssl_cert_pem_file = "/nonexistent/cert.pem";
  EXPECT_EQ(fields(s.validate()), strings{"configurationProtectedSettings.sslKeyPemFile"});
}

TEST(AzuremlSettingsValidate, TlsMaterialIsCheckedLocally) {
  temp_dir dir;
  const auto pair = issue_pair({"ml.example.com"});
  const auto other = issue_pair({"ml.example.com"});
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  s.ssl_cname = "ml.example.com";
  s.ssl_cert_pem_file = dir.write("cert.pem", pair.cert);
  s.ssl_key_pem_file = dir.write("key.pem", pair.key);
  EXPECT_TRUE(s.validate().empty());

  // Unreadable file.
  s.ssl_key_pem_file = dir.write("x", "").parent_path() / "missing.pem";
  EXPECT_EQ(fields(s.validate()), strings{"configurationProtectedSettings.sslKeyPemFile"});
  // A passphrase-protected key: not supported, said clearly.
  s.ssl_key_pem_file = dir.write("enc.pem", encrypt_key(pair.key, "pass phrase"));
  auto issues = s.validate();
  ASSERT_EQ(fields(issues), strings{"configurationProtectedSettings.sslKeyPemFile"});
  EXPECT_NE(issues[0].message.find("passphrase"), std::string::npos);
  // Garbage.
  s.ssl_key_pem_file = dir.write("junk.pem", "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n");
  EXPECT_EQ(fields(s.validate()), strings{"configurationProtectedSettings.sslKeyPemFile"});
  s.ssl_cert_pem_file = dir.write("junk-cert.pem", "hello");
  s.ssl_key_pem_file = dir.write("key.pem", pair.key);
  EXPECT_EQ(fields(s.validate()), strings{"configurationProtectedSettings.sslCertPemFile"});
  // A key from another pair.
  s.ssl_cert_pem_file = dir.write("cert.pem", pair.cert);
  s.ssl_key_pem_file = dir.write("other-key.pem", other.key);
  EXPECT_EQ(fields(s.validate()), strings{"configurationProtectedSettings.sslKeyPemFile"});
  // A CNAME the certificate does not cover.
  s.ssl_key_pem_file = dir.write("key.pem", pair.key);
  s.ssl_cname = "other.example.com";
  EXPECT_EQ(fields(s.validate()), strings{"configurationSettings.sslCname"});
  // PEM text given directly works the same.
  azureml_settings d = s;
  d.ssl_cname = "ml.example.com";
  d.ssl_cert_pem_file.reset();
  d.ssl_key_pem_file.reset();
  d.ssl_cert_pem = secret_string(pair.cert);
  d.ssl_key_pem = secret_string(pair.key);
  EXPECT_TRUE(d.validate().empty());
}

// ---- §2.2–2.6: the request body -------------------------------------------------------------------

TEST(AzuremlCreateRequest, ScenarioAksProofOfConceptOnASmallCluster) {
  // az k8s-extension create ... --config enableTraining=True enableInference=True
  //   inferenceRouterServiceType=LoadBalancer allowInsecureConnections=True InferenceRouterHA=False
  //   --cluster-type managedClusters --scope cluster
  auto s = azureml_settings::from_key_values(strings{"enableTraining=True", "enableInference=True",
                                                     "inferenceRouterServiceType=LoadBalancer",
                                                     "allowInsecureConnections=True", "InferenceRouterHA=False"});
  auto r = build_azureml_create(s, {aks, "EastUS", 2, ""});
  const auto expected = boost::json::parse(R"({
    "properties": {
      "extensionType": "microsoft.azureml.kubernetes",
      "releaseTrain": "stable",
      "scope": {"cluster": {"releaseNamespace": "azureml"}},
      "configurationSettings": {
        "allowInsecureConnections": "True",
        "clusterId": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
        "clusterPurpose": "DevTest",
        "cluster_name": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
        "cluster_name_friendly": "aks1",
        "domain": "eastus.cloudapp.azure.com",
        "enableInference": "True",
        "enableTraining": "True",
        "inferenceRouterHA": "False",
        "inferenceRouterServiceType": "LoadBalancer",
        "jobSchedulerLocation": "eastus",
        "location": "eastus",
        "nginxIngress.enabled": "true",
        "prometheus.prometheusSpec.externalLabels.cluster_name": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
        "relayserver.enabled": "false",
        "servicebus.enabled": "false"
      }
    }
  })");
  EXPECT_EQ(boost::json::value(r.to_json()), expected) << boost::json::serialize(r.to_json());
  EXPECT_TRUE(has_warning(r.warnings, "SSL is not enabled"));
  EXPECT_FALSE(r.identity_type.has_value());
}

TEST(AzuremlCreateRequest, ScenarioArcTrainingOnly) {
  auto s = azureml_settings::from_key_values(strings{"enableTraining=True"});
  auto r = build_azureml_create(s, {arc, "westeurope", 4, "k3s"});
  const auto body = r.to_json();
  EXPECT_EQ(body.at("identity"), (boost::json::object{{"type", "SystemAssigned"}}));
  const auto cs = settings_of(body);
  EXPECT_EQ(cs.at("enableTraining"), "True");
  EXPECT_EQ(cs.at("enableInference"), "False");
  EXPECT_EQ(cs.at("relayserver.enabled"), "true");
  EXPECT_EQ(cs.at("nginxIngress.enabled"), "false");
  EXPECT_FALSE(cs.contains("clusterPurpose"));  // 4 nodes: not a small cluster
  EXPECT_FALSE(cs.contains("inferenceRouterHA"));
  EXPECT_FALSE(cs.contains("openshift"));
  EXPECT_TRUE(has_warning(r.warnings, "relayServerConnectionString"));
}

TEST(AzuremlCreateRequest, ScenarioAksProductionWithPemFiles) {
  temp_dir dir;
  const auto pair = issue_pair({"ml.contoso.com"});
  const auto cert = dir.write("cert.pem", pair.cert);
  const auto key = dir.write("key.pem", pair.key);
  auto s = azureml_settings::from_key_values(
      strings{"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer", "sslCname=ml.contoso.com"},
      strings{"sslCertPemFile=" + cert.string(), "sslKeyPemFile=" + key.string()});
  auto r = build_azureml_create(s, {aks, "eastus", 5, ""});
  const auto body = r.to_json();
  const auto cs = settings_of(body);
  const auto& ps = body.at("properties").at("configurationProtectedSettings").as_object();
  EXPECT_FALSE(cs.contains("clusterPurpose"));
  EXPECT_FALSE(cs.contains("inferenceRouterHA"));
  EXPECT_FALSE(cs.contains("scoringFe.serviceType.nodePort"));
  EXPECT_FALSE(cs.contains("scoringFe.sslSecret"));
  // The PEM text, base64 (what base64.b64encode gives), protected; the local paths are not sent.
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps.at("scoringFe.sslCert").as_string().size(), 4 * ((pair.cert.size() + 2) / 3));
  EXPECT_EQ(std::string(ps.at("scoringFe.sslCert").as_string()).substr(0, 20), "LS0tLS1CRUdJTiBDRVJU");  // "-----BEGIN CERT"
  EXPECT_TRUE(ps.contains("scoringFe.sslKey"));
  // The dry run shows the body without the secrets.
  const auto dry = r.dry_run();
  EXPECT_NE(dry.find("\"scoringFe.sslCert\": \"***\""), std::string::npos);
  EXPECT_EQ(dry.find("LS0tLS1CRUdJTi"), std::string::npos);
  EXPECT_EQ(boost::json::parse(dry), boost::json::value(r.to_redacted_json()));
}

TEST(AzuremlCreateRequest, ScenarioArcNodePortWithGpuComponents) {
  const auto pair = issue_pair({"*.contoso.com"});
  azureml_settings s;
  s.enable_training = true;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::node_port;
  s.ssl_cname = "ml.contoso.com";
  s.install_nvidia_device_plugin = true;
  s.install_dcgm_exporter = true;
  s.ssl_cert_pem = secret_string(pair.cert);
  s.ssl_key_pem = secret_string(pair.key);
  auto r = build_azureml_create(s, {arc, "eastus", 3, "openshift"});
  const auto cs = settings_of(r.to_json());
  EXPECT_EQ(cs.at("scoringFe.serviceType.nodePort"), "True");
  EXPECT_EQ(cs.at("installNvidiaDevicePlugin"), "True");
  EXPECT_EQ(cs.at("installDcgmExporter"), "True");
  EXPECT_EQ(cs.at("inferenceRouterServiceType"), "NodePort");
  EXPECT_EQ(cs.at("openshift"), "true");
  EXPECT_EQ(r.configuration_protected_settings.size(), 2u);
}

TEST(AzuremlCreateRequest, SslSecretBecomesTheRoutersSecretAndUserValuesWin) {
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  s.internal_load_balancer_provider.emplace("azure");
  s.ssl_secret = "my-tls";
  s.ssl_cname = "ml.contoso.com";
  s.cluster_purpose = "FastProd";
  s.inference_router_ha = true;
  s.extra_settings["location"] = "custom";
  s.relay_server_connection_string = secret_string("Endpoint=sb://r/;SharedAccessKey=z");
  auto r = build_azureml_create(s, {aks, "eastus", 1, ""});
  const auto cs = settings_of(r.to_json());
  EXPECT_EQ(cs.at("scoringFe.sslSecret"), "my-tls");
  EXPECT_EQ(cs.at("sslSecret"), "my-tls");
  EXPECT_EQ(cs.at("scoringFe.serviceType.internalLoadBalancer"), "True");
  EXPECT_EQ(cs.at("clusterPurpose"), "FastProd");     // given: kept on a small cluster
  EXPECT_EQ(cs.at("inferenceRouterHA"), "True");      // given: kept (the cluster will refuse it, E40002)
  EXPECT_EQ(cs.at("location"), "custom");
  EXPECT_EQ(cs.at("jobSchedulerLocation"), "eastus");
  // §2.5 dereferencing in the protected map.
  EXPECT_EQ(r.configuration_protected_settings.at("relayserver.relayConnectionString").reveal(),
            "Endpoint=sb://r/;SharedAccessKey=z");
  EXPECT_TRUE(has_warning(r.warnings, "Internal load balancer only supported"));
}

TEST(AzuremlCreateRequest, NamespaceScopeAndAutoUpgradeWithAPinAreRefusedBeforeAnythingIsSent) {
  azureml_settings s;
  s.enable_training = true;
  azureml_install_options o;
  o.scope = "namespace";
  EXPECT_EQ(fields_of([&] { build_azureml_create(s, {aks, "eastus", 3, ""}, o); }), strings{"scope"});
  o.scope = "cluster";
  o.version = "1.1.50";
  o.auto_upgrade_minor_version = true;
  EXPECT_EQ(fields_of([&] { build_azureml_create(s, {aks, "eastus", 3, ""}, o); }), strings{"autoUpgradeMinorVersion"});
  o.auto_upgrade_minor_version.reset();
  o.release_namespace = "ml";
  auto r = build_azureml_create(s, {aks, "eastus", 3, ""}, o);
  const auto body = r.to_json();
  const auto& props = body.at("properties").as_object();
  EXPECT_EQ(props.at("version"), "1.1.50");
  EXPECT_EQ(props.at("autoUpgradeMinorVersion"), false);  // sent explicitly with a pin
  EXPECT_EQ(props.at("scope").at("cluster").at("releaseNamespace"), "azureml");
  EXPECT_TRUE(has_warning(r.warnings, "release namespace 'ml' is ignored"));
  // A non-cluster id and the settings' own issues come together.
  azureml_settings empty;
  EXPECT_EQ(fields_of([&] {
              build_azureml_create(empty, {resource_id::for_resource_group("00000000-0000-0000-0000-000000000001", "rg"),
                                           "eastus", std::nullopt, ""});
            }),
            (strings{"cluster", "configurationSettings.enableTraining"}));
}

TEST(AzuremlCreateRequest, UnknownNodeCountAppliesNoSmallClusterDefaults) {
  azureml_settings s;
  s.enable_training = true;
  const auto cs = settings_of(build_azureml_create(s, {aks, "eastus", std::nullopt, ""}).to_json());
  EXPECT_FALSE(cs.contains("clusterPurpose"));
  EXPECT_FALSE(cs.contains("inferenceRouterHA"));
}

// ---- §2.8: updates --------------------------------------------------------------------------------

TEST(AzuremlUpdateRequest, OnlyWhatIsGivenIsSentWithTheServiceTypeFlagsRewritten) {
  azureml_settings c;
  c.inference_router_service_type = router_service_type::load_balancer;
  c.enable_training = false;
  auto r = build_azureml_update(c, false);
  EXPECT_EQ(boost::json::value(r.to_json()), boost::json::parse(R"({"properties": {"configurationSettings": {
      "enableTraining": "False", "inferenceRouterServiceType": "LoadBalancer",
      "scoringFe.serviceType.nodePort": "False"}}})"));
  EXPECT_EQ(r.impact, (strings{"enableTraining from True to False", "inferenceRouterServiceType"}));
}

TEST(AzuremlUpdateRequest, ProtectedSettingsNeedTheCallerToPassThemAll) {
  temp_dir dir;
  const auto pair = issue_pair({"ml.contoso.com"});
  azureml_settings c;
  c.ssl_cert_pem_file = dir.write("c.pem", pair.cert);
  c.ssl_key_pem_file = dir.write("k.pem", pair.key);
  EXPECT_EQ(fields_of([&] { build_azureml_update(c, false); }), strings{"configurationProtectedSettings"});
  auto r = build_azureml_update(c, true);
  const auto body = r.to_redacted_json();
  EXPECT_EQ(body.at("properties").at("configurationProtectedSettings"),
            (boost::json::object{{"scoringFe.sslCert", "***"}, {"scoringFe.sslKey", "***"}}));
  EXPECT_EQ(std::string(r.to_json().at("properties").at("configurationProtectedSettings").at("scoringFe.sslKey").as_string()).substr(0, 10),
            "LS0tLS1CRU");
  // Only half of the pair.
  c.ssl_key_pem_file.reset();
  EXPECT_EQ(fields_of([&] { build_azureml_update(c, true); }), strings{"configurationProtectedSettings.sslCertPemFile"});
}

}  // namespace azureml_settings_test
}  // namespace amlk8s::model
