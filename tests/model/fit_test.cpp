// Fit analysis, sans I/O: node views from Node and Pod JSON, an instance type as a pod, the
// scheduler's filter and its FailedScheduling message, and the cluster table.
#include <amlk8s/model/fit.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace amlk8s_model_fit_test {

using namespace amlk8s;
using namespace amlk8s::model;

boost::json::value node_json(const std::string& name, boost::json::object allocatable, boost::json::object labels = {},
                             boost::json::array taints = {}, std::string ready = "True", bool unschedulable = false) {
  boost::json::object spec;
  if (!taints.empty()) spec["taints"] = std::move(taints);
  if (unschedulable) spec["unschedulable"] = true;
  return boost::json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
      {"spec", std::move(spec)},
      {"status",
       {{"allocatable", std::move(allocatable)},
        {"conditions", boost::json::array{boost::json::object{{"type", "Ready"}, {"status", ready}}}}}}};
}

boost::json::object container(boost::json::object requests, boost::json::object limits = {}) {
  boost::json::object resources;
  if (!requests.empty()) resources["requests"] = std::move(requests);
  if (!limits.empty()) resources["limits"] = std::move(limits);
  return boost::json::object{{"name", "c"}, {"image", "busybox"}, {"resources", std::move(resources)}};
}

boost::json::value pod_json(const std::string& name, const std::string& node, boost::json::array containers,
                            std::string phase = "Running", boost::json::array init = {}) {
  boost::json::object spec{{"nodeName", node}, {"containers", std::move(containers)}};
  if (!init.empty()) spec["initContainers"] = std::move(init);
  return boost::json::object{{"metadata", {{"name", name}, {"namespace", "default"}}},
                             {"spec", std::move(spec)},
                             {"status", {{"phase", phase}}}};
}

boost::json::object cpu_node_alloc() { return {{"cpu", "4"}, {"memory", "16Gi"}, {"pods", "110"}}; }
boost::json::object gpu_node_alloc() { return {{"cpu", "6"}, {"memory", "112Gi"}, {"pods", "110"}, {"nvidia.com/gpu", "1"}}; }

instance_type gpu_type() {
  instance_type t;
  t.name = "gpu";
  t.requests = {{"cpu", quantity::parse("1500m")}, {"memory", quantity::parse("4Gi")}};
  t.limits = {{"cpu", quantity::parse("2")}, {"memory", quantity::parse("4Gi")}, {"nvidia.com/gpu", quantity::parse("1")}};
  return t;
}

instance_type cpu_type(std::string name, std::string cpu, std::string memory) {
  instance_type t;
  t.name = std::move(name);
  t.requests = {{"cpu", quantity::parse(cpu)}, {"memory", quantity::parse(memory)}};
  t.limits = t.requests;
  return t;
}

// ---- quantities and pod requests ------------------------------------------------------------------

TEST(FitCore, SchedulerAmountsAreMillicoresForCpuAndRoundedUpUnitsOtherwise) {
  EXPECT_EQ(scheduler_amount("cpu", quantity::parse("1500m")), 1500);
  EXPECT_EQ(scheduler_amount("cpu", quantity::parse("0.6")), 600);
  EXPECT_EQ(scheduler_amount("memory", quantity::parse("1536Mi")), 1536LL << 20);
  EXPECT_EQ(scheduler_amount("memory", quantity::parse("1.5Gi")), 1536LL << 20);
  EXPECT_EQ(scheduler_amount("memory", quantity::parse("1G")), 1000000000);
  EXPECT_EQ(scheduler_amount("memory", quantity::parse("100m")), 1);  // rounded up
}

TEST(FitCore, PodRequestsTakeTheMaxOfAppSumAndLargestInitContainer) {
  boost::json::object spec{
      {"containers", boost::json::array{container({{"cpu", "250m"}, {"memory", "64Mi"}}),
                                        container({{"cpu", "250m"}, {"memory", "64Mi"}})}},
      {"initContainers", boost::json::array{container({{"cpu", "2"}, {"memory", "32Mi"}}),
                                            container({{"cpu", "100m"}, {"memory", "1Gi"}})}}};
  auto r = pod_requests(spec);
  EXPECT_EQ(r.at("cpu"), 2000);            // the init container's 2 beats 500m
  EXPECT_EQ(r.at("memory"), 1LL << 30);    // the other init container's 1Gi beats 128Mi
}

TEST(FitCore, RestartableInitContainersAddToTheSumAndToLaterInitContainers) {
  auto sidecar = container({{"cpu", "500m"}});
  sidecar["restartPolicy"] = "Always";
  boost::json::object spec{{"containers", boost::json::array{container({{"cpu", "1"}})}},
                           {"initContainers", boost::json::array{sidecar, container({{"cpu", "1200m"}})}},
                           {"overhead", {{"cpu", "50m"}}}};
  // app 1 + sidecar 0.5 = 1.5; init 1.2 + sidecar 0.5 = 1.7; plus 50m overhead.
  EXPECT_EQ(pod_requests(spec).at("cpu"), 1750);
}

TEST(FitCore, ALimitWithoutARequestCountsAsTheRequest) {
  boost::json::object spec{{"containers", boost::json::array{container({{"cpu", "1"}}, {{"nvidia.com/gpu", 1}, {"cpu", "2"}})}}};
  auto r = pod_requests(spec);
  EXPECT_EQ(r.at("nvidia.com/gpu"), 1);
  EXPECT_EQ(r.at("cpu"), 1000);  // the request stays
}

TEST(FitCore, NodeViewsSkipTerminatedAndUnboundPods) {
  boost::json::array nodes{node_json("n1", cpu_node_alloc())};
  boost::json::array pods{pod_json("run", "n1", {container({{"cpu", "1"}})}),
                          pod_json("done", "n1", {container({{"cpu", "1"}})}, "Succeeded"),
                          pod_json("failed", "n1", {container({{"cpu", "1"}})}, "Failed"),
                          pod_json("pending", "", {container({{"cpu", "1"}})}, "Pending"),
                          pod_json("bound-pending", "n1", {container({{"cpu", "500m"}})}, "Pending")};
  auto views = node_views(nodes, pods);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].pods.size(), 2u);
  EXPECT_EQ(views[0].requested().at("cpu"), 1500);
  EXPECT_EQ(views[0].free().at("cpu"), 2500);
  EXPECT_EQ(views[0].allocatable.at("memory"), 16LL << 30);
}

TEST(FitCore, NotReadyNodesGetTheLifecycleTaint) {
  auto v = node_view::from_json(node_json("n", cpu_node_alloc(), {}, {}, "False"));
  EXPECT_FALSE(v.ready);
  ASSERT_EQ(v.taints.size(), 1u);
  EXPECT_EQ(v.taints[0], (taint{"node.kubernetes.io/not-ready", "", "NoSchedule"}));
  auto u = node_view::from_json(node_json("n", cpu_node_alloc(), {}, {}, "Unknown"));
  EXPECT_EQ(u.taints.at(0).key, "node.kubernetes.io/unreachable");
  EXPECT_THROW((void)node_view::from_json(boost::json::object{{"kind", "Node"}}), amlk8s::error);
}

// ---- tolerations ---------------------------------------------------------------------------------

TEST(FitCore, TolerationMatchingFollowsCoreV1) {
  const taint gpu{"sku", "gpu", "NoSchedule"};
  auto tol = [](std::string key, std::string op, std::string value, std::string effect) {
    toleration t;
    t.key = std::move(key);
    t.op = std::move(op);
    t.value = std::move(value);
    t.effect = std::move(effect);
    return t;
  };
  EXPECT_TRUE(tolerates(tol("sku", "Equal", "gpu", "NoSchedule"), gpu));
  EXPECT_TRUE(tolerates(tol("sku", "Equal", "gpu", ""), gpu));  // empty effect: all effects
  EXPECT_FALSE(tolerates(tol("sku", "Equal", "cpu", "NoSchedule"), gpu));
  EXPECT_FALSE(tolerates(tol("sku", "Equal", "gpu", "NoExecute"), gpu));
  EXPECT_TRUE(tolerates(tol("sku", "Exists", "", "NoSchedule"), gpu));
  EXPECT_FALSE(tolerates(tol("other", "Exists", "", ""), gpu));
  EXPECT_TRUE(tolerates(tol("", "Exists", "", ""), gpu));  // empty key with Exists: everything
  EXPECT_TRUE(tolerates(tol("sku", "", "gpu", ""), gpu));  // empty operator means Equal
}

TEST(FitCore, PreferNoScheduleTaintsDoNotFilterAndAzuremlTaintsAreTolerated) {
  auto t = cpu_type("small", "1", "1Gi");
  boost::json::array taints{boost::json::object{{"key", "soft"}, {"value", "x"}, {"effect", "PreferNoSchedule"}},
                            boost::json::object{{"key", "ml.azure.com/amlarc"}, {"value", "true"}, {"effect", "NoSchedule"}},
                            boost::json::object{{"key", "ml.azure.com/amlarc-workload"}, {"value", "true"}, {"effect", "NoExecute"}}};
  std::vector<node_view> nodes{node_view::from_json(node_json("n", cpu_node_alloc(), {}, taints))};
  auto r = analyze(t, nodes);
  EXPECT_EQ(r.nodes[0].status, fit_status::fits);
  EXPECT_EQ(r.nodes[0].instances, 4);

  fit_options no_azureml;
  no_azureml.azureml_tolerations = false;
  auto r2 = analyze(t, nodes, no_azureml);
  EXPECT_EQ(r2.nodes[0].status, fit_status::untolerated_taint);
  EXPECT_EQ(r2.nodes[0].reasons, std::vector<std::string>{"node(s) had untolerated taint {ml.azure.com/amlarc: true}"});
}

TEST(FitCore, ContextTolerationsAndTypeTolerations) {
  auto t = cpu_type("small", "1", "1Gi");
  boost::json::array taints{boost::json::object{{"key", "ml.azure.com/compute"}, {"value", "k8s-c1"}, {"effect", "NoSchedule"}},
                            boost::json::object{{"key", "sku"}, {"value", "gpu"}, {"effect", "NoExecute"}}};
  std::vector<node_view> nodes{node_view::from_json(node_json("n", cpu_node_alloc(), {}, taints))};
  auto r = analyze(t, nodes);
  EXPECT_EQ(r.nodes[0].reasons, std::vector<std::string>{"node(s) had untolerated taint {ml.azure.com/compute: k8s-c1}"});
  fit_options o;
  o.context.compute = "k8s-c1";
  EXPECT_EQ(analyze(t, nodes, o).nodes[0].reasons, std::vector<std::string>{"node(s) had untolerated taint {sku: gpu}"});
  toleration any_sku;
  any_sku.key = "sku";
  any_sku.op = "Exists";
  t.tolerations.push_back(any_sku);
  EXPECT_EQ(analyze(t, nodes, o).nodes[0].status, fit_status::fits);
}

// ---- the instance type as a pod ------------------------------------------------------------------

TEST(FitCore, EffectivePodSettingsMergeSelectorsAndTakeTheGpuLimitAsRequest) {
  auto t = gpu_type();
  t.node_selector = {{"pool", "gpu"}, {"zone", "1"}};
  fit_options o;
  o.extension_node_selector = {{"zone", "1"}, {"team", "ml"}};
  auto pod = effective_pod_settings(t, o);
  using kv = std::pair<std::string, std::string>;
  EXPECT_EQ(pod.node_selector, (std::vector<kv>{{"pool", "gpu"}, {"team", "ml"}, {"zone", "1"}}));
  EXPECT_EQ(pod.requests, (resource_amounts{{"cpu", 1500}, {"memory", 4LL << 30}, {"nvidia.com/gpu", 1}}));
  ASSERT_GE(pod.tolerations.size(), 2u);
  EXPECT_EQ(pod.tolerations[0].key, "ml.azure.com/amlarc");

  o.extension_node_selector = {{"pool", "cpu"}};  // conflicts with the type: no node can match both
  auto conflicted = effective_pod_settings(t, o);
  EXPECT_EQ(conflicted.node_selector, (std::vector<kv>{{"pool", "cpu"}, {"pool", "gpu"}, {"zone", "1"}}));
  std::vector<node_view> nodes{node_view::from_json(node_json("n", gpu_node_alloc(), {{"pool", "gpu"}, {"zone", "1"}}))};
  EXPECT_EQ(analyze(t, nodes, o).nodes[0].status, fit_status::node_selector);
}

TEST(FitCore, ANullOrZeroGpuLimitRequestsNoGpu) {
  auto t = cpu_type("default", "100m", "2Gi");
  t.limits["nvidia.com/gpu"] = quantity();  // `nvidia.com/gpu: null`
  EXPECT_EQ(effective_pod_settings(t).requests.count("nvidia.com/gpu"), 0u);
}

// ---- the filter and how many fit -----------------------------------------------------------------

TEST(FitCore, InstancesAreTheMinimumOverResourcesOfFreeOverRequest) {
  boost::json::array nodes{node_json("n1", {{"cpu", "3900m"}, {"memory", "15Gi"}, {"pods", "110"}})};
  boost::json::array pods{pod_json("p", "n1", {container({{"cpu", "400m"}, {"memory", "1536Mi"}})})};
  auto views = node_views(nodes, pods);
  // free: 3500m cpu, 13.5Gi memory -> cpu allows 3 of 1 cpu, memory allows 6 of 2Gi.
  EXPECT_EQ(analyze(cpu_type("a", "1", "2Gi"), views).nodes[0].instances, 3);
  // 500m cpu allows 7, memory 4.5Gi of 3Gi allows... 13.5/3 = 4.
  EXPECT_EQ(analyze(cpu_type("b", "500m", "3Gi"), views).nodes[0].instances, 4);
  EXPECT_EQ(analyze(cpu_type("c", "0.5", "3072Mi"), views).nodes[0].instances, 4);  // same amounts, other spelling
}

TEST(FitCore, PodSlotsCapTheCountAndAFullNodeHasTooManyPods) {
  boost::json::array nodes{node_json("n1", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "3"}})};
  boost::json::array pods{pod_json("a", "n1", {container({})}), pod_json("b", "n1", {container({})})};
  auto views = node_views(nodes, pods);
  auto small = cpu_type("s", "100m", "128Mi");
  EXPECT_EQ(analyze(small, views).nodes[0].instances, 1);  // 8 cpu would take 80, but one slot is left
  pods.push_back(pod_json("c", "n1", {container({})}));
  auto full = analyze(small, node_views(nodes, pods));
  EXPECT_EQ(full.nodes[0].status, fit_status::insufficient);
  EXPECT_EQ(full.nodes[0].reasons, std::vector<std::string>{"Too many pods"});
  EXPECT_EQ(full.scheduler_message(),
            "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
}

TEST(FitCore, GpuOnlyInLimitsNeedsAGpuNode) {
  std::vector<node_view> nodes{node_view::from_json(node_json("cpu", cpu_node_alloc())),
                               node_view::from_json(node_json("gpu", gpu_node_alloc()))};
  auto r = analyze(gpu_type(), nodes);
  EXPECT_EQ(r.nodes[0].reasons, std::vector<std::string>{"Insufficient nvidia.com/gpu"});
  EXPECT_EQ(r.nodes[1].status, fit_status::fits);
  EXPECT_EQ(r.nodes[1].instances, 1);
  EXPECT_TRUE(r.fits());
  EXPECT_EQ(r.scheduler_message(), "");
}

TEST(FitCore, SeveralInsufficientResourcesAreAllReportedInTheSchedulersOrder) {
  boost::json::array nodes{node_json("n", {{"cpu", "1"}, {"memory", "1Gi"}, {"pods", "110"}})};
  auto r = analyze(gpu_type(), node_views(nodes, {}));
  EXPECT_EQ(r.nodes[0].reasons,
            (std::vector<std::string>{"Insufficient cpu", "Insufficient memory", "Insufficient nvidia.com/gpu"}));
  EXPECT_EQ(r.scheduler_message(false),
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Insufficient nvidia.com/gpu.");
}

TEST(FitCore, FiltersStopAtTheFirstFailureInPluginOrder) {
  // Cordoned, tainted, wrong labels and too small: only "unschedulable" is reported.
  boost::json::array taints{boost::json::object{{"key", "sku"}, {"value", "gpu"}, {"effect", "NoSchedule"}}};
  auto all_wrong = node_view::from_json(node_json("a", {{"cpu", "1"}}, {}, taints, "True", true));
  auto tainted_and_wrong_labels = node_view::from_json(node_json("b", {{"cpu", "1"}}, {}, taints));
  auto t = gpu_type();
  t.node_selector = {{"pool", "gpu"}};
  auto r = analyze(t, {all_wrong, tainted_and_wrong_labels});
  EXPECT_EQ(r.nodes[0].reasons, std::vector<std::string>{"node(s) were unschedulable"});
  EXPECT_EQ(r.nodes[1].reasons, std::vector<std::string>{"node(s) had untolerated taint {sku: gpu}"});
  // A pod that tolerates the cordon taint passes NodeUnschedulable.
  toleration cordon;
  cordon.key = "node.kubernetes.io/unschedulable";
  cordon.op = "Exists";
  t.tolerations.push_back(cordon);
  EXPECT_EQ(analyze(t, {all_wrong}).nodes[0].status, fit_status::untolerated_taint);
}

// ---- the FailedScheduling message ----------------------------------------------------------------

TEST(FitCore, SchedulerMessageForMixedReasons) {
  std::vector<node_view> nodes{node_view::from_json(node_json("cpu-1", cpu_node_alloc(), {{"pool", "cpu"}})),
                               node_view::from_json(node_json("cpu-2", cpu_node_alloc(), {{"pool", "cpu"}})),
                               node_view::from_json(node_json("gpu-1", gpu_node_alloc(), {{"pool", "gpu"}}))};
  // The GPU node's only GPU is taken.
  nodes[2].pods.push_back({"ns", "trainer", 0, {{"cpu", 1000}, {"nvidia.com/gpu", 1}}});
  auto t = gpu_type();
  t.node_selector = {{"pool", "gpu"}};
  auto r = analyze(t, nodes);
  EXPECT_FALSE(r.fits());
  EXPECT_EQ(r.total_instances(), 0);
  EXPECT_EQ(r.scheduler_message(),
            "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector. "
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
            "2 Preemption is not helpful for scheduling.");
  EXPECT_EQ(r.scheduler_message(false),
            "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector.");
}

TEST(FitCore, HistogramEntriesSortAsStringsCountFirst) {
  // 10 nodes with wrong labels, 2 too small: "10 node(s)..." sorts before "2 Insufficient cpu".
  std::vector<node_view> nodes;
  for (int i = 0; i < 10; ++i) nodes.push_back(node_view::from_json(node_json("x" + std::to_string(i), cpu_node_alloc())));
  for (int i = 0; i < 2; ++i)
    nodes.push_back(node_view::from_json(node_json("y" + std::to_string(i), {{"cpu", "1"}, {"memory", "64Gi"}, {"pods", "110"}},
                                                   {{"pool", "big"}})));
  auto t = cpu_type("big", "2", "1Gi");
  t.node_selector = {{"pool", "big"}};
  EXPECT_EQ(analyze(t, nodes).scheduler_message(false),
            "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
}

TEST(FitCore, PreemptionOfLowerPriorityPods) {
  std::vector<node_view> nodes{node_view::from_json(node_json("n", cpu_node_alloc()))};
  nodes[0].pods.push_back({"ns", "batch", -10, {{"cpu", 3500}}});
  auto t = cpu_type("big", "2", "1Gi");
  auto r = analyze(t, nodes);
  EXPECT_EQ(r.nodes[0].reasons, std::vector<std::string>{"Insufficient cpu"});
  EXPECT_TRUE(r.nodes[0].preemption.empty());  // evicting the batch pod makes room
  EXPECT_EQ(r.scheduler_message(), "0/1 nodes are available: 1 Insufficient cpu.");
  // The same pod at equal priority cannot be evicted.
  nodes[0].pods[0].priority = 0;
  EXPECT_EQ(analyze(t, nodes).scheduler_message(),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found "
            "for incoming pod.");
  // Evicting everything of lower priority is not enough: the filter's reason again.
  nodes[0].pods.push_back({"ns", "low", -5, {{"cpu", 100}}});
  EXPECT_EQ(analyze(t, nodes).scheduler_message(),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.");
}

TEST(FitCore, NoNodes) {
  EXPECT_EQ(analyze(gpu_type(), {}).scheduler_message(), "no nodes available to schedule pods");
}

// ---- the cluster table ---------------------------------------------------------------------------

TEST(FitTable, EveryTypeAgainstEveryNodeAsTextAndHtml) {
  std::vector<node_view> nodes{node_view::from_json(node_json("cpu-1", cpu_node_alloc())),
                               node_view::from_json(node_json("gpu-1", gpu_node_alloc()))};
  auto table = analyze_cluster({cpu_type("small", "1", "2Gi"), gpu_type()}, nodes);
  ASSERT_EQ(table.types.size(), 2u);
  EXPECT_EQ(table.nodes, (std::vector<std::string>{"cpu-1", "gpu-1"}));
  ASSERT_NE(table.find("gpu"), nullptr);
  EXPECT_EQ(table.find("gpu")->total_instances(), 1);
  EXPECT_EQ(table.find("nope"), nullptr);
  EXPECT_EQ(table.to_string(),
            "INSTANCE TYPE   cpu-1                         gpu-1   TOTAL\n"
            "small           4                             6       10\n"
            "gpu             Insufficient nvidia.com/gpu   1       1\n");
  auto html = table.to_html();
  EXPECT_NE(html.find("<table class=\"amlk8s-fit\">"), std::string::npos);
  EXPECT_NE(html.find("<th>gpu-1</th>"), std::string::npos);
  EXPECT_NE(html.find(">Insufficient nvidia.com/gpu</td>"), std::string::npos);
  EXPECT_EQ(html.find("amlk8s-fit-messages"), std::string::npos);  // everything fits somewhere
}

TEST(FitTable, TypesThatFitNowhereGetTheirMessageAndHtmlIsEscaped) {
  boost::json::array taints{boost::json::object{{"key", "a<b>"}, {"value", "\"x\"&"}, {"effect", "NoSchedule"}}};
  std::vector<node_view> nodes{node_view::from_json(node_json("n", cpu_node_alloc(), {}, taints))};
  auto table = analyze_cluster({cpu_type("small", "1", "2Gi")}, nodes);
  auto text = table.to_string();
  EXPECT_NE(text.find("\nsmall: 0/1 nodes are available: 1 node(s) had untolerated taint {a<b>: \"x\"&}."), std::string::npos)
      << text;
  auto html = table.to_html();
  EXPECT_NE(html.find("{a&lt;b&gt;: &quot;x&quot;&amp;}"), std::string::npos) << html;
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_NE(html.find("amlk8s-fit-messages"), std::string::npos);
}

}  // namespace amlk8s_model_fit_test
