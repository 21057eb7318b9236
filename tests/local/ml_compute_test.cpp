// Attaching a cluster as a Kubernetes compute (contracts/aml-workspace-and-auth.md §1.3, §1.7, §3.2,
// §3.3; contracts/kubernetes.md §1.3, §1.5): the checks the service makes on the cluster and its
// AzureML extension, the instance types copied from the cluster's CRs, detach and delete.
#include "ml_test_support.hpp"

#include <gtest/gtest.h>

namespace ml_compute_test {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;

const std::string ws = arm_bench::rg_path() + "/providers/Microsoft.MachineLearningServices/workspaces/ws1";
const std::string aks = arm_bench::rg_path() + "/providers/Microsoft.ContainerService/managedClusters/aks1";
const std::string extension = aks + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml";

std::string compute_body(const std::string& cluster, std::string_view ns = "ml") {
  return R"({"properties":{"computeType":"Kubernetes","resourceId":")" + cluster + R"(","properties":{"namespace":")" +
         std::string(ns) + R"("}}})";
}

std::string extension_body(std::string_view training, std::string_view inference) {
  return R"({"properties":{"extensionType":"Microsoft.AzureML.Kubernetes","configurationSettings":{"enableTraining":")" +
         std::string(training) + R"(","enableInference":")" + std::string(inference) + R"("}}})";
}

boost::json::object error_of(const http::response& res) {
  return boost::json::parse(res.body).as_object().at("error").as_object();
}

// ARM alone (no cluster behaviour): what the attach checks read is ARM state.
struct bench {
  explicit bench(arm_options o = {}) : b(std::move(o)) {
    b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "westus2", ""});
    EXPECT_EQ(b.call(verb::put, aks, aks_body()).status, 201);
    b.arm->settle();
  }
  arm_bench b;
};

TEST(MlCompute, AttachNeedsTheClusterAndItsAzureMLExtension) {
  bench t;
  // A missing cluster: BadArgument naming properties.resourceId.
  auto res = t.b.call(verb::put, ws + "/computes/ghost",
                      compute_body(arm_bench::rg_path() + "/providers/Microsoft.Kubernetes/connectedClusters/ghost"));
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(error_of(res).at("code")), "BadArgument");
  EXPECT_EQ(str(error_of(res).at("target")), "properties.resourceId");

  // No AzureML extension on the cluster (another extension type does not count).
  ASSERT_EQ(t.b.call(verb::put, aks + "/providers/Microsoft.KubernetesConfiguration/extensions/flux",
                     R"({"properties":{"extensionType":"microsoft.flux"}})")
                .status,
            201);
  t.b.arm->settle();
  res = t.b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(error_of(res).at("code")), "AzureMLExtensionNotFound");
  EXPECT_NE(str(error_of(res).at("message")).find("Microsoft.AzureML.Kubernetes"), std::string::npos);
  EXPECT_NE(str(error_of(res).at("message")).find("aks1"), std::string::npos);
  EXPECT_EQ(t.b.call(verb::get, ws + "/computes/k8s").status, 404);

  // Installed with neither training nor inference.
  ASSERT_EQ(t.b.call(verb::put, extension, extension_body("False", "false")).status, 201);
  t.b.arm->settle();
  res = t.b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(error_of(res).at("code")), "AzureMLExtensionFeaturesDisabled");
  EXPECT_NE(str(error_of(res).at("message")).find("enableTraining=True"), std::string::npos);

  // Either one is enough.
  ASSERT_EQ(t.b.call(verb::put, extension, extension_body("False", "True")).status, 200);
  t.b.arm->settle();
  res = t.b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 201) << res.body;
}

TEST(MlCompute, AttachWaitsForTheExtensionToSucceed) {
  arm_options o;
  o.lro_delay = 10s;
  bench t(o);
  ASSERT_EQ(t.b.call(verb::put, extension, extension_body("True", "True")).status, 201);
  auto res = t.b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(error_of(res).at("code")), "AzureMLExtensionNotReady");
  EXPECT_NE(str(error_of(res).at("message")).find("'Creating'"), std::string::npos);
  t.b.time->advance(10s);
  t.b.arm->settle();
  res = t.b.call(verb::put, ws + "/computes/k8s", compute_body(aks));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  t.b.time->advance(10s);
  const auto body = arm_bench::json(t.b.call(verb::get, ws + "/computes/k8s"));
  const auto& props = body.at("properties").as_object();
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  const auto& k8s = props.at("properties").as_object();
  EXPECT_EQ(str(k8s.at("namespace")), "ml");
  EXPECT_EQ(str(k8s.at("defaultInstanceType")), "defaultinstancetype");
  // Without a cluster API behind ARM, the virtual default is all there is.
  const auto& types = k8s.at("instanceTypes").as_object();
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(str(types.at("defaultinstancetype").at("resources").at("requests").at("cpu")), "100m");
  EXPECT_EQ(str(k8s.at("extensionInstanceReleaseTrain")), "stable");
}

// Through the control plane: the extension's agent installs the InstanceType CRD, CRs are made
// through the cluster's Kubernetes API, and the compute shows them.
TEST(MlCompute, AttachCopiesTheClustersInstanceTypes) {
  ml_plane p("attach");
  const auto cluster = p.add_cluster("aks1", {ml_plane::cpu_pool()});
  const auto ext = p.install_extension(cluster, ml_plane::training_and_inference());
  ASSERT_EQ(ml_plane::state_of(ext), "Succeeded") << boost::json::serialize(ext);
  p.add_instance_type("aks1", "cpusmall",
                      R"({"nodeSelector":{"agentpool":"cpu"},"resources":{"requests":{"cpu":"500m","memory":"1Gi"},)"
                      R"("limits":{"cpu":"1","memory":"2Gi"}}})");
  p.add_instance_type("aks1", "gpu1",
                      R"({"resources":{"requests":{"cpu":"1","memory":"4Gi"},"limits":{"cpu":"2","memory":"8Gi","nvidia.com/gpu":1}}})");

  const auto path = p.attach("k8s", cluster, "ml");
  auto body = p.get(path);
  ASSERT_EQ(ml_plane::state_of(body), "Succeeded");
  auto k8s = body.at("properties").at("properties").as_object();
  EXPECT_EQ(str(k8s.at("namespace")), "ml");
  EXPECT_EQ(str(k8s.at("defaultInstanceType")), "defaultinstancetype");
  EXPECT_EQ(str(k8s.at("extensionInstanceReleaseTrain")), "stable");
  EXPECT_EQ(k8s.at("extensionPrincipalId"), ext.at("identity").at("principalId"));
  auto types = k8s.at("instanceTypes").as_object();
  ASSERT_EQ(types.size(), 3u) << boost::json::serialize(types);
  const auto& small = types.at("cpusmall").as_object();
  EXPECT_EQ(str(small.at("nodeSelector").at("agentpool")), "cpu");
  EXPECT_EQ(str(small.at("resources").at("requests").at("cpu")), "500m");
  EXPECT_EQ(str(small.at("resources").at("limits").at("memory")), "2Gi");
  EXPECT_EQ(str(types.at("gpu1").at("resources").at("limits").at("nvidia.com/gpu")), "1");  // strings on the ARM side
  const auto& def = types.at("defaultinstancetype").as_object();
  EXPECT_TRUE(def.at("nodeSelector").is_null());
  EXPECT_EQ(str(def.at("resources").at("requests").at("memory")), "2Gi");
  EXPECT_EQ(str(def.at("resources").at("limits").at("cpu")), "2");

  // A later GET shows what the cluster has now: a CR named defaultinstancetype overrides the
  // virtual one, and a deleted CR goes.
  p.add_instance_type("aks1", "defaultinstancetype",
                      R"({"resources":{"requests":{"cpu":"250m","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}})");
  ASSERT_EQ(p.send(verb::delete_, "/k8s/aks1/apis/amlarc.azureml.com/v1alpha1/instancetypes/cpusmall", {}, {}, p.token).status, 200);
  types = p.get(path).at("properties").at("properties").at("instanceTypes").as_object();
  EXPECT_FALSE(types.contains("cpusmall"));
  EXPECT_EQ(str(types.at("defaultinstancetype").at("resources").at("requests").at("cpu")), "250m");
  // ... and so does the list.
  const auto list = boost::json::parse(p.arm(verb::get, p.workspace + "/computes").body).as_object();
  ASSERT_EQ(list.at("value").as_array().size(), 1u);
  EXPECT_FALSE(list.at("value").at(0).at("properties").at("properties").at("instanceTypes").as_object().contains("cpusmall"));
}

TEST(MlCompute, DetachAndDeleteLeaveTheClusterAndExtension) {
  ml_plane p("detach");
  const auto cluster = p.add_cluster("aks1", {ml_plane::cpu_pool()});
  ASSERT_EQ(ml_plane::state_of(p.install_extension(cluster, ml_plane::training_and_inference())), "Succeeded");
  const auto ext_path = cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml";
  for (const auto* action : {"Detach", "Delete"}) {
    const auto path = p.attach("k8s", cluster);
    ASSERT_EQ(ml_plane::state_of(p.get(path)), "Succeeded");
    const auto res = p.arm(verb::delete_, path + "?underlyingResourceAction=" + action);
    ASSERT_EQ(res.status, 202) << res.body;
    EXPECT_EQ(str(p.operation(res).at("status")), "Succeeded");
    EXPECT_EQ(p.arm(verb::get, path).status, 404) << action;
    EXPECT_EQ(ml_plane::state_of(p.get(cluster)), "Succeeded") << action;
    EXPECT_EQ(ml_plane::state_of(p.get(ext_path)), "Succeeded") << action;
    ASSERT_NE(p.cp.cluster("aks1"), nullptr);
    EXPECT_TRUE(p.cp.cluster("aks1")->get(kube::resources::deployments, "azureml", "aml-operator").has_value());
  }
}

}  // namespace ml_compute_test
