#include <amlk8s/model/azureml_components.hpp>

#include <array>
#include <cctype>

namespace amlk8s::model {
namespace {

enum class needs { always, training, inference, relay, prom_op, volcano, nvidia, dcgm };

struct row {
  std::string_view name;  // "{ext}" is replaced by the extension name
  workload_kind kind;
  needs condition;
  std::string_view purpose;
};

// The seed's component table (2024 deployment article). Optional volcano rows apply to training
// only; the relay server exists on Arc clusters only.
constexpr std::array<row, 17> table{{
    {"relayserver", workload_kind::deployment, needs::relay,
     "Works with Azure Relay to communicate with the cloud services (Arc clusters only)."},
    {"gateway", workload_kind::deployment, needs::always, "Communicates and sends data back and forth."},
    {"aml-operator", workload_kind::deployment, needs::training, "Manages the lifecycle of training jobs."},
    {"metrics-controller-manager", workload_kind::deployment, needs::always,
     "Manages the configuration for Prometheus."},
    {"{ext}-kube-state-metrics", workload_kind::deployment, needs::always,
     "Exports the cluster-related metrics to Prometheus."},
    {"{ext}-prometheus-operator", workload_kind::deployment, needs::prom_op,
     "Deploys and manages Prometheus and related monitoring components."},
    {"amlarc-identity-controller", workload_kind::deployment, needs::inference,
     "Requests and renews Azure Blob/Azure Container Registry tokens through managed identity."},
    {"amlarc-identity-proxy", workload_kind::deployment, needs::inference,
     "Requests and renews Azure Blob/Azure Container Registry tokens through managed identity."},
    {"azureml-fe-v2", workload_kind::deployment, needs::inference,
     "Routes incoming inference requests to deployed services."},
    {"inference-operator-controller-manager", workload_kind::deployment, needs::inference,
     "Manages the lifecycle of inference endpoints."},
    {"volcano-admission", workload_kind::deployment, needs::volcano, "Volcano admission webhook."},
    {"volcano-controllers", workload_kind::deployment, needs::volcano,
     "Manages the lifecycle of Azure Machine Learning training job pods."},
    {"volcano-scheduler", workload_kind::deployment, needs::volcano, "Performs in-cluster job scheduling."},
    {"fluent-bit", workload_kind::daemonset, needs::always, "Gathers the components' system log."},
    {"{ext}-dcgm-exporter", workload_kind::daemonset, needs::dcgm, "Exposes GPU metrics for Prometheus."},
    {"nvidia-device-plugin-daemonset", workload_kind::daemonset, needs::nvidia,
     "Exposes the GPUs on each node of the cluster."},
    {"prometheus-prom-prometheus", workload_kind::statefulset, needs::always,
     "Gathers and sends job metrics to the cloud."},
}};

bool wanted(needs n, const component_selection& s) {
  switch (n) {
    case needs::always: return true;
    case needs::training: return s.training;
    case needs::inference: return s.inference;
    case needs::relay: return s.relay_server;
    case needs::prom_op: return s.install_prom_op;
    case needs::volcano: return s.training && s.install_volcano;
    case needs::nvidia: return s.install_nvidia_device_plugin;
    case needs::dcgm: return s.install_dcgm_exporter;
  }
  return false;
}

bool flag(const std::map<std::string, std::string>& settings, const std::string& key, bool fallback) {
  auto it = settings.find(key);
  return it == settings.end() ? fallback : setting_is_true(it->second);
}

}  // namespace

std::string_view to_string(workload_kind kind) noexcept {
  switch (kind) {
    case workload_kind::deployment: return "Deployment";
    case workload_kind::daemonset: return "DaemonSet";
    case workload_kind::statefulset: return "StatefulSet";
  }
  return "Deployment";
}

std::string_view resource_plural(workload_kind kind) noexcept {
  switch (kind) {
    case workload_kind::deployment: return "deployments";
    case workload_kind::daemonset: return "daemonsets";
    case workload_kind::statefulset: return "statefulsets";
  }
  return "deployments";
}

bool setting_is_true(std::string_view value) noexcept {
  constexpr std::string_view t = "true";
  if (value.size() != t.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != t[i]) return false;
  return true;
}

component_selection selection_from_settings(const std::map<std::string, std::string>& settings, cluster_kind kind) {
  component_selection s;
  s.training = flag(settings, "enableTraining", false);
  s.inference = flag(settings, "enableInference", false);
  s.relay_server = flag(settings, "relayserver.enabled", kind == cluster_kind::arc);
  s.install_prom_op = flag(settings, "installPromOp", true);
  s.install_volcano = flag(settings, "installVolcano", true);
  s.install_nvidia_device_plugin = flag(settings, "installNvidiaDevicePlugin", false);
  s.install_dcgm_exporter = flag(settings, "installDcgmExporter", false);
  s.inference_router_ha = flag(settings, "inferenceRouterHA", true);
  return s;
}

std::vector<component> expected_components(const component_selection& selection, std::string_view extension_name) {
  std::vector<component> out;
  for (const auto& r : table) {
    if (!wanted(r.condition, selection)) continue;
    component c;
    c.name = std::string(r.name);
    if (auto pos = c.name.find("{ext}"); pos != std::string::npos) c.name.replace(pos, 5, extension_name);
    c.kind = r.kind;
    c.replicas = r.kind == workload_kind::daemonset ? 0 : 1;
    if (c.name == "azureml-fe-v2" && selection.inference_router_ha) c.replicas = 3;
    c.purpose = std::string(r.purpose);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace amlk8s::model
