#include <amlk8s/core/resource_id.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using amlk8s::resource_id;
using id_kind = amlk8s::resource_id::id_kind;

constexpr const char* sub = "00000000-1111-2222-3333-444444444444";
const std::string ws_text = std::string("/subscriptions/") + sub +
                            "/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ws1";
const std::string aks_text = std::string("/subscriptions/") + sub +
                             "/resourceGroups/k8s-rg/providers/Microsoft.ContainerService/managedClusters/aks1";
const std::string arc_text = std::string("/subscriptions/") + sub +
                             "/resourceGroups/k8s-rg/providers/Microsoft.Kubernetes/connectedClusters/arc1";
const std::string aks_extension_text = aks_text + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml";

// The message an invalid id must produce: the id, quoted, then the part that is wrong.
std::string invalid(const std::string& text, const std::string& problem) {
  return "'" + text + "' is not a valid ARM resource id: " + problem;
}

void expect_rejected(const std::string& text, const std::string& problem) {
  SCOPED_TRACE(text);
  try {
    (void)resource_id::parse(text);
    ADD_FAILURE() << "parse accepted an invalid id";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    EXPECT_EQ(e.diag().client_message, invalid(text, problem));
    EXPECT_NE(std::string(e.what()).find(invalid(text, problem)), std::string::npos) << e.what();
  }
}

TEST(ResourceId, DefaultConstructedIsEmpty) {
  resource_id id;
  EXPECT_TRUE(id.empty());
  EXPECT_EQ(id.kind(), id_kind::none);
  EXPECT_EQ(id.to_string(), "");
  EXPECT_EQ(id.subscription_id(), "");
  EXPECT_EQ(id.name(), "");
  EXPECT_EQ(id.resource_type(), "");
  EXPECT_FALSE(id.parent());
  EXPECT_FALSE(id.is_type(""));
  EXPECT_EQ(id, resource_id());
}

TEST(ResourceId, ParsesSubscriptionId) {
  auto id = resource_id::parse(std::string("/SUBSCRIPTIONS/") + sub);
  EXPECT_EQ(id.kind(), id_kind::subscription);
  EXPECT_EQ(id.subscription_id(), sub);
  EXPECT_EQ(id.resource_group(), "");
  EXPECT_EQ(id.provider_namespace(), "Microsoft.Resources");
  EXPECT_EQ(id.resource_type(), "Microsoft.Resources/subscriptions");
  EXPECT_EQ(id.type_name(), "SUBSCRIPTIONS");
  EXPECT_EQ(id.name(), sub);
  EXPECT_FALSE(id.parent());
  EXPECT_FALSE(id.is_extension());
}

TEST(ResourceId, ParsesResourceGroupIdWithLowerCaseKeyword) {
  auto id = resource_id::parse("/subscriptions/s1/resourcegroups/My-RG");
  EXPECT_EQ(id.kind(), id_kind::resource_group);
  EXPECT_EQ(id.subscription_id(), "s1");
  EXPECT_EQ(id.resource_group(), "My-RG");
  EXPECT_EQ(id.resource_type(), "Microsoft.Resources/resourceGroups");
  EXPECT_TRUE(id.is_type("microsoft.resources/resourcegroups"));
  EXPECT_EQ(id.name(), "My-RG");
  EXPECT_EQ(id.parent()->to_string(), "/subscriptions/s1");
}

TEST(ResourceId, ParsesResourceProviderId) {
  auto id = resource_id::parse("/subscriptions/s1/providers/Microsoft.KubernetesConfiguration");
  EXPECT_EQ(id.kind(), id_kind::provider);
  EXPECT_EQ(id.resource_type(), "Microsoft.Resources/providers");
  EXPECT_EQ(id.name(), "Microsoft.KubernetesConfiguration");
  EXPECT_EQ(id.resource_group(), "");
  EXPECT_EQ(id.parent()->to_string(), "/subscriptions/s1");
}

TEST(ResourceId, ParsesSubscriptionLevelResource) {
  auto id = resource_id::parse("/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/ra1");
  EXPECT_EQ(id.kind(), id_kind::resource);
  EXPECT_EQ(id.resource_group(), "");
  EXPECT_EQ(id.provider_namespace(), "Microsoft.Authorization");
  EXPECT_EQ(id.resource_type(), "Microsoft.Authorization/roleAssignments");
  EXPECT_EQ(id.name(), "ra1");
  EXPECT_FALSE(id.is_extension());
  EXPECT_EQ(id.parent()->to_string(), "/subscriptions/s1");
}

TEST(ResourceId, ParsesWorkspaceAndItsNestedChildren) {
  auto ws = resource_id::parse(ws_text);
  EXPECT_EQ(ws.kind(), id_kind::resource);
  EXPECT_EQ(ws.subscription_id(), sub);
  EXPECT_EQ(ws.resource_group(), "ml-rg");
  EXPECT_EQ(ws.provider_namespace(), "Microsoft.MachineLearningServices");
  EXPECT_EQ(ws.resource_type(), "Microsoft.MachineLearningServices/workspaces");
  EXPECT_EQ(ws.type_name(), "workspaces");
  EXPECT_EQ(ws.name(), "ws1");

  auto env = resource_id::parse(ws_text + "/environments/my-env/versions/3");
  EXPECT_EQ(env.resource_type(), "Microsoft.MachineLearningServices/workspaces/environments/versions");
  EXPECT_EQ(env.type_name(), "versions");
  EXPECT_EQ(env.name(), "3");
  EXPECT_EQ(env.provider_namespace(), "Microsoft.MachineLearningServices");
  EXPECT_TRUE(env.is_type(amlk8s::resource_types::environment_version));

  auto deployment = resource_id::parse(ws_text + "/onlineEndpoints/ep/deployments/blue");
  EXPECT_TRUE(deployment.is_type(amlk8s::resource_types::online_deployment));
  EXPECT_EQ(deployment.name(), "blue");
}

TEST(ResourceId, ParsesClusterExtensionAsExtensionResourceKeepingTheCluster) {
  auto ext = resource_id::parse(aks_extension_text);
  EXPECT_EQ(ext.kind(), id_kind::resource);
  EXPECT_TRUE(ext.is_extension());
  EXPECT_EQ(ext.subscription_id(), sub);
  EXPECT_EQ(ext.resource_group(), "k8s-rg");
  EXPECT_EQ(ext.provider_namespace(), "Microsoft.KubernetesConfiguration");
  EXPECT_EQ(ext.resource_type(), "Microsoft.KubernetesConfiguration/extensions");
  EXPECT_EQ(ext.name(), "azureml");
  ASSERT_TRUE(ext.extended_resource());
  EXPECT_EQ(ext.extended_resource()->to_string(), aks_text);
  EXPECT_EQ(ext.parent(), ext.extended_resource());
  EXPECT_EQ(amlk8s::cluster_kind_of(*ext.extended_resource()), amlk8s::cluster_kind::aks);
  EXPECT_FALSE(resource_id::parse(aks_text).extended_resource());
}

TEST(ResourceId, ParsesChildOfAnExtensionResource) {
  auto op = resource_id::parse(arc_text + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml/operations/op-1");
  EXPECT_TRUE(op.is_extension());
  EXPECT_EQ(op.resource_type(), "Microsoft.KubernetesConfiguration/extensions/operations");
  EXPECT_EQ(op.name(), "op-1");
  EXPECT_EQ(op.parent()->name(), "azureml");
  EXPECT_EQ(op.extended_resource()->to_string(), arc_text);
}

TEST(ResourceId, RoundTripsEveryShapeWithItsOriginalCasing) {
  const std::string shapes[] = {
      "/SubScriptions/ABCDEF00-1111-2222-3333-444444444444",
      "/subscriptions/s1/RESOURCEGROUPS/Rg.With(Parens)_and-Dash",
      "/subscriptions/s1/Providers/microsoft.kubernetesconfiguration",
      "/subscriptions/s1/providers/MICROSOFT.AUTHORIZATION/RoleAssignments/Ra1",
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.machinelearningservices/Workspaces/WS",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/Computes/K8S",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/jobs/Job_1",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineendpoints/"
      "EP/Deployments/Blue",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/environments/"
      "Env/versions/1.0.2",
      "/subscriptions/s1/resourceGroups/rg/providers/microsoft.containerservice/MANAGEDCLUSTERS/Aks",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedclusters/Arc",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/Aks/PROVIDERS/"
      "microsoft.kubernetesconfiguration/Extensions/AzureML",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/Arc/providers/"
      "Microsoft.KubernetesConfiguration/extensions/azureml/operations/OP",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/"
      "Microsoft.Insights/diagnosticSettings/d/providers/Microsoft.Other/things/t",
  };
  for (const auto& text : shapes) {
    SCOPED_TRACE(text);
    auto id = resource_id::parse(text);
    EXPECT_EQ(id.to_string(), text);
    EXPECT_EQ(resource_id::parse(id.to_string()), id);
    std::ostringstream os;
    os << id;
    EXPECT_EQ(os.str(), text);
  }
}

TEST(ResourceId, EqualityIgnoresCaseOfKeywordsNamespacesTypesAndNames) {
  auto a = resource_id::parse(aks_extension_text);
  std::string upper = aks_extension_text;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto b = resource_id::parse(upper);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a <=> b, std::weak_ordering::equivalent);
  EXPECT_EQ(b.to_string(), upper);  // equal, yet each keeps its own casing
  EXPECT_EQ(resource_id::parse("/subscriptions/S/resourcegroups/RG"),
            resource_id::parse("/subscriptions/s/resourceGroups/rg"));
}

TEST(ResourceId, DifferentSegmentsAreNotEqual) {
  auto ws = resource_id::parse(ws_text);
  EXPECT_NE(ws, resource_id::parse(ws_text + "x"));
  EXPECT_NE(ws, *ws.parent());
  EXPECT_NE(resource_id::parse("/subscriptions/s/resourceGroups/rg1"),
            resource_id::parse("/subscriptions/s/resourceGroups/rg2"));
  EXPECT_NE(ws, resource_id());
}

TEST(ResourceId, EqualIdsHashAlikeAndKeyContainers) {
  auto a = resource_id::parse("/subscriptions/S1/resourceGroups/RG");
  auto b = resource_id::parse("/subscriptions/s1/resourcegroups/rg");
  EXPECT_EQ(std::hash<resource_id>{}(a), std::hash<resource_id>{}(b));
  EXPECT_EQ(hash_value(a), hash_value(b));
  std::unordered_set<resource_id> set{a};
  EXPECT_TRUE(set.contains(b));
  std::map<resource_id, int> map{{a, 1}};
  EXPECT_EQ(map.count(b), 1u);
  EXPECT_LT(resource_id::parse("/subscriptions/a"), resource_id::parse("/subscriptions/B"));
}

TEST(ResourceId, ParentWalksUpToTheSubscription) {
  auto deployment = resource_id::parse(ws_text + "/onlineEndpoints/ep/deployments/blue");
  std::vector<std::string> chain;
  for (std::optional<resource_id> id = deployment; id; id = id->parent()) chain.push_back(id->to_string());
  std::vector<std::string> expected = {
      ws_text + "/onlineEndpoints/ep/deployments/blue",
      ws_text + "/onlineEndpoints/ep",
      ws_text,
      std::string("/subscriptions/") + sub + "/resourceGroups/ml-rg",
      std::string("/subscriptions/") + sub,
  };
  EXPECT_EQ(chain, expected);
  auto parent = *deployment.parent();
  EXPECT_EQ(parent.kind(), id_kind::resource);
  EXPECT_EQ(parent.resource_type(), "Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
}

TEST(ResourceId, AncestorOfTypeFindsTheWorkspaceOfADeployment) {
  auto deployment = resource_id::parse(ws_text + "/onlineEndpoints/ep/deployments/blue");
  auto ws = deployment.ancestor_of_type("microsoft.machinelearningservices/WORKSPACES");
  ASSERT_TRUE(ws);
  EXPECT_EQ(ws->to_string(), ws_text);
  EXPECT_EQ(deployment.ancestor_of_type(amlk8s::resource_types::online_deployment), deployment);
  EXPECT_FALSE(deployment.ancestor_of_type(amlk8s::resource_types::managed_cluster));
  auto ext = resource_id::parse(aks_extension_text);
  EXPECT_EQ(ext.ancestor_of_type(amlk8s::resource_types::managed_cluster)->to_string(), aks_text);
}

TEST(ResourceId, ChildAppendsTypeAndName) {
  auto ws = resource_id::parse(ws_text);
  auto compute = ws.child("computes", "k8s");
  EXPECT_EQ(compute.to_string(), ws_text + "/computes/k8s");
  EXPECT_EQ(compute.resource_type(), "Microsoft.MachineLearningServices/workspaces/computes");
  EXPECT_EQ(compute.parent(), ws);
  auto version = ws.child("environments", "env").child("versions", "2");
  EXPECT_TRUE(version.is_type(amlk8s::resource_types::environment_version));
}

TEST(ResourceId, ChildRejectsBadSegmentsAndNonResourceParents) {
  auto ws = resource_id::parse(ws_text);
  auto message_of = [](auto&& f) {
    try {
      f();
    } catch (const amlk8s::error& e) {
      EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
      return e.diag().client_message;
    }
    ADD_FAILURE() << "no error";
    return std::string();
  };
  EXPECT_EQ(message_of([&] { (void)ws.child("computes", "a/b"); }),
            "cannot add a child 'computes/a/b' to '" + ws_text + "': the name 'a/b' contains '/'");
  EXPECT_EQ(message_of([&] { (void)ws.child("", "x"); }),
            "cannot add a child '/x' to '" + ws_text + "': the type is empty");
  EXPECT_EQ(message_of([&] { (void)ws.child("jobs", "a?b"); }),
            "cannot add a child 'jobs/a?b' to '" + ws_text + "': the name 'a?b' contains '?'");
  EXPECT_EQ(message_of([&] { (void)ws.child("jobs", "a#b"); }),
            "cannot add a child 'jobs/a#b' to '" + ws_text + "': the name 'a#b' contains '#'");
  EXPECT_EQ(message_of([&] { (void)ws.child("Providers", "x"); }),
            "cannot add a child 'Providers/x' to '" + ws_text + "': 'providers' is not a resource type");
  EXPECT_EQ(message_of([] { (void)resource_id::parse("/subscriptions/s/resourceGroups/rg").child("jobs", "j"); }),
            "cannot add a child 'jobs/j' to '/subscriptions/s/resourceGroups/rg': only a resource under "
            "/providers/ has child resources");
  EXPECT_NE(message_of([] { (void)resource_id().child("jobs", "j"); }).find("an empty id"), std::string::npos);
}

TEST(ResourceId, ProviderResourceBuildsPlainAndExtensionResources) {
  auto rg = resource_id::for_resource_group("s1", "rg");
  auto aks = rg.provider_resource("Microsoft.ContainerService", "managedClusters", "c1");
  EXPECT_EQ(aks.to_string(), "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1");
  EXPECT_FALSE(aks.is_extension());
  auto ext = aks.provider_resource("Microsoft.KubernetesConfiguration", "extensions", "e");
  EXPECT_TRUE(ext.is_extension());
  EXPECT_EQ(ext.extended_resource(), aks);
  auto sub_level = resource_id::for_subscription("s1").provider_resource("Microsoft.Authorization", "roleAssignments", "r");
  EXPECT_EQ(sub_level.to_string(), "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/r");
  auto provider = resource_id::parse("/subscriptions/s1/providers/Microsoft.Kubernetes");
  EXPECT_THROW((void)provider.provider_resource("Microsoft.X", "t", "n"), amlk8s::error);
  EXPECT_THROW((void)rg.provider_resource("Microsoft.X", "t", ""), amlk8s::error);
  EXPECT_THROW((void)rg.provider_resource("Microsoft/X", "t", "n"), amlk8s::error);
}

TEST(ResourceId, FactoriesRejectSegmentsWithSlashesOrBadResourceGroups) {
  EXPECT_EQ(resource_id::for_subscription("s1").to_string(), "/subscriptions/s1");
  try {
    (void)resource_id::for_resource_group("s1", "a/b");
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().client_message,
              "cannot build a resource group id: the resource group name 'a/b' contains '/'");
  }
  try {
    (void)resource_id::for_subscription("");
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().client_message, "cannot build a subscription id: the subscription id is empty");
  }
  EXPECT_THROW((void)resource_id::for_resource_group("s1", "rg."), amlk8s::error);
}

TEST(ResourceId, RejectsMalformedIdsNamingThePartThatIsWrong) {
  expect_rejected("", "the id is empty");
  expect_rejected("subscriptions/s", "it does not start with '/subscriptions/'");
  expect_rejected("/tenants/t", "it does not start with '/subscriptions/'");
  expect_rejected("//subscriptions/s", "it does not start with '/subscriptions/'");
  expect_rejected("/subscriptions", "the subscription id is missing");
  expect_rejected("/subscriptions/", "the subscription segment is empty");
  expect_rejected("/subscriptions//resourceGroups/rg", "the subscription segment is empty");
  expect_rejected("/subscriptions/s/", "it ends with '/'");
  expect_rejected("/subscriptions/s//resourceGroups/rg", "it has an empty segment ('//') after 's'");
  expect_rejected("/subscriptions/s/resourceGroups", "the resource group name is missing");
  expect_rejected("/subscriptions/s/resourceGroups/", "the resource group segment is empty");
  expect_rejected("/subscriptions/s/resourceGroups//providers/Microsoft.X/t/n", "the resource group segment is empty");
  expect_rejected("/subscriptions/s/resourceGroups/rg/", "it ends with '/'");
  expect_rejected("/subscriptions/s/locations/westeurope",
                  "expected 'resourceGroups' or 'providers' after the subscription, found 'locations'");
  expect_rejected("/subscriptions/s/resourceGroups/rg/workspaces/ws",
                  "expected 'providers' after the resource group, found 'workspaces'");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers", "'providers' is not followed by a namespace");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers/", "the provider namespace is empty");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices",
                  "the provider namespace 'Microsoft.MachineLearningServices' is not followed by a resource type");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces",
                  "the resource type 'workspaces' has no name (type and name segments come in pairs)");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/",
                  "the name of 'workspaces' is empty");
  expect_rejected("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces//computes/c",
                  "the name of 'workspaces' is empty");
  expect_rejected(ws_text + "/computes", "the resource type 'computes' has no name (type and name segments come in pairs)");
  expect_rejected(ws_text + "/", "it ends with '/'");
  expect_rejected(ws_text + "//jobs/j", "it has an empty segment ('//') after 'ws1'");
  expect_rejected(aks_text + "/providers", "'providers' is not followed by a namespace");
  expect_rejected(aks_text + "/providers/Microsoft.KubernetesConfiguration",
                  "the provider namespace 'Microsoft.KubernetesConfiguration' is not followed by a resource type");
  expect_rejected(aks_text + "/providers/Microsoft.KubernetesConfiguration/extensions",
                  "the resource type 'extensions' has no name (type and name segments come in pairs)");
  expect_rejected("/subscriptions/s/providers/Microsoft.A/providers/Microsoft.B/t/n",
                  "the provider namespace 'Microsoft.A' is not followed by a resource type");
  expect_rejected(ws_text + "?api-version=2025-04-01",
                  "it contains '?' (a query string is not part of a resource id)");
  expect_rejected(ws_text + "#frag", "it contains '#', which ARM does not allow in ids");
}

TEST(ResourceId, ResourceGroupNamesFollowArmsDocumentedRule) {
  EXPECT_NO_THROW((void)resource_id::parse("/subscriptions/s/resourceGroups/a_b-c.d(e)9"));
  EXPECT_NO_THROW((void)resource_id::parse("/subscriptions/s/resourceGroups/gr\xc3\xbcn"));  // Unicode letters are allowed
  EXPECT_NO_THROW((void)resource_id::parse("/subscriptions/s/resourceGroups/" + std::string(90, 'r')));
  // 90 characters of two bytes each are still 90 characters.
  std::string wide;
  for (int i = 0; i < 90; ++i) wide += "\xc3\xa9";
  EXPECT_NO_THROW((void)resource_id::parse("/subscriptions/s/resourceGroups/" + wide));

  expect_rejected("/subscriptions/s/resourceGroups/rg!",
                  "the resource group name 'rg!' contains '!'; ARM allows letters, digits, '_', '-', '.', '(' and ')'");
  expect_rejected("/subscriptions/s/resourceGroups/my rg",
                  "the resource group name 'my rg' contains ' '; ARM allows letters, digits, '_', '-', '.', '(' and ')'");
  expect_rejected("/subscriptions/s/resourceGroups/rg.", "the resource group name 'rg.' ends with '.', which ARM does not allow");
  expect_rejected("/subscriptions/s/resourceGroups/" + std::string(91, 'r'),
                  "the resource group name is 91 characters long; ARM allows at most 90");
}

TEST(ResourceId, ControlCharactersAreRejectedAndEscapedInTheMessage) {
  std::string text = "/subscriptions/s/resourceGroups/rg\n";
  try {
    (void)resource_id::parse(text);
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().client_message,
              "'/subscriptions/s/resourceGroups/rg\\x0A' is not a valid ARM resource id: it contains a control "
              "character (0x0A at offset 34)");
  }
}

TEST(ResourceId, VeryLongInputIsShortenedInTheMessage) {
  std::string text = "/tenants/" + std::string(5000, 'x');
  try {
    (void)resource_id::parse(text);
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_LT(e.diag().client_message.size(), 700u);
    EXPECT_NE(e.diag().client_message.find("...'"), std::string::npos);
  }
}

TEST(ResourceId, NonThrowingParseReportsDiagnostics) {
  amlk8s::error_code ec = amlk8s::errc::timeout;
  amlk8s::diagnostics diag;
  auto ok = resource_id::parse(ws_text, ec, diag);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(ok.name(), "ws1");

  auto bad = resource_id::parse("/subscriptions//resourceGroups/rg", ec, diag);
  EXPECT_EQ(ec, amlk8s::errc::invalid_argument);
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(diag.client_message,
            "'/subscriptions//resourceGroups/rg' is not a valid ARM resource id: the subscription segment is empty");
}

TEST(ResourceId, ClusterKindsNameTheirProviderAndType) {
  using amlk8s::cluster_kind;
  EXPECT_EQ(amlk8s::cluster_provider_namespace(cluster_kind::aks), "Microsoft.ContainerService");
  EXPECT_EQ(amlk8s::cluster_provider_namespace(cluster_kind::arc), "Microsoft.Kubernetes");
  EXPECT_EQ(amlk8s::cluster_type_name(cluster_kind::aks), "managedClusters");
  EXPECT_EQ(amlk8s::cluster_type_name(cluster_kind::arc), "connectedClusters");
  EXPECT_EQ(amlk8s::cluster_resource_type(cluster_kind::aks), "Microsoft.ContainerService/managedClusters");
  EXPECT_EQ(amlk8s::cluster_resource_type(cluster_kind::arc), "Microsoft.Kubernetes/connectedClusters");
  EXPECT_EQ(amlk8s::parse_cluster_type("managedclusters"), cluster_kind::aks);
  EXPECT_EQ(amlk8s::parse_cluster_type("ConnectedClusters"), cluster_kind::arc);
  EXPECT_EQ(amlk8s::parse_cluster_type("microsoft.kubernetes/connectedclusters"), cluster_kind::arc);
  EXPECT_FALSE(amlk8s::parse_cluster_type("provisionedClusters"));
  EXPECT_EQ(amlk8s::cluster_kind_of(resource_id::parse(arc_text)), cluster_kind::arc);
  EXPECT_FALSE(amlk8s::cluster_kind_of(resource_id::parse(ws_text)));
  EXPECT_FALSE(amlk8s::cluster_kind_of(resource_id()));
}

TEST(ResourceId, ClusterHelpersBuildAksAndArcIdsAndTheirExtensions) {
  using amlk8s::cluster_kind;
  EXPECT_EQ(amlk8s::cluster_id(cluster_kind::aks, sub, "k8s-rg", "aks1").to_string(), aks_text);
  EXPECT_EQ(amlk8s::cluster_id(cluster_kind::arc, sub, "k8s-rg", "arc1").to_string(), arc_text);
  EXPECT_EQ(amlk8s::cluster_extension_id(cluster_kind::aks, sub, "k8s-rg", "aks1", "azureml").to_string(),
            aks_extension_text);
  auto arc_ext = amlk8s::cluster_extension_id(resource_id::parse(arc_text), "azureml");
  EXPECT_EQ(arc_ext.to_string(), arc_text + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml");
  EXPECT_TRUE(arc_ext.is_type(amlk8s::resource_types::cluster_extension));
  // The ARM API accepts other cluster resource types, so the helper does too.
  auto provisioned = resource_id::parse(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridContainerService/provisionedClusters/p");
  EXPECT_EQ(amlk8s::cluster_extension_id(provisioned, "e").extended_resource(), provisioned);
  EXPECT_THROW((void)amlk8s::cluster_extension_id(resource_id::parse("/subscriptions/s/resourceGroups/rg"), "e"),
               amlk8s::error);
  EXPECT_THROW((void)amlk8s::cluster_extension_id(resource_id(), "e"), amlk8s::error);
  EXPECT_THROW((void)amlk8s::cluster_id(cluster_kind::aks, sub, "rg", "a/b"), amlk8s::error);
}

TEST(ResourceId, WorkspaceHelpersBuildTheIdsOfWorkspaceResources) {
  auto ws = amlk8s::workspace_id(sub, "ml-rg", "ws1");
  EXPECT_EQ(ws.to_string(), ws_text);
  EXPECT_EQ(amlk8s::compute_id(ws, "k8s").to_string(), ws_text + "/computes/k8s");
  EXPECT_EQ(amlk8s::job_id(ws, "job-1").to_string(), ws_text + "/jobs/job-1");
  auto ep = amlk8s::online_endpoint_id(ws, "ep");
  EXPECT_EQ(ep.to_string(), ws_text + "/onlineEndpoints/ep");
  EXPECT_EQ(amlk8s::online_deployment_id(ep, "blue").to_string(), ws_text + "/onlineEndpoints/ep/deployments/blue");
  EXPECT_EQ(amlk8s::environment_version_id(ws, "env", "7").to_string(), ws_text + "/environments/env/versions/7");
  EXPECT_TRUE(amlk8s::compute_id(ws, "k8s").is_type(amlk8s::resource_types::compute));
  EXPECT_TRUE(amlk8s::job_id(ws, "j").is_type(amlk8s::resource_types::job));
  // A workspace id written in another casing is still a workspace.
  auto lower = resource_id::parse(
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/w");
  EXPECT_EQ(amlk8s::job_id(lower, "j").to_string(), lower.to_string() + "/jobs/j");
}

TEST(ResourceId, WorkspaceHelpersRejectAnIdOfAnotherType) {
  try {
    (void)amlk8s::compute_id(resource_id::parse(aks_text), "k8s");
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().client_message,
              "cannot build a compute id: expected a workspace id (Microsoft.MachineLearningServices/workspaces), "
              "got '" + aks_text + "'");
  }
  auto ws = resource_id::parse(ws_text);
  EXPECT_THROW((void)amlk8s::online_deployment_id(ws, "blue"), amlk8s::error);
  EXPECT_THROW((void)amlk8s::job_id(resource_id(), "j"), amlk8s::error);
  EXPECT_THROW((void)amlk8s::environment_version_id(ws, "env", ""), amlk8s::error);
  EXPECT_THROW((void)amlk8s::workspace_id(sub, "", "ws"), amlk8s::error);
}

TEST(ResourceId, ConvertsToAndFromAJsonString) {
  auto id = resource_id::parse(aks_extension_text);
  boost::json::value jv = boost::json::value_from(id);
  ASSERT_TRUE(jv.is_string());
  EXPECT_EQ(jv.as_string(), aks_extension_text);
  EXPECT_EQ(boost::json::value_to<resource_id>(jv), id);

  auto parsed = boost::json::value_to<std::map<std::string, resource_id>>(
      boost::json::parse(R"({"compute": "/subscriptions/s/resourceGroups/rg/providers/P.Q/workspaces/w/computes/c"})"));
  EXPECT_EQ(parsed.at("compute").name(), "c");
}

TEST(ResourceId, JsonEmptyStringIsAnEmptyIdAndOtherKindsAreRejected) {
  EXPECT_TRUE(boost::json::value_to<resource_id>(boost::json::value("")).empty());
  EXPECT_EQ(boost::json::value_from(resource_id()), boost::json::value(""));
  EXPECT_THROW((void)boost::json::value_to<resource_id>(boost::json::value(42)), amlk8s::error);
  try {
    (void)boost::json::value_to<resource_id>(boost::json::value("/subscriptions/"));
    ADD_FAILURE() << "no error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().client_message, invalid("/subscriptions/", "the subscription segment is empty"));
  }
}

TEST(ResourceId, TryValueToReportsInvalidIdsAsAnErrorCode) {
  auto bad = boost::json::try_value_to<resource_id>(boost::json::value("/subscriptions//x"));
  ASSERT_TRUE(bad.has_error());
  EXPECT_EQ(bad.error(), amlk8s::errc::invalid_argument);
  auto good = boost::json::try_value_to<resource_id>(boost::json::value("/subscriptions/s"));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->subscription_id(), "s");
}

}  // namespace
