// Command jobs in the local control plane (include/amlk8s/local/job_runner.hpp), through its HTTP
// surface: ARM for workspaces, computes, environments and jobs, the cluster's Kubernetes API for
// the pods, their logs and events. Each test polls with a bounded deadline.
#include "arm_test_support.hpp"

#include <amlk8s/http/client.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/kube/api_server.hpp>
#include <amlk8s/local/kube/instance_type_crd.hpp>
#include <amlk8s/model/workload_labels.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include <unistd.h>

namespace ml_jobs_test {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;
namespace res = kube::resources;
namespace labels = model::workload_labels;

const std::string ws = arm_bench::rg_path() + "/providers/Microsoft.MachineLearningServices/workspaces/ws1";

std::filesystem::path fresh_dir(std::string_view name) {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("amlk8s-jobs-" + std::string(name) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::remove_all(dir);
  return dir;
}

// Polls `condition` every few milliseconds for at most `limit`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

std::string at_path(const boost::json::value& v, std::initializer_list<std::string_view> path) {
  const boost::json::value* cur = &v;
  for (const auto key : path) {
    if (!cur->is_object() || !cur->as_object().contains(key)) return {};
    cur = &cur->as_object().at(key);
  }
  return str(*cur);
}

// Attach needs the AzureML extension with training on: PUT it (the operation completes on the next call).
template <class Bench>
void install_training_extension(Bench& b, const std::string& cluster_id) {
  const auto ext = b.call(verb::put, cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml",
                          R"({"identity":{"type":"SystemAssigned"},"properties":{"extensionType":)"
                          R"("Microsoft.AzureML.Kubernetes","configurationSettings":{"enableTraining":"True"}}})");
  EXPECT_EQ(ext.status, 201) << ext.body;
}

// A control plane on plain HTTP with workspace ws1 and, per test, clusters attached as computes.
struct jobs_bench {
  explicit jobs_bench(bool processes = true) : work_dir(fresh_dir("plane")) {
    control_plane_options o;
    o.https = false;
    o.min_retry_after = 0s;
    o.work_dir = work_dir;
    o.run_job_processes = processes;
    o.simulated_job_run_time = 10s;
    o.job_poll_interval = 10ms;
    plane.emplace(o);
    token = plane->azure().tokens().issue(dev_client_id, "https://management.azure.com");
    plane->azure().arm().add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  }
  ~jobs_bench() {
    plane.reset();
    std::error_code ec;
    std::filesystem::remove_all(work_dir, ec);
  }

  http::response call(verb method, const std::string& path, const std::string& body = {}) {
    http::request req;
    req.method = method;
    req.url = plane->server().url() + path + (path.find('?') == std::string::npos ? "?" : "&") + "api-version=2025-04-01";
    req.headers.set("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.set("Content-Type", "application/json");
    req.body = body;
    return client.send(std::move(req));
  }
  http::response kube_get(const std::string& cluster, const std::string& path) {
    http::request req;
    req.url = plane->server().url() + "/k8s/" + cluster + path;
    req.headers.set("Authorization", "Bearer " + token);
    return client.send(std::move(req));
  }

  /// A cluster of `nodes` nodes with 4 CPUs and 16 GiB each, attached as compute `compute`
  /// (namespace `ml`); returns the cluster's API.
  kube::api_server& add_compute(const std::string& cluster, const std::string& compute, int nodes = 3) {
    return add_compute(cluster, compute, {{"cpu", nodes, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "User"}});
  }
  kube::api_server& add_compute(const std::string& cluster, const std::string& compute, std::vector<node_pool> pools) {
    cluster_spec spec;
    spec.subscription = arm_bench::sub();
    spec.resource_group = "rg1";
    spec.name = cluster;
    spec.node_pools = std::move(pools);
    const auto id = plane->azure().arm().add_cluster(spec);
    install_training_extension(*this, id);
    const auto res = call(verb::put, ws + "/computes/" + compute,
                          R"({"properties":{"computeType":"Kubernetes","resourceId":")" + id +
                              R"(","properties":{"namespace":"ml"}}})");
    EXPECT_EQ(res.status, 201) << res.body;
    return *plane->cluster(cluster);
  }

  void add_environment(const std::string& name, const std::string& version, const std::string& image) {
    const auto res = call(verb::put, ws + "/environments/" + name + "/versions/" + version,
                          R"({"properties":{"image":")" + image + R"(","osType":"Linux"}})");
    ASSERT_TRUE(res.status == 201 || res.status == 200) << res.body;
  }

  /// PUTs command job `name`; `extra` is spliced into its properties.
  http::response put_job(const std::string& name, const std::string& command, const std::string& compute,
                         const std::string& extra = {}) {
    boost::json::object props{{"jobType", "Command"},
                              {"command", command},
                              {"computeId", ws + "/computes/" + compute},
                              {"environmentId", ws + "/environments/py/versions/1"}};
    if (!extra.empty()) {
      const auto parsed = boost::json::parse(extra);
      for (const auto& [k, v] : parsed.as_object()) props[k] = v;
    }
    return call(verb::put, ws + "/jobs/" + name, boost::json::serialize(boost::json::object{{"properties", props}}));
  }

  boost::json::object job(const std::string& name) { return arm_bench::json(call(verb::get, ws + "/jobs/" + name)); }
  std::string status(const std::string& name) { return at_path(job(name), {"properties", "status"}); }
  bool wait_status(const std::string& name, std::string_view wanted, std::chrono::milliseconds limit = 5000ms) {
    return eventually([&] { return status(name) == wanted; }, limit);
  }
  std::string job_property(const std::string& name, std::string_view key) {
    return at_path(job(name), {"properties", "properties", key});
  }

  std::filesystem::path work_dir;
  std::optional<control_plane> plane;
  std::string token;
  http::client client;
};

boost::json::object instance_type_cr(const std::string& name, const std::string& requests, const std::string& limits) {
  return boost::json::parse(R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"name":")" +
                            name + R"("},"spec":{"resources":{"requests":)" + requests + R"(,"limits":)" + limits +
                            "}}}")
      .as_object();
}

void add_instance_types(kube::api_server& api, const std::vector<boost::json::object>& types) {
  // The CRD arrives with the AzureML extension; clusters without one get it here.
  if (!api.get(res::customresourcedefinitions, "", "instancetypes.amlarc.azureml.com"))
    api.create(res::customresourcedefinitions, kube::instance_type_crd());
  for (const auto& t : types) api.create(res::instancetypes, t);
}

std::string pod_phase(kube::api_server& api, const std::string& pod) {
  const auto p = api.get(res::pods, "ml", pod);
  return p ? at_path(*p, {"status", "phase"}) : std::string("<none>");
}

int terminated_exit_code(kube::api_server& api, const std::string& pod) {
  const auto p = api.get(res::pods, "ml", pod);
  if (!p) return -1000;
  const auto& c = p->at("status").at("containerStatuses").as_array().at(0);
  return static_cast<int>(c.at("state").at("terminated").at("exitCode").as_int64());
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

pid_t read_pid(const std::filesystem::path& file) {
  pid_t pid = 0;
  std::ifstream in(file);
  in >> pid;
  return pid;
}

// The seed's hello-world job: `python -c "print('Hello world!')"` in image `python`.
TEST(MlJobs, HelloWorldRunsAndItsLogIsTheTrainingContainersLog) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  auto res = b.put_job("hello", R"cmd(python -c "print('Hello world!')")cmd", "k8s");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(at_path(arm_bench::json(res), {"properties", "status"}), "NotStarted");
  ASSERT_TRUE(b.wait_status("hello", "Completed")) << b.status("hello") << " " << b.plane->jobs().info(ws + "/jobs/hello")->error;

  const auto pod = labels::job_pod_name("hello", 0);
  const auto log = b.kube_get("aks1", "/api/v1/namespaces/ml/pods/" + pod + "/log?container=training");
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body, "Hello world!\n");
  EXPECT_EQ(pod_phase(api, pod), "Succeeded");
  EXPECT_EQ(terminated_exit_code(api, pod), 0);
  const auto p = *api.get(res::pods, "ml", pod);
  EXPECT_EQ(at_path(p, {"metadata", "labels", labels::job_name}), "hello");
  EXPECT_EQ(at_path(p, {"metadata", "labels", labels::compute}), "k8s");
  EXPECT_EQ(at_path(p, {"metadata", "labels", labels::instance_type}), "defaultinstancetype");
  EXPECT_EQ(at_path(p, {"metadata", "labels", labels::instance_index}), "0");
  EXPECT_FALSE(at_path(p, {"spec", "nodeName"}).empty());
  const auto& container = p.at("spec").at("containers").as_array().at(0);
  EXPECT_EQ(str(container.at("name")), "training");
  EXPECT_EQ(str(container.at("image")), "python");
  EXPECT_EQ(at_path(container, {"resources", "requests", "cpu"}), "100m");  // the virtual default (§1.3)
  EXPECT_EQ(b.kube_get("aks1", "/api/v1/namespaces/ml/pods?labelSelector=ml.azure.com%2Fjob-name%3Dhello").status, 200);

  const auto info = b.plane->jobs().info(ws + "/jobs/hello");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->history, (std::vector<std::string>{"NotStarted", "Queued", "Starting", "Running", "Completed"}));
  EXPECT_EQ(info->exit_code, 0);
  EXPECT_TRUE(std::filesystem::is_directory(info->work_dir));
}

// An image that is a Python one gets a `python` on PATH even where the machine has only python3.
TEST(MlJobs, PythonImagesGetAPythonShimWhenPathHasNone) {
  jobs_bench b;
  b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "library/python:latest");
  const auto empty = b.work_dir / "empty-bin";
  std::filesystem::create_directories(empty);
  ASSERT_EQ(b.put_job("shim", R"cmd(python -c "print('from python')"; echo "PATH=$PATH")cmd", "k8s",
                      R"({"environmentVariables":{"PATH":")" + empty.string() + R"("}})")
                .status,
            201);
  ASSERT_TRUE(b.wait_status("shim", "Completed")) << b.plane->jobs().log(ws + "/jobs/shim").value_or("");
  const auto log = *b.plane->jobs().log(ws + "/jobs/shim");
  EXPECT_NE(log.find("from python\n"), std::string::npos) << log;
  const auto shim_dir = (b.work_dir / "jobs" / ".bin").string();
  EXPECT_NE(log.find("PATH=" + shim_dir + ":" + empty.string()), std::string::npos) << log;

  // Not a Python image: no shim.
  b.add_environment("py", "2", "ubuntu:22.04");
  ASSERT_EQ(b.put_job("noshim", R"(echo "PATH=$PATH")", "k8s",
                      R"({"environmentId":")" + ws + R"(/environments/py/versions/2","environmentVariables":{"PATH":")" +
                          empty.string() + R"("}})")
                .status,
            201);
  ASSERT_TRUE(b.wait_status("noshim", "Completed"));
  EXPECT_EQ(*b.plane->jobs().log(ws + "/jobs/noshim"), "PATH=" + empty.string() + "\n");
}

TEST(MlJobs, CommandSeesItsEnvironmentInputsAndFolder) {
  jobs_bench b;
  b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python:3.11");
  ASSERT_EQ(b.put_job("env-job",
                      R"(echo "$AZUREML_RUN_ID ${{inputs.epochs}} $GREETING $AZUREML_INSTANCE_INDEX/$AZUREML_INSTANCE_COUNT $AZUREML_ARM_WORKSPACE_NAME"; )"
                      R"(pwd; echo out > ${{outputs.model}}/m.txt; cat < /dev/stdin; echo "home=$HOME")",
                      "k8s",
                      R"({"environmentVariables":{"GREETING":"hi"},"inputs":{"epochs":{"jobInputType":"literal","value":"7"}},)"
                      R"("outputs":{"model":{"jobOutputType":"uri_folder"}}})")
                .status,
            201);
  ASSERT_TRUE(b.wait_status("env-job", "Completed")) << b.plane->jobs().log(ws + "/jobs/env-job").value_or("");
  const auto info = *b.plane->jobs().info(ws + "/jobs/env-job");
  const auto dir = std::filesystem::canonical(info.work_dir).string();
  EXPECT_EQ(*b.plane->jobs().log(ws + "/jobs/env-job"),
            "env-job 7 hi 0/1 ws1\n" + dir + "\nhome=" + info.work_dir.string() + "\n");
  EXPECT_TRUE(std::filesystem::exists(info.work_dir / "outputs" / "model" / "m.txt"));

  // A binding that names nothing fails the job with the binding's name.
  ASSERT_EQ(b.put_job("bad-binding", "echo ${{inputs.missing}}", "k8s").status, 201);
  ASSERT_TRUE(b.wait_status("bad-binding", "Failed"));
  EXPECT_NE(b.job_property("bad-binding", "_amlk8s.error").find("inputs.missing"), std::string::npos);
}

TEST(MlJobs, NonZeroExitFailsTheJob) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("exit3", "echo about to fail >&2; exit 3", "k8s").status, 201);
  ASSERT_TRUE(b.wait_status("exit3", "Failed"));
  EXPECT_EQ(b.job_property("exit3", "_amlk8s.exitCode"), "3");
  EXPECT_NE(b.job_property("exit3", "_amlk8s.error").find("exited with code 3"), std::string::npos);
  const auto pod = labels::job_pod_name("exit3", 0);
  EXPECT_EQ(pod_phase(api, pod), "Failed");
  EXPECT_EQ(terminated_exit_code(api, pod), 3);
  EXPECT_EQ(at_path(api.get(res::pods, "ml", pod)->at("status").at("containerStatuses").as_array().at(0),
                    {"state", "terminated", "reason"}),
            "Error");
  EXPECT_EQ(*b.plane->jobs().log(ws + "/jobs/exit3"), "about to fail\n");  // stderr is in the log too
}

TEST(MlJobs, GpuInstanceTypeOnACpuClusterStaysQueuedWithTheSchedulerMessage) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  add_instance_types(api, {instance_type_cr("gpu", R"({"cpu":"1","memory":"4Gi"})",
                                            R"({"cpu":"2","memory":"4Gi","nvidia.com/gpu":1})")});
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("gpu-job", "nvidia-smi", "k8s", R"({"resources":{"instanceType":"gpu","instanceCount":1}})").status,
            201);
  const auto pod = labels::job_pod_name("gpu-job", 0);
  std::string message;
  ASSERT_TRUE(eventually([&] {
    const auto p = api.get(res::pods, "ml", pod);
    if (!p) return false;
    const auto* conditions = p->at("status").as_object().if_contains("conditions");
    if (conditions == nullptr) return false;
    const auto& c = conditions->as_array().at(0);
    message = at_path(c, {"message"});
    return at_path(c, {"type"}) == "PodScheduled" && at_path(c, {"status"}) == "False" &&
           at_path(c, {"reason"}) == "Unschedulable";
  }));
  EXPECT_TRUE(message.starts_with("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")) << message;
  EXPECT_EQ(b.status("gpu-job"), "Queued");
  EXPECT_EQ(pod_phase(api, pod), "Pending");
  const auto spec = api.get(res::pods, "ml", pod)->at("spec");
  EXPECT_EQ(at_path(spec.at("containers").as_array().at(0), {"resources", "limits", "nvidia.com/gpu"}), "1");
  EXPECT_NE(boost::json::serialize(spec.at("tolerations")).find(R"("key":"ml.azure.com/amlarc-workload")"), std::string::npos);
  const auto events = api.list(res::events, "ml");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(at_path(events.back(), {"reason"}), "FailedScheduling");
  EXPECT_EQ(at_path(events.back(), {"involvedObject", "name"}), pod);
  EXPECT_EQ(at_path(events.back(), {"message"}), message);

  // Canceling a job that never ran removes its pods.
  ASSERT_EQ(b.call(verb::post, ws + "/jobs/gpu-job/cancel").status, 202);
  ASSERT_TRUE(b.wait_status("gpu-job", "Canceled"));
  EXPECT_FALSE(api.get(res::pods, "ml", pod).has_value());
}

TEST(MlJobs, TwoJobsCompeteForOneNodeAndTheSecondRunsWhenTheFirstEnds) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s", 1);
  add_instance_types(api, {instance_type_cr("big", R"({"cpu":"3","memory":"4Gi"})", R"({"cpu":"3","memory":"4Gi"})")});
  b.add_environment("py", "1", "python");
  const std::string big = R"({"resources":{"instanceType":"big"}})";
  ASSERT_EQ(b.put_job("first", "while [ ! -f release ]; do sleep 0.01; done; echo first done", "k8s", big).status, 201);
  ASSERT_TRUE(b.wait_status("first", "Running"));
  ASSERT_EQ(b.put_job("second", "echo second ran", "k8s", big).status, 201);
  const auto second_pod = labels::job_pod_name("second", 0);
  ASSERT_TRUE(eventually([&] { return b.status("second") == "Queued" && !at_path(*api.get(res::pods, "ml", second_pod), {"status", "conditions"}).empty(); }));
  EXPECT_NE(at_path(*api.get(res::pods, "ml", second_pod), {"status", "conditions"}).find("1 Insufficient cpu"), std::string::npos);
  EXPECT_EQ(b.status("second"), "Queued");

  // The first job ends: its pod stops counting, and the second is placed.
  const auto first_dir = b.plane->jobs().info(ws + "/jobs/first")->work_dir;
  std::ofstream(first_dir / "release") << "go";
  ASSERT_TRUE(b.wait_status("first", "Completed"));
  ASSERT_TRUE(b.wait_status("second", "Completed"));
  EXPECT_EQ(*b.plane->jobs().log(ws + "/jobs/second"), "second ran\n");
  const auto history = b.plane->jobs().info(ws + "/jobs/second")->history;
  EXPECT_EQ(history, (std::vector<std::string>{"NotStarted", "Queued", "Starting", "Running", "Completed"}));
  EXPECT_EQ(at_path(*api.get(res::pods, "ml", second_pod), {"spec", "nodeName"}),
            at_path(*api.get(res::pods, "ml", labels::job_pod_name("first", 0)), {"spec", "nodeName"}));
}

// A tainted GPU pool: the GPU type's nodeSelector and toleration take its pods there, one GPU
// job at a time, and waiting jobs are placed in the order they were created.
TEST(MlJobs, GpuJobsQueueForTheGpuNodeInCreationOrder) {
  jobs_bench b;
  auto& api = b.add_compute("gpu1", "gpu", {{"cpu", 2, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"},
                                            {"gpu", 1, "Standard_NC6s_v3", 6000, 112LL << 30, 1, {}, {"sku=gpu:NoSchedule"}, "User"}});
  auto gpu = instance_type_cr("gpu", R"({"cpu":"1","memory":"8Gi"})", R"({"cpu":"2","memory":"8Gi","nvidia.com/gpu":1})");
  gpu["spec"].as_object()["nodeSelector"] = boost::json::object{{"agentpool", "gpu"}};
  gpu["spec"].as_object()["tolerations"] =
      boost::json::array{boost::json::object{{"key", "sku"}, {"operator", "Equal"}, {"value", "gpu"}, {"effect", "NoSchedule"}}};
  add_instance_types(api, {gpu});
  b.add_environment("py", "1", "python");
  const std::string wait = "while [ ! -f release ]; do sleep 0.01; done; echo done";
  const std::string type = R"({"resources":{"instanceType":"gpu"}})";
  for (const auto* name : {"g1", "g2", "g3"}) {
    ASSERT_EQ(b.put_job(name, wait, "gpu", type).status, 201);
    if (std::string_view(name) == "g1") {
      ASSERT_TRUE(b.wait_status("g1", "Running"));
    }
  }
  ASSERT_TRUE(eventually([&] { return b.status("g2") == "Queued" && b.status("g3") == "Queued"; }));
  const auto node = at_path(*api.get(res::pods, "ml", "g1-0"), {"spec", "nodeName"});
  EXPECT_NE(node.find("-gpu-"), std::string::npos) << node;
  ASSERT_TRUE(eventually([&] {
    return at_path(*api.get(res::pods, "ml", "g3-0"), {"status", "conditions"}).find("Insufficient nvidia.com/gpu") !=
           std::string::npos;
  }));
  const auto message = at_path(api.get(res::pods, "ml", "g3-0")->at("status").at("conditions").as_array().at(0), {"message"});
  EXPECT_TRUE(message.starts_with("0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector."))
      << message;

  auto release = [&](const std::string& job) {
    std::ofstream(b.plane->jobs().info(ws + "/jobs/" + job)->work_dir / "release") << "go";
  };
  release("g1");
  ASSERT_TRUE(b.wait_status("g2", "Running"));
  EXPECT_EQ(b.status("g1"), "Completed");
  EXPECT_EQ(b.status("g3"), "Queued");
  release("g2");
  ASSERT_TRUE(b.wait_status("g3", "Running"));
  release("g3");
  ASSERT_TRUE(b.wait_status("g3", "Completed"));
  EXPECT_EQ(*b.plane->jobs().log(ws + "/jobs/g3"), "done\n");
}

TEST(MlJobs, CancelKillsTheProcessBeforeTheJobShowsCanceled) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("sleeper", "echo $$ > pid; exec sleep 30", "k8s").status, 201);
  ASSERT_TRUE(b.wait_status("sleeper", "Running"));
  const auto dir = b.plane->jobs().info(ws + "/jobs/sleeper")->work_dir;
  ASSERT_TRUE(eventually([&] { return read_pid(dir / "pid") > 0; }));
  const auto pid = read_pid(dir / "pid");

  const auto started = std::chrono::steady_clock::now();
  auto res = b.call(verb::post, ws + "/jobs/sleeper/cancel");
  ASSERT_EQ(res.status, 202) << res.body;
  const std::string location(*res.headers.get("Location"));
  ASSERT_TRUE(eventually([&] {
    http::request req;
    req.url = location;
    req.headers.set("Authorization", "Bearer " + b.token);
    return b.client.send(std::move(req)).status == 200;
  }));
  ASSERT_TRUE(b.wait_status("sleeper", "Canceled", 2000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(process_gone(pid));  // killed and reaped before Canceled showed
  const auto pod = labels::job_pod_name("sleeper", 0);
  EXPECT_EQ(pod_phase(api, pod), "Failed");
  EXPECT_EQ(terminated_exit_code(api, pod), 128 + SIGTERM);
  const auto info = *b.plane->jobs().info(ws + "/jobs/sleeper");
  EXPECT_EQ(info.history, (std::vector<std::string>{"NotStarted", "Queued", "Starting", "Running", "CancelRequested", "Canceled"}));
  // Canceling a job that ended answers 200 and changes nothing.
  EXPECT_EQ(b.call(verb::post, ws + "/jobs/sleeper/cancel").status, 200);
}

// A process that ignores SIGTERM gets SIGKILL after the grace period.
TEST(MlJobs, CancelEscalatesToSigkill) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("stubborn", "trap '' TERM; echo ready; exec sleep 30", "k8s").status, 201);
  ASSERT_TRUE(eventually([&] { return b.plane->jobs().log(ws + "/jobs/stubborn").value_or("") == "ready\n"; }));
  ASSERT_EQ(b.call(verb::post, ws + "/jobs/stubborn/cancel").status, 202);
  ASSERT_TRUE(b.wait_status("stubborn", "Canceled", 2000ms));
  EXPECT_EQ(terminated_exit_code(api, "stubborn-0"), 128 + SIGKILL);
}

// Every instance runs the command; one that fails stops the others and fails the job.
TEST(MlJobs, InstancesRunSideBySideAndOneFailureStopsTheRest) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("pair", R"(echo "instance $AZUREML_INSTANCE_INDEX of $AZUREML_INSTANCE_COUNT")", "k8s",
                      R"({"resources":{"instanceCount":2}})")
                .status,
            201);
  ASSERT_TRUE(b.wait_status("pair", "Completed"));
  EXPECT_EQ(b.kube_get("aks1", "/api/v1/namespaces/ml/pods/pair-0/log?container=training").body, "instance 0 of 2\n");
  EXPECT_EQ(b.kube_get("aks1", "/api/v1/namespaces/ml/pods/pair-1/log?container=training").body, "instance 1 of 2\n");

  ASSERT_EQ(b.put_job("broken", R"(if [ "$AZUREML_INSTANCE_INDEX" = 1 ]; then exit 4; fi; exec sleep 30)", "k8s",
                      R"({"resources":{"instanceCount":2}})")
                .status,
            201);
  ASSERT_TRUE(b.wait_status("broken", "Failed", 2000ms));
  EXPECT_EQ(b.job_property("broken", "_amlk8s.exitCode"), "4");
  EXPECT_EQ(terminated_exit_code(api, "broken-1"), 4);
  EXPECT_EQ(terminated_exit_code(api, "broken-0"), 128 + SIGTERM);
}

TEST(MlJobs, UnknownInstanceTypeOrComputeFailsTheJob) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("typo", "true", "k8s", R"({"resources":{"instanceType":"gpu-typo"}})").status, 201);
  ASSERT_TRUE(b.wait_status("typo", "Failed"));
  const auto error = b.job_property("typo", "_amlk8s.error");
  EXPECT_NE(error.find("'gpu-typo'"), std::string::npos) << error;
  EXPECT_NE(error.find("properties.resources.instanceType"), std::string::npos) << error;
  EXPECT_TRUE(api.list(res::pods, "ml").empty());

  ASSERT_EQ(b.put_job("nowhere", "true", "missing-compute").status, 201);
  ASSERT_TRUE(b.wait_status("nowhere", "Failed"));
  EXPECT_NE(b.job_property("nowhere", "_amlk8s.error").find("properties.computeId"), std::string::npos);

  ASSERT_EQ(b.put_job("no-env", "true", "k8s", R"({"environmentId":"azureml:ghost:1"})").status, 201);
  ASSERT_TRUE(b.wait_status("no-env", "Failed"));
  EXPECT_NE(b.job_property("no-env", "_amlk8s.error").find("environments/ghost/versions/1"), std::string::npos);
}

TEST(MlJobs, TimeoutOnTheClockFailsTheJob) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("slow", "sleep 30", "k8s", R"({"limits":{"jobLimitsType":"Command","timeout":"PT5M"}})").status, 201);
  ASSERT_TRUE(b.wait_status("slow", "Running"));
  b.plane->azure().time().advance(5min + 1s);
  ASSERT_TRUE(b.wait_status("slow", "Failed", 2000ms));
  EXPECT_NE(b.job_property("slow", "_amlk8s.error").find("PT5M"), std::string::npos);
  const auto pod = *api.get(res::pods, "ml", labels::job_pod_name("slow", 0));
  EXPECT_EQ(at_path(pod, {"status", "reason"}), "DeadlineExceeded");
  EXPECT_EQ(at_path(pod, {"status", "phase"}), "Failed");
}

TEST(MlJobs, WithoutProcessesAJobCompletesOnTheClock) {
  jobs_bench b(/*processes=*/false);
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("sim", "touch should-not-exist; python train.py", "k8s", R"({"resources":{"instanceCount":2}})").status,
            201);
  ASSERT_TRUE(b.wait_status("sim", "Running"));
  EXPECT_EQ(pod_phase(api, labels::job_pod_name("sim", 1)), "Running");
  const auto log = b.kube_get("aks1", "/api/v1/namespaces/ml/pods/sim-0/log?container=training").body;
  EXPECT_NE(log.find("would have run"), std::string::npos) << log;
  EXPECT_NE(log.find("python train.py"), std::string::npos) << log;
  EXPECT_EQ(b.status("sim"), "Running");
  b.plane->azure().time().advance(10s);
  ASSERT_TRUE(b.wait_status("sim", "Completed"));
  EXPECT_EQ(pod_phase(api, labels::job_pod_name("sim", 0)), "Succeeded");
  EXPECT_EQ(pod_phase(api, labels::job_pod_name("sim", 1)), "Succeeded");
  EXPECT_FALSE(std::filesystem::exists(b.work_dir / "jobs"));
}

TEST(MlJobs, DeletingARunningJobKillsItAndItsPods) {
  jobs_bench b;
  auto& api = b.add_compute("aks1", "k8s");
  b.add_environment("py", "1", "python");
  ASSERT_EQ(b.put_job("doomed", "echo $$ > pid; exec sleep 30", "k8s").status, 201);
  ASSERT_TRUE(b.wait_status("doomed", "Running"));
  const auto dir = b.plane->jobs().info(ws + "/jobs/doomed")->work_dir;
  ASSERT_TRUE(eventually([&] { return read_pid(dir / "pid") > 0; }));
  const auto pid = read_pid(dir / "pid");
  EXPECT_EQ(b.call(verb::delete_, ws + "/jobs/doomed").status, 202);
  EXPECT_EQ(b.call(verb::get, ws + "/jobs/doomed").status, 404);
  EXPECT_FALSE(api.get(res::pods, "ml", "doomed-0").has_value());
  EXPECT_TRUE(eventually([&] { return process_gone(pid); }, 2000ms));
}

TEST(MlJobs, StoppingTheControlPlaneKillsRunningJobs) {
  std::optional<jobs_bench> b(std::in_place);
  b->add_compute("aks1", "k8s");
  b->add_environment("py", "1", "python");
  ASSERT_EQ(b->put_job("left", "echo $$ > pid; exec sleep 30", "k8s").status, 201);
  ASSERT_TRUE(b->wait_status("left", "Running"));
  const auto dir = b->plane->jobs().info(ws + "/jobs/left")->work_dir;
  ASSERT_TRUE(eventually([&] { return read_pid(dir / "pid") > 0; }));
  const auto pid = read_pid(dir / "pid");
  b->plane.reset();
  EXPECT_TRUE(process_gone(pid));  // killed and reaped by the destructor: no zombie left
  b.reset();
}

// Environments: versions create their container, whose latestVersion follows them.
TEST(MlJobs, EnvironmentVersionsAndLatest) {
  arm_bench b;
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  auto res = b.call(verb::put, ws + "/environments/CliV2AnonymousEnvironment/versions/0123abcd",
                    R"({"properties":{"image":"python:3.11","condaFile":"dependencies: [python=3.11]","isAnonymous":true}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_FALSE(res.headers.contains("Location"));
  auto props = arm_bench::json(res).at("properties").as_object();
  EXPECT_EQ(str(props.at("osType")), "Linux");
  EXPECT_EQ(props.at("isAnonymous"), true);
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  auto container = arm_bench::json(b.call(verb::get, ws + "/environments/CliV2AnonymousEnvironment"));
  EXPECT_EQ(at_path(container, {"properties", "latestVersion"}), "0123abcd");

  ASSERT_EQ(b.call(verb::put, ws + "/environments/train", R"({"properties":{"description":"training images"}})").status, 201);
  container = arm_bench::json(b.call(verb::get, ws + "/environments/train"));
  EXPECT_TRUE(container.at("properties").at("latestVersion").is_null());
  EXPECT_EQ(at_path(container, {"properties", "nextVersion"}), "1");
  ASSERT_EQ(b.call(verb::put, ws + "/environments/train/versions/1", R"({"properties":{"image":"python:3.10"}})").status, 201);
  b.time->advance(1s);
  ASSERT_EQ(b.call(verb::put, ws + "/environments/train/versions/2", R"({"properties":{"image":"python:3.11"}})").status, 201);
  container = arm_bench::json(b.call(verb::get, ws + "/environments/train"));
  EXPECT_EQ(at_path(container, {"properties", "latestVersion"}), "2");
  EXPECT_EQ(at_path(container, {"properties", "nextVersion"}), "3");
  EXPECT_EQ(at_path(container, {"properties", "description"}), "training images");
  EXPECT_EQ(arm_bench::json(b.call(verb::get, ws + "/environments/train/versions")).at("value").as_array().size(), 2u);
  ASSERT_EQ(b.call(verb::delete_, ws + "/environments/train/versions/2").status, 200);
  EXPECT_EQ(at_path(arm_bench::json(b.call(verb::get, ws + "/environments/train")), {"properties", "latestVersion"}), "1");

  // No image nor build: 400 naming properties.image; nothing is left behind.
  res = b.call(verb::put, ws + "/environments/empty/versions/1", R"({"properties":{"condaFile":"x"}})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("target")), "properties.image");
  EXPECT_EQ(b.call(verb::get, ws + "/environments/empty").status, 404);
  // The provider lists the types.
  res = b.call(verb::get, "/subscriptions/" + arm_bench::sub() + "/providers/Microsoft.MachineLearningServices");
  EXPECT_NE(res.body.find("workspaces/environments/versions"), std::string::npos);
}

// Without a background thread, settle() reads the output and reaps; a log keeps its first log_limit bytes.
TEST(MlJobs, WithoutAThreadSettleDrivesProcessesAndLogsAreBounded) {
  arm_bench b;
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  auto api = std::make_shared<kube::api_server>();
  kube::node_spec node;
  node.name = "n1";
  node.capacity = {{"cpu", "4"}, {"memory", "16Gi"}};
  api->add_node(node);
  cluster_spec spec;
  spec.subscription = arm_bench::sub();
  spec.resource_group = "rg1";
  spec.name = "c1";
  const auto cluster = b.arm->add_cluster(spec);
  const auto dir = fresh_dir("nothread");
  job_runner_options o;
  o.work_dir = dir;
  o.poll_interval = 0ms;
  o.log_limit = 1000;
  std::optional<job_runner> runner(std::in_place, *b.arm, b.time, [&](const cluster_spec&) { return api; }, o);
  install_training_extension(b, cluster);
  ASSERT_EQ(b.call(verb::put, ws + "/computes/c",
                   R"({"properties":{"computeType":"Kubernetes","resourceId":")" + cluster + R"("}})")
                .status,
            201);
  ASSERT_EQ(b.call(verb::put, ws + "/environments/e/versions/1", R"({"properties":{"image":"ubuntu"}})").status, 201);
  ASSERT_EQ(b.call(verb::put, ws + "/jobs/chatty",
                   R"({"properties":{"jobType":"Command","command":"i=0; while [ $i -lt 500 ]; do echo 0123456789; i=$((i+1)); done",)"
                   R"("computeId":"azureml:c","environmentId":"azureml:e:1"}})")
                .status,
            201);
  ASSERT_TRUE(eventually([&] {
    b.arm->settle();
    return runner->info(ws + "/jobs/chatty")->status == "Completed";
  }));
  const auto log = *runner->log(ws + "/jobs/chatty");
  EXPECT_EQ(log.substr(0, 22), "0123456789\n0123456789\n");
  EXPECT_NE(log.find("the log was cut at 1000 bytes"), std::string::npos) << log;
  EXPECT_LT(log.size(), 1100u);
  runner.reset();
  std::filesystem::remove_all(dir);
}

// The runner over arm_api alone, with a manual clock and no thread: every step is a request.
TEST(MlJobs, AManualClockMovesAJobOnlyOnRequests) {
  arm_bench b;
  b.arm->add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  auto api = std::make_shared<kube::api_server>();
  kube::node_spec node;
  node.name = "n1";
  node.capacity = {{"cpu", "4"}, {"memory", "16Gi"}};
  api->add_node(node);
  cluster_spec spec;
  spec.subscription = arm_bench::sub();
  spec.resource_group = "rg1";
  spec.name = "c1";
  const auto cluster = b.arm->add_cluster(spec);
  job_runner_options o;
  o.run_processes = false;
  o.poll_interval = 0ms;
  o.simulated_run_time = 30s;
  job_runner runner(*b.arm, b.time, [&](const cluster_spec&) { return api; }, o);
  install_training_extension(b, cluster);
  ASSERT_EQ(b.call(verb::put, ws + "/computes/c",
                   R"({"properties":{"computeType":"Kubernetes","resourceId":")" + cluster + R"("}})")
                .status,
            201);
  b.arm->settle();
  ASSERT_EQ(b.call(verb::put, ws + "/environments/e/versions/1", R"({"properties":{"image":"python"}})").status, 201);
  ASSERT_EQ(b.call(verb::put, ws + "/jobs/j",
                   R"({"properties":{"jobType":"Command","command":"python x.py","computeId":"azureml:c","environmentId":"azureml:e@latest"}})")
                .status,
            201);
  EXPECT_EQ(runner.info(ws + "/jobs/j")->status, "NotStarted");
  EXPECT_EQ(at_path(arm_bench::json(b.call(verb::get, ws + "/jobs/j")), {"properties", "status"}), "Running");
  EXPECT_EQ(api->get(res::pods, "default", "j-0")->at("spec").at("nodeName"), "n1");
  b.time->advance(29s);
  EXPECT_EQ(at_path(arm_bench::json(b.call(verb::get, ws + "/jobs/j")), {"properties", "status"}), "Running");
  b.time->advance(1s);
  EXPECT_EQ(at_path(arm_bench::json(b.call(verb::get, ws + "/jobs/j")), {"properties", "status"}), "Completed");
  EXPECT_EQ(at_path(*api->get(res::pods, "default", "j-0"), {"status", "phase"}), "Succeeded");
}

}  // namespace ml_jobs_test
