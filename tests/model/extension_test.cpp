// extension_spec / extension_patch bodies and validation, extension::from_json on the API's
// examples (contracts/arm-extensions.md §1.8), and the client's checks before any request.
#include <amlk8s/model/extension.hpp>

#include "arm/fake_sender.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace amlk8s_model_extension_test {

using namespace amlk8s;
using model::extension;
using model::extension_patch;
using model::extension_spec;

bool has_issue(const std::vector<validation_issue>& issues, std::string_view field) {
  for (const auto& i : issues)
    if (i.field == field) return true;
  return false;
}

extension_spec azureml_like_spec() {
  extension_spec s;
  s.extension_type = "microsoft.azureml.kubernetes";
  s.release_train = "stable";
  s.scope = model::extension_scope{true, "azureml", {}};
  s.configuration_settings = {{"enableTraining", "True"}, {"cluster_name_friendly", "aks1"}};
  s.configuration_protected_settings.emplace("scoringFe.sslKey", secret_string("c2VjcmV0LWtleQ=="));
  return s;
}

TEST(ExtensionSpec, ToJsonExactBody) {
  const auto body = azureml_like_spec().to_json();
  EXPECT_EQ(boost::json::value(body), boost::json::parse(R"({
    "properties": {
      "extensionType": "microsoft.azureml.kubernetes",
      "releaseTrain": "stable",
      "scope": {"cluster": {"releaseNamespace": "azureml"}},
      "configurationSettings": {"enableTraining": "True", "cluster_name_friendly": "aks1"},
      "configurationProtectedSettings": {"scoringFe.sslKey": "c2VjcmV0LWtleQ=="}
    }
  })")) << boost::json::serialize(body);
}

TEST(ExtensionSpec, PinnedVersionSendsAutoUpgradeFalse) {
  extension_spec s;
  s.extension_type = "azuremonitor-containers";
  s.version = "3.1.16";
  s.scope = model::extension_scope{false, {}, "monitoring"};
  s.identity = model::extension_identity{"UserAssigned", {"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"}, {}, {}};
  s.plan = model::extension_plan{"azure-vote-standard", "Microsoft", "azure-vote-standard-offer-id", "", "1.0"};
  s.auto_upgrade_mode = "none";
  EXPECT_TRUE(s.validate().empty());
  EXPECT_EQ(boost::json::value(s.to_json()), boost::json::parse(R"({
    "identity": {"type": "UserAssigned", "userAssignedIdentities": {
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1": {}}},
    "plan": {"name": "azure-vote-standard", "publisher": "Microsoft", "product": "azure-vote-standard-offer-id",
             "version": "1.0"},
    "properties": {
      "extensionType": "azuremonitor-containers",
      "autoUpgradeMinorVersion": false,
      "autoUpgradeMode": "none",
      "version": "3.1.16",
      "scope": {"namespace": {"targetNamespace": "monitoring"}}
    }
  })")) << boost::json::serialize(s.to_json());
}

TEST(ExtensionSpec, ClusterScopeWithoutNamespaceAndExplicitAutoUpgrade) {
  extension_spec s;
  s.extension_type = "flux";
  s.auto_upgrade_minor_version = true;
  s.scope = model::extension_scope{};
  EXPECT_EQ(boost::json::value(s.to_json()), boost::json::parse(R"({"properties": {
      "extensionType": "flux", "autoUpgradeMinorVersion": true, "scope": {"cluster": {}}}})"));
}

TEST(ExtensionSpec, ValidationMessages) {
  extension_spec s;
  s.version = "1.2.3";
  s.auto_upgrade_minor_version = true;
  s.scope = model::extension_scope{true, "azureml", "ns"};
  s.configuration_settings[""] = "x";
  auto issues = s.validate();
  EXPECT_TRUE(has_issue(issues, "extensionType"));
  EXPECT_TRUE(has_issue(issues, "autoUpgradeMinorVersion"));
  EXPECT_TRUE(has_issue(issues, "scope.namespace.targetNamespace"));
  EXPECT_TRUE(has_issue(issues, "configurationSettings"));
  for (const auto& i : issues) {
    EXPECT_FALSE(i.message.empty()) << i.field;
    EXPECT_FALSE(i.fix.empty()) << i.field;
    if (i.field == "autoUpgradeMinorVersion") {
      EXPECT_NE(i.message.find("To pin to specific version, auto-upgrade-minor-version must be set to 'false'"),
                std::string::npos);
    }
  }

  extension_spec ns;
  ns.extension_type = "x";
  ns.scope = model::extension_scope{false, "rel", ""};
  issues = ns.validate();
  EXPECT_TRUE(has_issue(issues, "scope.cluster.releaseNamespace"));
  EXPECT_TRUE(has_issue(issues, "scope.namespace.targetNamespace"));

  extension_spec shapes;
  shapes.extension_type = "x";
  shapes.identity = model::extension_identity{"SystemAssigned", {"/id"}, {}, {}};
  shapes.plan = model::extension_plan{"n", "", "", "", ""};
  issues = shapes.validate();
  EXPECT_TRUE(has_issue(issues, "identity.userAssignedIdentities"));
  EXPECT_TRUE(has_issue(issues, "plan.publisher"));
  EXPECT_TRUE(has_issue(issues, "plan.product"));
  EXPECT_FALSE(has_issue(issues, "plan.name"));

  EXPECT_TRUE(azureml_like_spec().validate().empty());
}

TEST(ExtensionSpec, PrintingNeverShowsProtectedValues) {
  auto s = azureml_like_spec();
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str().find("c2VjcmV0LWtleQ"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("scoringFe.sslKey"), std::string::npos);
  EXPECT_NE(os.str().find("***"), std::string::npos);
  EXPECT_NE(os.str().find("enableTraining"), std::string::npos);
}

TEST(ExtensionPatch, OnlySetMembersAreSent) {
  extension_patch p;
  p.configuration_settings = std::map<std::string, std::string>{{"installNvidiaDevicePlugin", "true"}};
  EXPECT_EQ(boost::json::value(p.to_json()), boost::json::parse(R"({"properties": {
      "configurationSettings": {"installNvidiaDevicePlugin": "true"}}})"));
  EXPECT_TRUE(p.validate().empty());

  extension_patch pin;
  pin.version = "1.1.52";
  pin.release_train = "Stable";
  EXPECT_EQ(boost::json::value(pin.to_json()), boost::json::parse(R"({"properties": {
      "version": "1.1.52", "autoUpgradeMinorVersion": false, "releaseTrain": "Stable"}})"));

  extension_patch mode;
  mode.auto_upgrade_mode = "patch";
  mode.auto_upgrade_minor_version = true;
  EXPECT_EQ(boost::json::value(mode.to_json()), boost::json::parse(R"({"properties": {
      "autoUpgradeMode": "patch", "autoUpgradeMinorVersion": true}})"));
}

TEST(ExtensionPatch, ProtectedSettingsNeedTheAcknowledgment) {
  extension_patch p;
  p.configuration_protected_settings = std::map<std::string, secret_string>{};
  p.configuration_protected_settings->emplace("relayServerConnectionString", secret_string("Endpoint=sb://x;SharedAccessKey=k3y"));
  auto issues = p.validate();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "configurationProtectedSettings");
  EXPECT_NE(issues[0].message.find("replaces ALL protected settings"), std::string::npos);
  EXPECT_NE(issues[0].fix.find("replaces_all_protected_settings = true"), std::string::npos);

  p.replaces_all_protected_settings = true;
  EXPECT_TRUE(p.validate().empty());
  EXPECT_EQ(boost::json::value(p.to_json()), boost::json::parse(R"({"properties": {
      "configurationProtectedSettings": {"relayServerConnectionString": "Endpoint=sb://x;SharedAccessKey=k3y"}}})"));
  const auto shown = model::to_string(p);
  EXPECT_EQ(shown.find("k3y"), std::string::npos) << shown;
  EXPECT_NE(shown.find("relayServerConnectionString"), std::string::npos);
}

TEST(ExtensionPatch, EmptyAndConflictingPatchesAreRejected) {
  EXPECT_TRUE(extension_patch{}.empty());
  EXPECT_TRUE(has_issue(extension_patch{}.validate(), "properties"));
  extension_patch p;
  p.version = "1.0.0";
  p.auto_upgrade_minor_version = true;
  EXPECT_TRUE(has_issue(p.validate(), "autoUpgradeMinorVersion"));
}

// The 2025-03-01 examples (§1.8): Create's 201 answer on a connected cluster.
TEST(ExtensionRead, CreateExampleAnswer) {
  const auto e = extension::from_json(boost::json::parse(R"({
    "id": "/subscriptions/subId1/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters/clusterName1/providers/Microsoft.KubernetesConfiguration/extensions/ClusterMonitor",
    "name": "ClusterMonitor",
    "type": "Microsoft.KubernetesConfiguration/extensions",
    "properties": {
      "extensionType": "azuremonitor-containers",
      "autoUpgradeMinorVersion": true,
      "releaseTrain": "Preview",
      "version": null,
      "scope": {"cluster": {"releaseNamespace": "kube-system"}},
      "configurationSettings": {"omsagent.env.clusterName": "clusterName1",
                                "omsagent.secret.wsid": "a38cef99-5a89-52ed-b6db-22095c23664b"},
      "provisioningState": "Creating",
      "currentVersion": null,
      "statuses": [],
      "errorInfo": null,
      "isSystemExtension": false
    }
  })"));
  EXPECT_EQ(e.id, cluster_extension_id(cluster_kind::arc, "subId1", "rg1", "clusterName1", "ClusterMonitor"));
  EXPECT_EQ(e.name, "ClusterMonitor");
  EXPECT_EQ(e.extension_type, "azuremonitor-containers");
  EXPECT_EQ(e.provisioning_state, "Creating");
  EXPECT_FALSE(e.is_terminal());
  EXPECT_FALSE(e.succeeded());
  EXPECT_FALSE(e.current_version.has_value());
  EXPECT_FALSE(e.version.has_value());
  EXPECT_EQ(e.release_train, "Preview");
  EXPECT_EQ(e.auto_upgrade_minor_version, true);
  ASSERT_TRUE(e.scope.has_value());
  EXPECT_EQ(*e.scope, (model::extension_scope{true, "kube-system", {}}));
  EXPECT_EQ(e.configuration_settings.size(), 2u);
  EXPECT_TRUE(e.protected_setting_names.empty());  // absent from the answer
  EXPECT_FALSE(e.error_info.has_value());
}

// List example items: a plan, a null version with a current version, empty settings; and the
// identity example's answer with aksAssignedIdentity, systemData and extensionState.
TEST(ExtensionRead, PlanIdentityAndSystemData) {
  const auto e = extension::from_json(boost::json::parse(R"({
    "id": "/subscriptions/subId1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clusterName1/providers/Microsoft.KubernetesConfiguration/extensions/azureVote",
    "name": "azureVote",
    "type": "Microsoft.KubernetesConfiguration/extensions",
    "plan": {"name": "azure-vote-standard", "product": "azure-vote-standard-offer-id", "publisher": "Microsoft"},
    "identity": {"type": "UserAssigned", "userAssignedIdentities": {
        "/subscriptions/subId1/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1":
          {"principalId": "p1", "clientId": "c1"}}},
    "systemData": {"createdBy": "someone@contoso.com", "createdByType": "User", "createdAt": "2020-07-16T18:23:44Z",
                   "lastModifiedBy": "app", "lastModifiedByType": "Application", "lastModifiedAt": "2020-07-16T18:24:44Z"},
    "properties": {
      "extensionType": "azure-vote",
      "autoUpgradeMinorVersion": true,
      "autoUpgradeMode": "compatible",
      "version": null,
      "currentVersion": "1.0.0",
      "configurationSettings": {},
      "configurationProtectedSettings": {"secretKey": null},
      "provisioningState": "Succeeded",
      "aksAssignedIdentity": {"type": "Workload", "principalId": "ap", "tenantId": "at"},
      "extensionState": "Ready",
      "packageUri": "https://charts.example/azure-vote-1.0.0.tgz",
      "managementDetails": {"category": "managed", "accessDetails": []},
      "isSystemExtension": false
    }
  })"));
  ASSERT_TRUE(e.plan.has_value());
  EXPECT_EQ(e.plan->publisher, "Microsoft");
  ASSERT_TRUE(e.identity.has_value());
  EXPECT_EQ(e.identity->type, "UserAssigned");
  ASSERT_EQ(e.identity->user_assigned_identities.size(), 1u);
  ASSERT_TRUE(e.system_data.has_value());
  EXPECT_EQ(e.system_data->created_by_type, "User");
  EXPECT_EQ(e.system_data->last_modified_at, "2020-07-16T18:24:44Z");
  EXPECT_EQ(e.current_version, "1.0.0");
  EXPECT_EQ(e.auto_upgrade_mode, "compatible");
  EXPECT_TRUE(e.configuration_settings.empty());
  EXPECT_EQ(e.protected_setting_names, std::vector<std::string>{"secretKey"});
  ASSERT_TRUE(e.aks_assigned_identity.has_value());
  EXPECT_EQ(e.aks_assigned_identity->type, "Workload");
  EXPECT_EQ(e.extension_state, "Ready");
  EXPECT_EQ(e.package_uri, "https://charts.example/azure-vote-1.0.0.tgz");
  EXPECT_TRUE(e.succeeded());
  EXPECT_TRUE(e.is_terminal());
  const auto shown = model::to_string(e);
  EXPECT_NE(shown.find("secretKey"), std::string::npos);
  EXPECT_NE(shown.find("***"), std::string::npos);
}

TEST(ExtensionRead, FailedInstallWithStatusesAndErrorInfo) {
  const auto e = extension::from_json(boost::json::parse(R"({
    "name": "azureml",
    "properties": {
      "extensionType": "Microsoft.AzureML.Kubernetes",
      "provisioningState": "failed",
      "statuses": [{"code": "InstallationFailed", "displayStatus": "Failed", "level": "Error",
                    "message": "pre-install hook failed: pod healthcheck failed", "time": "2024-01-02T03:04:05Z"}],
      "errorInfo": {"code": "ExtensionOperationFailed", "message": "Helm installation failed",
                    "details": [{"code": "E40002", "message": "INSUFFICIENT_NODE", "target": "inferenceRouterHA"}]}
    }
  })"));
  EXPECT_TRUE(e.failed());
  EXPECT_TRUE(e.is_terminal());
  EXPECT_TRUE(e.id.empty());
  ASSERT_EQ(e.statuses.size(), 1u);
  EXPECT_EQ(e.statuses[0], (model::extension_status{"InstallationFailed", "Failed", "Error",
                                                   "pre-install hook failed: pod healthcheck failed",
                                                   "2024-01-02T03:04:05Z"}));
  ASSERT_TRUE(e.error_info.has_value());
  EXPECT_EQ(e.error_info->code, "ExtensionOperationFailed");
  ASSERT_EQ(e.error_info->details.size(), 1u);
  EXPECT_EQ(e.error_info->details[0].target, "inferenceRouterHA");
}

TEST(ExtensionRead, WrongTypesNameTheMember) {
  try {
    (void)extension::from_json(boost::json::parse(R"({"properties": {"configurationSettings": {"a": 1}}})"));
    FAIL() << "expected an error";
  } catch (const amlk8s::error& e) {
    ASSERT_FALSE(e.diag().validation.empty());
    EXPECT_EQ(e.diag().validation.front().field, "properties.configurationSettings.a");
  }
}

TEST(ExtensionDefaults, IdentityFollowsTheClusterType) {
  EXPECT_FALSE(model::default_identity(cluster_id(cluster_kind::aks, "s", "rg", "c")).has_value());
  auto arc = model::default_identity(cluster_id(cluster_kind::arc, "s", "rg", "c"));
  ASSERT_TRUE(arc.has_value());
  EXPECT_EQ(arc->type, "SystemAssigned");
}

// Checks that happen before any request: a fake sender with no script fails the test if one is sent.
TEST(ExtensionsClientChecks, InvalidInputSendsNothing) {
  boost::asio::io_context io;
  test::fake_sender sender(io.get_executor());
  arm::client arm(sender);
  model::extensions_client client(arm);
  const auto cluster = cluster_id(cluster_kind::aks, "s", "rg", "c");

  extension_spec bad;
  bad.version = "1.0.0";
  bad.auto_upgrade_minor_version = true;
  diagnostics d1;
  error_code ec1;
  bool done1 = false;
  client.async_begin_create(cluster, "ext", bad, d1, [&](error_code ec, arm::poller p) {
    ec1 = ec;
    done1 = true;
    EXPECT_FALSE(p.valid());
  });
  EXPECT_FALSE(done1);  // never completes inside the initiating call

  extension_patch unacknowledged;
  unacknowledged.configuration_protected_settings = std::map<std::string, secret_string>{{"k", secret_string("v")}};
  diagnostics d2;
  error_code ec2;
  client.async_begin_update(cluster, "ext", unacknowledged, d2, [&](error_code ec, arm::poller) { ec2 = ec; });

  diagnostics d3;
  error_code ec3;
  client.async_get(cluster, "bad/name", d3, [&](error_code ec, extension) { ec3 = ec; });

  diagnostics d4;
  error_code ec4;
  client.async_list(resource_id::for_subscription("s"), d4, [&](error_code ec, std::vector<extension>) { ec4 = ec; });

  io.run();
  EXPECT_TRUE(done1);
  EXPECT_EQ(ec1, errc::invalid_argument);
  EXPECT_TRUE(has_issue(d1.validation, "autoUpgradeMinorVersion"));
  EXPECT_EQ(ec2, errc::invalid_argument);
  EXPECT_TRUE(has_issue(d2.validation, "configurationProtectedSettings"));
  EXPECT_EQ(ec3, errc::invalid_argument);
  EXPECT_TRUE(has_issue(d3.validation, "name"));
  EXPECT_EQ(ec4, errc::invalid_argument);
  EXPECT_TRUE(sender.sent().empty());
}

// The wire requests, checked on a scripted sender: PUT body and secret flag, default identity on
// Arc, forceDelete, and a 404 on DELETE of a missing extension.
TEST(ExtensionsClientChecks, RequestsOnTheWire) {
  boost::asio::io_context io;
  test::fake_sender sender(io.get_executor());
  arm::client arm(sender, [] {
    arm::client_options o;
    o.endpoint = "https://arm.test";
    return o;
  }());
  model::extensions_client client(arm);
  const auto arc = cluster_id(cluster_kind::arc, "s", "rg", "c");

  sender.push(test::json_answer(
      200, R"({"name": "ext", "properties": {"extensionType": "x", "provisioningState": "Succeeded"}})"));
  sender.push(test::json_answer(
      404, R"({"error": {"code": "ExtensionNotFound", "message": "The Resource ... could not be found!"}})"));
  sender.push(test::json_answer(
      404, R"({"error": {"code": "ResourceNotFound", "message": "The Resource 'Microsoft.Kubernetes/connectedClusters/c' under resource group 'rg' was not found."}})"));

  auto spec = azureml_like_spec();
  diagnostics d1;
  arm::poller created;
  client.async_begin_create(arc, "ext", spec, d1, [&](error_code ec, arm::poller p) {
    EXPECT_FALSE(ec) << d1.to_string();
    created = std::move(p);
  });
  io.run();
  io.restart();
  ASSERT_EQ(sender.sent().size(), 1u);
  const auto& put = sender.sent()[0];
  EXPECT_EQ(put.method, http::verb::put);
  EXPECT_EQ(put.url,
            "https://arm.test/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/"
            "providers/Microsoft.KubernetesConfiguration/extensions/ext?api-version=2024-11-01");
  auto body = boost::json::parse(put.body);
  EXPECT_EQ(body.at("identity"), boost::json::parse(R"({"type": "SystemAssigned"})"));  // §2.6 on Arc
  ASSERT_TRUE(created.valid());
  EXPECT_TRUE(created.done());
  EXPECT_TRUE(created.succeeded());

  diagnostics d2;
  bool found = true;
  error_code ec2 = make_error_code(errc::service_error);
  client.async_begin_delete(arc, "ext", true, d2, [&](error_code ec, model::extension_deletion d) {
    ec2 = ec;
    found = d.found;
    EXPECT_TRUE(d.poller.done());
  });
  io.run();
  io.restart();
  EXPECT_FALSE(ec2);
  EXPECT_FALSE(found);
  ASSERT_EQ(sender.sent().size(), 2u);
  EXPECT_EQ(sender.sent()[1].method, http::verb::delete_);
  EXPECT_NE(sender.sent()[1].url.find("forceDelete=true"), std::string::npos) << sender.sent()[1].url;

  diagnostics d3;
  error_code ec3;
  client.async_begin_delete(arc, "ext", false, d3, [&](error_code ec, model::extension_deletion) { ec3 = ec; });
  io.run();
  EXPECT_EQ(ec3, errc::not_found);
  EXPECT_NE(d3.client_message.find("cluster '" + arc.to_string() + "' was not found"), std::string::npos)
      << d3.client_message;
  EXPECT_EQ(sender.sent()[2].url.find("forceDelete"), std::string::npos);
}

}  // namespace amlk8s_model_extension_test
