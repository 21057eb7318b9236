// Simulated nodes (contracts/kubernetes.md §2.4 for what kubectl shows of them, §2.8 for the
// fields the Python client requires).
#include <amlk8s/local/kube/api_server.hpp>

#include "encoding.hpp"
#include "object_rules.hpp"
#include "status.hpp"
#include "store.hpp"

#include <amlk8s/core/error.hpp>

#include <cstdio>

namespace amlk8s::local::kube {

namespace {

std::string fake_id(std::uint64_t seed, unsigned n) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(n) * 0x9E3779B97F4A7C15ULL);
  return out;
}

boost::json::object condition(std::string_view type, std::string_view status, std::string_view reason, std::string_view message,
                              const std::string& now) {
  boost::json::object c;
  c["type"] = type;
  c["status"] = status;
  c["lastHeartbeatTime"] = now;
  c["lastTransitionTime"] = now;
  c["reason"] = reason;
  c["message"] = message;
  return c;
}

}  // namespace

boost::json::object api_server::add_node(const node_spec& node) {
  if (node.name.empty()) throw error(errc::invalid_argument, "node_spec.name is empty: give the node a name");
  std::unique_lock<std::mutex> lock(state_->mutex);
  unsigned n = ++state_->nodes_added;
  auto now = detail::format_rfc3339(state_->now());
  const auto& version = node.kubelet_version.empty() ? state_->options.version.git_version : node.kubelet_version;
  lock.unlock();

  boost::json::object labels{{"beta.kubernetes.io/arch", "amd64"},
                             {"beta.kubernetes.io/os", "linux"},
                             {"kubernetes.io/arch", "amd64"},
                             {"kubernetes.io/hostname", node.name},
                             {"kubernetes.io/os", "linux"}};
  for (const auto& [k, v] : node.labels) labels[k] = v;

  boost::json::object spec;
  if (!node.taints.empty()) {
    boost::json::array taints;
    for (const auto& t : node.taints) {
      boost::json::object to{{"key", t.key}, {"effect", t.effect}};
      if (!t.value.empty()) to["value"] = t.value;
      taints.push_back(std::move(to));
    }
    spec["taints"] = std::move(taints);
  }
  if (node.unschedulable) spec["unschedulable"] = true;

  boost::json::object capacity{{"cpu", "2"}, {"memory", "8Gi"}, {"ephemeral-storage", "128Gi"}, {"pods", "110"}};
  for (const auto& [k, v] : node.capacity) capacity[k] = v;
  boost::json::object allocatable = capacity;
  for (const auto& [k, v] : node.allocatable) allocatable[k] = v;

  auto ip = node.internal_ip.empty() ? "10.240.0." + std::to_string(3 + n) : node.internal_ip;
  auto id = fake_id(std::hash<std::string>{}(node.name), n);
  boost::json::object status;
  status["capacity"] = std::move(capacity);
  status["allocatable"] = std::move(allocatable);
  status["conditions"] = boost::json::array{
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
      condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)};
  status["addresses"] = boost::json::array{boost::json::object{{"type", "InternalIP"}, {"address", ip}},
                                          boost::json::object{{"type", "Hostname"}, {"address", node.name}}};
  status["daemonEndpoints"] = boost::json::object{{"kubeletEndpoint", boost::json::object{{"Port", 10250}}}};
  // §2.8: all ten NodeSystemInfo fields, or the Python client's list_node fails.
  status["nodeInfo"] = boost::json::object{{"machineID", id},
                                           {"systemUUID", id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" +
                                                              id.substr(16, 4) + "-" + id.substr(20, 12)},
                                           {"bootID", fake_id(n, 7)},
                                           {"kernelVersion", "5.15.0-1064-azure"},
                                           {"osImage", "Ubuntu 22.04.4 LTS"},
                                           {"containerRuntimeVersion", "containerd://1.7.15-1"},
                                           {"kubeletVersion", version},
                                           {"kubeProxyVersion", version},
                                           {"operatingSystem", "linux"},
                                           {"architecture", "amd64"}};

  boost::json::object object;
  object["apiVersion"] = "v1";
  object["kind"] = "Node";
  object["metadata"] = boost::json::object{{"name", node.name}, {"labels", std::move(labels)}};
  object["spec"] = std::move(spec);
  object["status"] = std::move(status);
  return create_or_replace(resources::nodes, std::move(object));
}

}  // namespace amlk8s::local::kube
