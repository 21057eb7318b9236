// Fit analysis against the local control plane: a cluster with a tainted GPU pool, pods bound to
// nodes that take capacity, and the analysis read over the cluster's Kubernetes API.
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/kube/api_server.hpp>
#include <amlk8s/local/kube/resource.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <future>

namespace amlk8s_model_fit_e2e_test {

using namespace amlk8s;

local::cluster_spec gpu_cluster() {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = "00000000-0000-4000-8000-00000000f001";
  c.resource_group = "ml-rg";
  c.name = "fit-aks";
  c.location = "EastUS";
  c.kubernetes_version = "1.30.6";
  c.distribution = "aks";
  local::node_pool cpu;
  cpu.name = "cpu";
  cpu.count = 2;
  cpu.cpu_millicores = 4000;
  cpu.memory_bytes = 16LL << 30;
  c.node_pools.push_back(cpu);
  local::node_pool gpu;
  gpu.name = "gpu";
  gpu.count = 1;
  gpu.cpu_millicores = 6000;
  gpu.memory_bytes = 56LL << 30;
  gpu.gpus = 1;
  gpu.taints = {"sku=gpu:NoSchedule"};
  c.node_pools.push_back(gpu);
  return c;
}

boost::json::value pod(const std::string& name, const std::string& node, boost::json::object resources,
                       const std::string& phase = "Running") {
  return boost::json::object{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}, {"namespace", "default"}}},
      {"spec",
       {{"nodeName", node},
        {"containers", boost::json::array{boost::json::object{{"name", "main"}, {"image", "busybox"}, {"resources", std::move(resources)}}}}}},
      {"status", {{"phase", phase}}}};
}

model::instance_type gpu_type() {
  model::instance_type t;
  t.name = "gpu";
  t.node_selector = {{"agentpool", "gpu"}};
  t.requests = {{"cpu", quantity::parse("1")}, {"memory", quantity::parse("8Gi")}};
  t.limits = {{"cpu", quantity::parse("2")}, {"memory", quantity::parse("8Gi")}, {"nvidia.com/gpu", quantity::parse("1")}};
  model::toleration sku;
  sku.key = "sku";
  sku.value = "gpu";
  sku.effect = "NoSchedule";
  t.tolerations.push_back(sku);
  return t;
}

model::instance_type small_type() {
  model::instance_type t;
  t.name = "small";
  t.requests = {{"cpu", quantity::parse("1")}, {"memory", quantity::parse("2Gi")}};
  t.limits = t.requests;
  return t;
}

TEST(FitEndToEnd, AnalyzesAClusterOfTheLocalControlPlane) {
  local::control_plane plane;
  plane.azure().arm().add_cluster(gpu_cluster());
  auto session = model::session::from_endpoints_json(plane.endpoints().to_json());
  auto k8s = session->kube_from_kubeconfig(plane.kubeconfig_path("fit-aks"));

  const std::string cpu0 = "aks-cpu-12345678-vmss000000", cpu1 = "aks-cpu-12345678-vmss000001",
                    gpu0 = "aks-gpu-12345678-vmss000000";
  // The GPU is taken (limit only); 3 of cpu-0's 4 cores are requested; cpu-1 runs a finished job.
  k8s.create(kube::resources::pods, "default", pod("trainer", gpu0, {{"limits", {{"nvidia.com/gpu", 1}}}}));
  k8s.create(kube::resources::pods, "default", pod("busy", cpu0, {{"requests", {{"cpu", "3"}, {"memory", "1Gi"}}}}));
  // A client cannot set a pod's phase on create (status is the kubelet's); the server side can.
  plane.cluster("fit-aks")->create(local::kube::resources::pods,
                                   pod("done", cpu1, {{"requests", {{"cpu", "4"}}}}, "Succeeded").as_object());

  model::fit_analyzer fit(k8s);
  auto nodes = fit.nodes();
  ASSERT_EQ(nodes.size(), 3u);
  std::map<std::string, model::node_view> by_name;
  for (auto& n : nodes) by_name[n.name] = n;
  ASSERT_TRUE(by_name.count(gpu0));
  EXPECT_EQ(by_name[gpu0].allocatable.at("nvidia.com/gpu"), 1);
  EXPECT_EQ(by_name[gpu0].taints.at(0), (model::taint{"sku", "gpu", "NoSchedule"}));
  EXPECT_EQ(by_name[gpu0].requested().at("nvidia.com/gpu"), 1);
  EXPECT_EQ(by_name[cpu0].free().at("cpu"), 1000);

  auto table = fit.analyze(std::vector<model::instance_type>{gpu_type(), small_type()});
  const auto* gpu = table.find("gpu");
  ASSERT_NE(gpu, nullptr);
  EXPECT_FALSE(gpu->fits());
  EXPECT_EQ(gpu->scheduler_message(),
            "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector. "
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
            "2 Preemption is not helpful for scheduling.");
  const auto* small = table.find("small");
  ASSERT_NE(small, nullptr);
  std::map<std::string, std::int64_t> per_node;
  std::map<std::string, std::vector<std::string>> reasons;
  for (const auto& n : small->nodes) {
    per_node[n.node] = n.instances;
    reasons[n.node] = n.reasons;
  }
  EXPECT_EQ(per_node[cpu0], 1);
  EXPECT_EQ(per_node[cpu1], 4);  // the Succeeded pod takes nothing
  EXPECT_EQ(reasons[gpu0], std::vector<std::string>{"node(s) had untolerated taint {sku: gpu}"});
  EXPECT_NE(table.to_string().find("gpu: 0/3 nodes are available"), std::string::npos) << table.to_string();

  // Once the trainer is gone the GPU type fits, through the async form.
  k8s.delete_(kube::resources::pods, "default", "trainer");
  diagnostics diag;
  auto later = fit.async_analyze({gpu_type()}, diag, boost::asio::use_future).get();
  ASSERT_EQ(later.types.size(), 1u);
  EXPECT_TRUE(later.types[0].fits());
  EXPECT_EQ(later.types[0].total_instances(), 1);
}

TEST(FitEndToEnd, ErrorsOfTheApiComeBackWithTheirCode) {
  local::control_plane plane;
  plane.azure().arm().add_cluster(gpu_cluster());
  auto config = kube::kubeconfig::load_file(plane.kubeconfig_path("fit-aks")).resolve();
  config.server += "/nowhere";  // every request is answered 404
  kube::client k8s(config);
  model::fit_analyzer fit(k8s);
  diagnostics diag;
  std::promise<std::pair<error_code, std::size_t>> done;
  fit.async_nodes(diag, [&](error_code ec, std::vector<model::node_view> nodes) { done.set_value({ec, nodes.size()}); });
  auto [ec, count] = done.get_future().get();
  EXPECT_EQ(ec, errc::not_found);
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(diag.http_status, 404);
  EXPECT_THROW((void)fit.analyze(small_type()), amlk8s::error);
}

}  // namespace amlk8s_model_fit_e2e_test
