#include "arm_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;

const std::string ws = arm_bench::rg_path() + "/providers/Microsoft.MachineLearningServices/workspaces/ws1";
const std::string aks = arm_bench::rg_path() + "/providers/Microsoft.ContainerService/managedClusters/aks1";

std::string compute_body(const std::string& cluster) {
  return R"({"properties":{"computeType":"Kubernetes","resourceId":")" + cluster +
         R"(","description":"attached","properties":{"namespace":"ml"}},"identity":{"type":"SystemAssigned"}})";
}

void add_workspace_and_cluster(arm_bench& b) {
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "westus2", "test workspace"});
  ASSERT_EQ(b.call(verb::put, aks, aks_body()).status, 201);
  b.arm->settle();
  // §3.2: attaching needs the AzureML extension on the cluster.
  ASSERT_EQ(b.call(verb::put, aks + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml",
                   R"({"properties":{"extensionType":"Microsoft.AzureML.Kubernetes",)"
                   R"("configurationSettings":{"enableTraining":"True","enableInference":"True"}}})")
                .status,
            201);
  b.arm->settle();
}

TEST(ArmMachineLearning, WorkspaceHasServerFields) {
  arm_bench b;
  auto res = b.call(verb::put, ws, R"({"location":"westus2","properties":{"description":"d"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  res = b.call(verb::get, ws);
  const auto body = arm_bench::json(res);
  EXPECT_EQ(str(body.at("type")), "Microsoft.MachineLearningServices/workspaces");
  EXPECT_FALSE(str(body.at("properties").at("workspaceId")).empty());
  EXPECT_EQ(str(body.at("properties").at("discoveryUrl")), "https://westus2.api.azureml.ms/discovery");
  EXPECT_EQ(str(body.at("properties").at("provisioningState")), "Succeeded");
  res = b.call(verb::put, arm_bench::rg_path() + "/providers/Microsoft.MachineLearningServices/workspaces/nowhere",
               R"({"properties":{}})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "LocationRequired");
}

TEST(ArmMachineLearning, AttachKubernetesCompute) {
  arm_bench b;
  add_workspace_and_cluster(b);
  auto res = b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  res = b.call(verb::get, ws + "/computes/k8s");
  ASSERT_EQ(res.status, 200);
  auto body = arm_bench::json(res);
  EXPECT_EQ(str(body.at("location")), "westus2");  // the workspace's
  const auto& props = body.at("properties").as_object();
  EXPECT_EQ(str(props.at("computeType")), "Kubernetes");
  EXPECT_EQ(props.at("isAttachedCompute"), true);
  EXPECT_EQ(str(props.at("properties").at("namespace")), "ml");
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");

  // A cluster that does not exist: 400 BadArgument naming properties.resourceId.
  res = b.call(verb::put, ws + "/computes/ghost",
               compute_body(arm_bench::rg_path() + "/providers/Microsoft.Kubernetes/connectedClusters/ghost"));
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "BadArgument");
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("target")), "properties.resourceId");

  // A missing workspace: 404 ParentResourceNotFound.
  res = b.call(verb::put, arm_bench::rg_path() + "/providers/Microsoft.MachineLearningServices/workspaces/none/computes/k",
               compute_body(aks));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "ParentResourceNotFound");

  // §1.7: DELETE needs underlyingResourceAction.
  EXPECT_EQ(b.call(verb::delete_, ws + "/computes/k8s").status, 400);
  res = b.call(verb::delete_, ws + "/computes/k8s?underlyingResourceAction=Detach");
  EXPECT_EQ(res.status, 202);
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  EXPECT_TRUE(res.headers.contains("Location"));
  EXPECT_EQ(b.call(verb::get, ws + "/computes/k8s").status, 404);
  EXPECT_EQ(b.call(verb::get, aks).status, 200);  // detach leaves the cluster
}

TEST(ArmMachineLearning, JobsAreSynchronousAndCancelOnTheClock) {
  arm_options options;
  options.lro_delay = 5s;
  arm_bench b(options);
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  const auto job = ws + "/jobs/job-1";
  auto res = b.call(verb::put, job,
                    R"({"properties":{"jobType":"Command","command":"python train.py","environmentId":"env",)"
                    R"("computeId":"c","resources":{"instanceType":"gpu"},"tags":{"a":"1"}}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));
  auto props = arm_bench::json(res).at("properties").as_object();
  EXPECT_EQ(str(props.at("status")), "NotStarted");
  EXPECT_EQ(str(props.at("experimentName")), "Default");
  EXPECT_TRUE(props.at("services").as_object().contains("Studio"));

  // A re-PUT changes only the mutable metadata.
  res = b.call(verb::put, job,
               R"({"properties":{"jobType":"Command","command":"other","description":"new","environmentId":"env"}})");
  ASSERT_EQ(res.status, 200);
  props = arm_bench::json(res).at("properties").as_object();
  EXPECT_EQ(str(props.at("command")), "python train.py");
  EXPECT_EQ(str(props.at("description")), "new");

  res = b.call(verb::post, job + "/cancel");
  ASSERT_EQ(res.status, 202);
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));
  const auto location = std::string(*res.headers.get("Location"));
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, job)).at("properties").at("status")), "CancelRequested");
  EXPECT_EQ(b.follow(location).status, 202);
  b.time->advance(5s);
  EXPECT_EQ(b.follow(location).status, 200);
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, job)).at("properties").at("status")), "Canceled");
  EXPECT_EQ(b.call(verb::post, job + "/unknownAction").status, 404);

  // The domain side moves a job's status directly.
  EXPECT_TRUE(b.arm->update(job, [](boost::json::object& body) { body["properties"].as_object()["status"] = "Running"; }));
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, job)).at("properties").at("status")), "Running");
}

TEST(ArmMachineLearning, OnlineEndpointsAndDeployments) {
  arm_bench b;
  add_workspace_and_cluster(b);
  ASSERT_EQ(b.call(verb::put, ws + "/computes/k8s", compute_body(aks)).status, 201);
  b.arm->settle();
  const auto model = b.call(verb::put, ws + "/models/m/versions/1", R"({"properties":{"modelUri":"azureml://m"}})");
  ASSERT_EQ(model.status, 201) << model.body;
  const auto endpoint = ws + "/onlineEndpoints/ep1";
  auto res = b.call(verb::put, endpoint,
                    R"({"location":"eastus","identity":{"type":"SystemAssigned"},"properties":{"authMode":"Key","compute":")" +
                        ws + R"(/computes/k8s"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  auto props = arm_bench::json(b.call(verb::get, endpoint)).at("properties").as_object();
  EXPECT_EQ(str(props.at("scoringUri")), "http://127.0.0.1:7000/api/v1/endpoint/ep1/score");
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  res = b.call(verb::post, endpoint + "/listKeys");
  ASSERT_EQ(res.status, 200);
  EXPECT_FALSE(str(arm_bench::json(res).at("primaryKey")).empty());
  EXPECT_EQ(b.call(verb::get, endpoint).body.find(str(arm_bench::json(res).at("primaryKey"))), std::string::npos);

  res = b.call(verb::put, endpoint + "/deployments/blue",
               R"({"location":"eastus","sku":{"name":"Default","capacity":2},)"
               R"("properties":{"endpointComputeType":"Kubernetes","instanceType":"gpu","model":")" + ws +
                   R"(/models/m/versions/1"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  res = b.call(verb::get, endpoint + "/deployments");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(arm_bench::json(res).at("value").as_array().size(), 1u);

  // §2.5: PATCH is answered with Location only.
  res = b.call(verb::patch, endpoint, R"({"properties":{"traffic":{"blue":100}}})");
  ASSERT_EQ(res.status, 202);
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));
  EXPECT_TRUE(res.headers.contains("Location"));
  b.arm->settle();
  props = arm_bench::json(b.call(verb::get, endpoint)).at("properties").as_object();
  EXPECT_EQ(props.at("traffic").at("blue"), 100);

  // Deleting the workspace takes everything under it.
  EXPECT_EQ(b.call(verb::delete_, ws).status, 202);
  b.arm->settle();
  EXPECT_TRUE(b.arm->ids("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments").empty());
}

// §2.4: models and codes are synchronous; a version creates its container, which reports the
// latest version.
TEST(ArmMachineLearning, ModelAndCodeAssets) {
  arm_bench b;
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  auto res = b.call(verb::put, ws + "/models/m/versions/1",
                    R"({"properties":{"modelUri":"azureml://datastores/d/paths/m1","description":"first"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));
  auto props = arm_bench::json(res).at("properties").as_object();
  EXPECT_EQ(str(props.at("modelType")), "custom_model");
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  EXPECT_EQ(str(arm_bench::json(res).at("type")), "Microsoft.MachineLearningServices/workspaces/models/versions");
  auto container = arm_bench::json(b.call(verb::get, ws + "/models/m"));
  EXPECT_EQ(str(container.at("properties").at("latestVersion")), "1");
  EXPECT_EQ(str(container.at("properties").at("nextVersion")), "2");

  ASSERT_EQ(b.call(verb::put, ws + "/models/m/versions/10", R"({"properties":{"modelUri":"azureml://m10","modelType":"mlflow_model"}})").status, 201);
  ASSERT_EQ(b.call(verb::put, ws + "/models/m/versions/2", R"({"properties":{"modelUri":"azureml://m2"}})").status, 201);
  container = arm_bench::json(b.call(verb::get, ws + "/models/m"));
  EXPECT_EQ(str(container.at("properties").at("latestVersion")), "10");  // numerically highest
  EXPECT_EQ(str(container.at("properties").at("nextVersion")), "11");
  EXPECT_EQ(arm_bench::json(b.call(verb::get, ws + "/models/m/versions")).at("value").as_array().size(), 3u);

  // A re-PUT may change the description, not the files.
  res = b.call(verb::put, ws + "/models/m/versions/1", R"({"properties":{"modelUri":"azureml://datastores/d/paths/m1","description":"new"}})");
  EXPECT_EQ(res.status, 200) << res.body;
  res = b.call(verb::put, ws + "/models/m/versions/1", R"({"properties":{"modelUri":"azureml://elsewhere"}})");
  EXPECT_EQ(res.status, 409);
  // A version needs its URI; the refused PUT leaves no container behind.
  res = b.call(verb::put, ws + "/models/other/versions/1", R"({"properties":{}})");
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("target")), "properties.modelUri");
  EXPECT_EQ(b.call(verb::get, ws + "/models/other").status, 404);

  ASSERT_EQ(b.call(verb::delete_, ws + "/models/m/versions/10").status, 200);
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, ws + "/models/m")).at("properties").at("latestVersion")), "2");

  res = b.call(verb::put, ws + "/codes/c/versions/v1", R"({"properties":{"codeUri":"https://s.blob.core.windows.net/c/v1"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, ws + "/codes/c")).at("properties").at("latestVersion")), "v1");
  EXPECT_EQ(b.call(verb::put, ws + "/codes/c/versions/v2", R"({"properties":{"modelUri":"x"}})").status, 400);
}

}  // namespace
