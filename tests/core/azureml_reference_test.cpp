#include <amlk8s/core/azureml_reference.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace {

using amlk8s::azureml_asset_type;
using amlk8s::azureml_reference;
using amlk8s::resource_id;
using form = amlk8s::azureml_reference::form;

const std::string ws_text =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

resource_id workspace() { return resource_id::parse(ws_text); }

// The client message of the amlk8s::error `f` throws (and a test failure when it does not throw).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    return e.diag().client_message;
  }
  ADD_FAILURE() << "no error was thrown";
  return {};
}

void expect_rejected(const std::string& text, const std::string& problem) {
  SCOPED_TRACE(text);
  EXPECT_EQ(error_of([&] { (void)azureml_reference::parse(text); }),
            "'" + text + "' is not a valid azureml: reference: " + problem);
}

TEST(AzuremlReference, DefaultConstructedIsEmpty) {
  azureml_reference ref;
  EXPECT_TRUE(ref.empty());
  EXPECT_EQ(ref.kind(), form::none);
  EXPECT_EQ(ref.to_string(), "");
  EXPECT_EQ(error_of([&] { (void)ref.to_arm_id(workspace(), azureml_asset_type::environments); }),
            "cannot map an empty azureml: reference to an environment id: there is nothing to map");
}

TEST(AzuremlReference, RecognisesThePrefixCaseSensitively) {
  EXPECT_TRUE(azureml_reference::is_reference("azureml:env:1"));
  EXPECT_FALSE(azureml_reference::is_reference("AzureML:env:1"));
  EXPECT_FALSE(azureml_reference::is_reference("env:1"));
}

TEST(AzuremlReference, ParsesABareName) {
  auto ref = azureml_reference::parse("azureml:k8s-compute");
  EXPECT_EQ(ref.kind(), form::name);
  EXPECT_EQ(ref.name(), "k8s-compute");
  EXPECT_EQ(ref.version(), "");
  EXPECT_EQ(ref.label(), "");
  EXPECT_TRUE(ref.arm_id().empty());
  EXPECT_EQ(ref.to_string(), "azureml:k8s-compute");
}

TEST(AzuremlReference, VersionIsEverythingAfterTheFirstColon) {
  auto ref = azureml_reference::parse("azureml:my-env:1");
  EXPECT_EQ(ref.kind(), form::name_version);
  EXPECT_EQ(ref.name(), "my-env");
  EXPECT_EQ(ref.version(), "1");

  auto odd = azureml_reference::parse("azureml:my-env:2024:01");
  EXPECT_EQ(odd.name(), "my-env");
  EXPECT_EQ(odd.version(), "2024:01");
}

TEST(AzuremlReference, LabelSplitsOnTheLastAt) {
  auto ref = azureml_reference::parse("azureml:AzureML-sklearn-1.5@latest");
  EXPECT_EQ(ref.kind(), form::name_label);
  EXPECT_EQ(ref.name(), "AzureML-sklearn-1.5");
  EXPECT_EQ(ref.label(), "latest");

  auto odd = azureml_reference::parse("azureml:team@env@stable");
  EXPECT_EQ(odd.name(), "team@env");
  EXPECT_EQ(odd.label(), "stable");
}

TEST(AzuremlReference, ParsesAFullArmId) {
  const std::string id = ws_text + "/environments/env/versions/3";
  auto ref = azureml_reference::parse("azureml:" + id);
  EXPECT_EQ(ref.kind(), form::arm_id);
  EXPECT_EQ(ref.arm_id().to_string(), id);
  EXPECT_EQ(ref.name(), "");
  EXPECT_EQ(ref.to_string(), "azureml:" + id);
}

TEST(AzuremlReference, ParsesRegistryReferencesWithVersionLabelOrNeither) {
  auto versioned = azureml_reference::parse("azureml://registries/azureml/environments/sklearn-1.5/versions/12");
  EXPECT_EQ(versioned.kind(), form::registry);
  EXPECT_EQ(versioned.registry(), "azureml");
  EXPECT_EQ(versioned.registry_asset_type(), "environments");
  EXPECT_EQ(versioned.name(), "sklearn-1.5");
  EXPECT_EQ(versioned.version(), "12");
  EXPECT_EQ(versioned.label(), "");

  auto labelled = azureml_reference::parse("azureml://registries/my-reg/models/m/labels/latest");
  EXPECT_EQ(labelled.registry_asset_type(), "models");
  EXPECT_EQ(labelled.label(), "latest");
  EXPECT_EQ(labelled.version(), "");

  auto bare = azureml_reference::parse("azureml://registries/my-reg/components/c");
  EXPECT_EQ(bare.name(), "c");
  EXPECT_EQ(bare.version(), "");
  EXPECT_EQ(bare.label(), "");
}

TEST(AzuremlReference, RoundTripsTheTextAndStreamsIt) {
  for (std::string text : {"azureml:c", "azureml:e:1", "azureml:e@latest", "azureml:/subscriptions/s/resourceGroups/rg",
                           "azureml://registries/r/environments/e/versions/1"}) {
    SCOPED_TRACE(text);
    auto ref = azureml_reference::parse(text);
    EXPECT_EQ(ref.to_string(), text);
    EXPECT_EQ(azureml_reference::parse(ref.to_string()), ref);
    std::ostringstream os;
    os << ref;
    EXPECT_EQ(os.str(), text);
  }
}

TEST(AzuremlReference, MapsNamesToWorkspaceIdsPerAssetType) {
  auto ws = workspace();
  EXPECT_EQ(azureml_reference::parse("azureml:env:3").to_arm_id(ws, azureml_asset_type::environments).to_string(),
            ws_text + "/environments/env/versions/3");
  EXPECT_EQ(azureml_reference::parse("azureml:m:1").to_arm_id(ws, azureml_asset_type::models).to_string(),
            ws_text + "/models/m/versions/1");
  EXPECT_EQ(azureml_reference::parse("azureml:src:5").to_arm_id(ws, azureml_asset_type::codes).to_string(),
            ws_text + "/codes/src/versions/5");
  EXPECT_EQ(azureml_reference::parse("azureml:d:2").to_arm_id(ws, azureml_asset_type::data).to_string(),
            ws_text + "/data/d/versions/2");
  EXPECT_EQ(azureml_reference::parse("azureml:c:9").to_arm_id(ws, azureml_asset_type::components).to_string(),
            ws_text + "/components/c/versions/9");
  EXPECT_EQ(azureml_reference::parse("azureml:env@latest").to_arm_id(ws, azureml_asset_type::environments).to_string(),
            ws_text + "/environments/env/labels/latest");
  EXPECT_EQ(azureml_reference::parse("azureml:env").to_arm_id(ws, azureml_asset_type::environments).to_string(),
            ws_text + "/environments/env");
  EXPECT_TRUE(azureml_reference::parse("azureml:env:3")
                  .to_arm_id(ws, azureml_asset_type::environments)
                  .is_type(amlk8s::resource_types::environment_version));
}

TEST(AzuremlReference, MapsAComputeNameToTheComputeId) {
  auto id = azureml_reference::parse("azureml:k8s-compute").to_arm_id(workspace(), azureml_asset_type::computes);
  EXPECT_EQ(id.to_string(), ws_text + "/computes/k8s-compute");
  EXPECT_TRUE(id.is_type(amlk8s::resource_types::compute));
}

TEST(AzuremlReference, ComputeReferencesTakeNoVersionOrLabel) {
  EXPECT_EQ(error_of([] { (void)azureml_reference::parse("azureml:k8s:1").to_arm_id(workspace(), azureml_asset_type::computes); }),
            "cannot map 'azureml:k8s:1' to a compute id: a compute reference takes no version");
  EXPECT_EQ(error_of([] { (void)azureml_reference::parse("azureml:k8s@latest").to_arm_id(workspace(), azureml_asset_type::computes); }),
            "cannot map 'azureml:k8s@latest' to a compute id: a compute reference takes no label");
}

TEST(AzuremlReference, ArmIdPassesThroughUnchanged) {
  const std::string id = "/subscriptions/other/resourceGroups/x/providers/Microsoft.MachineLearningServices/"
                         "workspaces/w2/environments/e/versions/1";
  auto ref = azureml_reference::parse("azureml:" + id);
  EXPECT_EQ(ref.to_arm_id(workspace(), azureml_asset_type::environments).to_string(), id);
  EXPECT_EQ(ref.to_asset_id(workspace(), azureml_asset_type::environments), id);
}

TEST(AzuremlReference, RegistryReferenceHasNoArmIdButIsSentAsItIs) {
  const std::string uri = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest";
  auto ref = azureml_reference::parse(uri);
  EXPECT_EQ(ref.to_asset_id(workspace(), azureml_asset_type::environments), uri);
  EXPECT_EQ(error_of([&] { (void)ref.to_arm_id(workspace(), azureml_asset_type::environments); }),
            "cannot map '" + uri +
                "' to an environment id: a registry asset has no id in a workspace; send the URI as it is (to_asset_id)");
  EXPECT_EQ(error_of([&] { (void)ref.to_asset_id(workspace(), azureml_asset_type::models); }),
            "cannot use '" + uri + "' as a model: it names 'environments' in registry 'azureml', not 'models'");
}

TEST(AzuremlReference, AssetIdOfAWorkspaceReferenceIsItsArmId) {
  EXPECT_EQ(azureml_reference::parse("azureml:src:1").to_asset_id(workspace(), azureml_asset_type::codes),
            ws_text + "/codes/src/versions/1");
}

TEST(AzuremlReference, ContainerIdServesTheLatestVersionLookup) {
  auto ws = workspace();
  EXPECT_EQ(azureml_reference::parse("azureml:env@latest").container_id(ws, azureml_asset_type::environments).to_string(),
            ws_text + "/environments/env");
  EXPECT_EQ(azureml_reference::parse("azureml:env:2").container_id(ws, azureml_asset_type::environments).to_string(),
            ws_text + "/environments/env");
  EXPECT_THROW((void)azureml_reference::parse("azureml://registries/r/environments/e")
                   .container_id(ws, azureml_asset_type::environments),
               amlk8s::error);
  EXPECT_THROW((void)azureml_reference::parse("azureml:" + ws_text).container_id(ws, azureml_asset_type::environments),
               amlk8s::error);
}

TEST(AzuremlReference, MappingNeedsAWorkspaceId) {
  auto cluster = resource_id::parse(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c");
  EXPECT_EQ(error_of([&] { (void)azureml_reference::parse("azureml:env:1").to_arm_id(cluster, azureml_asset_type::environments); }),
            "cannot build an environment id: expected a workspace id (Microsoft.MachineLearningServices/workspaces), got '" +
                cluster.to_string() + "'");
  EXPECT_THROW((void)azureml_reference::parse("azureml:c").to_arm_id(resource_id(), azureml_asset_type::computes),
               amlk8s::error);
}

TEST(AzuremlReference, RejectsMalformedReferencesNamingWhatIsWrong) {
  expect_rejected("", "it does not start with 'azureml:'");
  expect_rejected("env:1", "it does not start with 'azureml:'");
  expect_rejected("AzureML:env:1", "it does not start with 'azureml:'");
  expect_rejected("azureml:", "nothing follows 'azureml:'");
  expect_rejected("azureml::1", "the name before ':' is empty");
  expect_rejected("azureml:env:", "the version after ':' is empty");
  expect_rejected("azureml:@latest", "the name before '@' is empty");
  expect_rejected("azureml:env@", "the label after '@' is empty");
  expect_rejected("azureml:env:1@latest", "it has both a version (':') and a label ('@'); give one of them");
  expect_rejected("azureml:folder/env:1", "the name 'folder/env' contains '/' (only a full ARM id may hold '/')");
  expect_rejected("azureml:env:1/2", "the version '1/2' contains '/'");
  expect_rejected("azureml:env@a/b", "the label 'a/b' contains '/'");
  expect_rejected("azureml:env?x", "the name 'env?x' contains '?'");
  expect_rejected("azureml:env#x:1", "the name 'env#x' contains '#'");
  expect_rejected("azureml:/subscriptions//resourceGroups/rg",
                  "'/subscriptions//resourceGroups/rg' is not a valid ARM resource id: the subscription segment is empty");
  expect_rejected("azureml:/resourceGroups/rg",
                  "'/resourceGroups/rg' is not a valid ARM resource id: it does not start with '/subscriptions/'");
  expect_rejected("azureml://datastores/workspaceblobstore/paths/data/",
                  "only 'azureml://registries/...' URIs name assets (datastore and other azureml:// URIs are paths)");
  expect_rejected("azureml://registries/", "the registry name is missing");
  expect_rejected("azureml://registries/reg", "the asset type after the registry name is missing");
  expect_rejected("azureml://registries/reg/environments", "the asset name after 'environments' is missing");
  expect_rejected("azureml://registries/reg/environments/", "the asset name after 'environments' is missing");
  expect_rejected("azureml://registries/reg/environments/e/tags/x",
                  "expected 'versions' or 'labels' after the asset name, found 'tags'");
  expect_rejected("azureml://registries/reg/environments/e/versions", "the version after 'versions' is missing");
  expect_rejected("azureml://registries/reg/environments/e/versions/", "the version after 'versions' is missing");
  expect_rejected("azureml://registries/reg/environments/e/labels", "the label after 'labels' is missing");
  expect_rejected("azureml://registries/reg/environments/e/versions/1/extra", "unexpected segments after '1'");
  expect_rejected("azureml://registries/reg/environments/e?x/versions/1", "the segment 'e?x' contains '?'");
}

TEST(AzuremlReference, NonThrowingParseReportsDiagnostics) {
  amlk8s::error_code ec;
  amlk8s::diagnostics diag;
  auto ok = azureml_reference::parse("azureml:env:1", ec, diag);
  EXPECT_FALSE(ec);
  EXPECT_EQ(ok.version(), "1");
  EXPECT_TRUE(diag.empty());

  auto bad = azureml_reference::parse("azureml:env:", ec, diag);
  EXPECT_EQ(ec, amlk8s::errc::invalid_argument);
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(diag.client_message, "'azureml:env:' is not a valid azureml: reference: the version after ':' is empty");
}

TEST(AzuremlReference, AssetTypesNameTheirArmCollections) {
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::computes), "computes");
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::environments), "environments");
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::models), "models");
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::codes), "codes");
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::data), "data");
  EXPECT_EQ(amlk8s::to_string(azureml_asset_type::components), "components");
}

TEST(AzuremlReference, AssetHelpersBuildContainerVersionAndLabelIds) {
  auto ws = workspace();
  EXPECT_EQ(amlk8s::asset_container_id(ws, azureml_asset_type::models, "m").to_string(), ws_text + "/models/m");
  EXPECT_EQ(amlk8s::asset_version_id(ws, azureml_asset_type::data, "d", "1").to_string(), ws_text + "/data/d/versions/1");
  EXPECT_EQ(amlk8s::asset_label_id(ws, azureml_asset_type::environments, "e", "latest").to_string(),
            ws_text + "/environments/e/labels/latest");
  EXPECT_EQ(error_of([&] { (void)amlk8s::asset_version_id(ws, azureml_asset_type::computes, "c", "1"); }),
            "cannot build a compute version id: computes have no versions");
  EXPECT_THROW((void)amlk8s::asset_label_id(ws, azureml_asset_type::computes, "c", "l"), amlk8s::error);
}

TEST(ComputeTarget, NamesAndReferencesResolveToComputeIds) {
  using kind = amlk8s::compute_target::target_kind;
  auto ws = workspace();
  auto prefixed = amlk8s::resolve_compute_target("azureml:k8s", ws);
  EXPECT_EQ(prefixed.kind, kind::workspace_compute);
  EXPECT_EQ(prefixed.id.to_string(), ws_text + "/computes/k8s");
  EXPECT_EQ(amlk8s::resolve_compute_target("k8s", ws), prefixed);

  const std::string other = "/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.MachineLearningServices/"
                            "workspaces/w2/computes/c2";
  EXPECT_EQ(amlk8s::resolve_compute_target(other, ws).id.to_string(), other);
  EXPECT_EQ(amlk8s::resolve_compute_target("azureml:" + other, ws).id.to_string(), other);
}

TEST(ComputeTarget, LocalAndServerlessHaveNoComputeId) {
  using kind = amlk8s::compute_target::target_kind;
  auto local = amlk8s::resolve_compute_target("local", workspace());
  EXPECT_EQ(local.kind, kind::local);
  EXPECT_TRUE(local.id.empty());
  auto serverless = amlk8s::resolve_compute_target("serverless", workspace());
  EXPECT_EQ(serverless.kind, kind::serverless);
  EXPECT_TRUE(serverless.id.empty());
}

TEST(ComputeTarget, RejectsValuesThatNameNoCompute) {
  auto ws = workspace();
  EXPECT_EQ(error_of([&] { (void)amlk8s::resolve_compute_target("", ws); }),
            "the compute value is empty; give a compute name, 'azureml:<name>' or an ARM id");
  EXPECT_EQ(error_of([&] { (void)amlk8s::resolve_compute_target("a/b", ws); }),
            "cannot use 'a/b' as a compute: the compute name 'a/b' contains '/'");
  EXPECT_EQ(error_of([&] { (void)amlk8s::resolve_compute_target("azureml:k8s:1", ws); }),
            "cannot map 'azureml:k8s:1' to a compute id: a compute reference takes no version");
  EXPECT_THROW((void)amlk8s::resolve_compute_target("/subscriptions/", ws), amlk8s::error);
  EXPECT_THROW((void)amlk8s::resolve_compute_target("azureml://registries/r/computes/c", ws), amlk8s::error);
}

}  // namespace
