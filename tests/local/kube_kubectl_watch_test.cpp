// Conformance: real kubectl watches a simulated cluster of the control plane and prints a change
// made while it watches (contracts/kubernetes.md §2.1 `kubectl get … -w`, §2.7). kubectl lists,
// then watches from the list's resourceVersion; the configmap created once the list is printed can
// only reach kubectl's output through the watch stream.
#include <amlk8s/local/control_plane.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace local = amlk8s::local;
using namespace std::chrono_literals;

constexpr const char* kubectl_path = "/usr/bin/kubectl";

// A child process whose stdout and stderr are collected by a thread; killed when it goes away.
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      throw std::runtime_error("cannot start " + argv[0]);
    }
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      for (;;) {
        auto n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        output_.append(buf, static_cast<std::size_t>(n));
      }
      close(fd);
    });
  }
  ~child_process() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    reader_.join();
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  std::string output() {
    std::lock_guard lock(mutex_);
    return output_;
  }
  // Waits (20 s at most) until the output contains `text`.
  bool wait_for_output(const std::string& text) {
    auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return output().find(text) != std::string::npos;
  }

 private:
  pid_t pid_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::string output_;
};

local::cluster_spec kubectl_cluster(const std::string& subscription) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = subscription;
  c.resource_group = "rg";
  c.name = "kubectl-watch";
  c.location = "eastus";
  c.kubernetes_version = "1.30.6";
  c.node_pools.push_back({"system", 1, "", 4000, 16LL << 30, 0, {}, {}, "System"});
  return c;
}

boost::json::object config_map(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"k", "v"}}}};
}

TEST(KubectlWatch, GetConfigmapsWatchPrintsAConfigmapCreatedWhileItWatches) {
  if (!std::filesystem::exists(kubectl_path)) GTEST_SKIP() << kubectl_path << " is not installed";
  local::control_plane plane;
  plane.azure().arm().add_cluster(kubectl_cluster(plane.endpoints().subscription_id));
  auto* api = plane.cluster("kubectl-watch");
  ASSERT_NE(api, nullptr);
  api->create(local::kube::resources::configmaps, config_map("listed-first"));

  auto cache = std::filesystem::temp_directory_path() / ("amlk8s-kubectl-cache-" + std::to_string(getpid()));
  child_process kubectl({kubectl_path, "--kubeconfig=" + plane.kubeconfig_path("kubectl-watch").string(),
                         "--cache-dir=" + cache.string(), "get", "configmaps", "--namespace=default", "--watch",
                         "--request-timeout=60s"});
  ASSERT_TRUE(kubectl.wait_for_output("listed-first")) << kubectl.output();
  api->create(local::kube::resources::configmaps, config_map("created-while-watching"));
  EXPECT_TRUE(kubectl.wait_for_output("created-while-watching")) << kubectl.output();
  auto out = kubectl.output();
  EXPECT_NE(out.find("NAME"), std::string::npos) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << out;
  std::error_code ignored;
  std::filesystem::remove_all(cache, ignored);
}

// kubectl opens a new watch when one ends early, so this one would also pass against a server
// that answers a watch with what is pending and ends it; the configmaps test above would not.
TEST(KubectlWatch, GetPodsDashWPrintsAPodCreatedWhileItWatches) {
  if (!std::filesystem::exists(kubectl_path)) GTEST_SKIP() << kubectl_path << " is not installed";
  local::control_plane plane;
  plane.azure().arm().add_cluster(kubectl_cluster(plane.endpoints().subscription_id));
  auto* api = plane.cluster("kubectl-watch");
  ASSERT_NE(api, nullptr);
  auto pod = [](const std::string& name) {
    return boost::json::object{{"apiVersion", "v1"},
                               {"kind", "Pod"},
                               {"metadata", {{"name", name}, {"namespace", "default"}}},
                               {"spec", {{"containers", boost::json::array{{{"name", "main"}, {"image", "busybox"}}}}}}};
  };
  api->create(local::kube::resources::pods, pod("pod-listed-first"));

  auto cache = std::filesystem::temp_directory_path() / ("amlk8s-kubectl-cache-pods-" + std::to_string(getpid()));
  child_process kubectl({kubectl_path, "--kubeconfig=" + plane.kubeconfig_path("kubectl-watch").string(),
                         "--cache-dir=" + cache.string(), "get", "pods", "-w"});
  ASSERT_TRUE(kubectl.wait_for_output("pod-listed-first")) << kubectl.output();
  api->create(local::kube::resources::pods, pod("pod-created-while-watching"));
  EXPECT_TRUE(kubectl.wait_for_output("pod-created-while-watching")) << kubectl.output();
  std::error_code ignored;
  std::filesystem::remove_all(cache, ignored);
}

}  // namespace
