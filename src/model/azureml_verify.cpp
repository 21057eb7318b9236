// Verification and preflight evaluators (contracts/arm-extensions.md §2.10 for the health-check
// codes; the seed's "Prerequisites", "Limitations" and components table for the rest).
#include <amlk8s/model/azureml_verify.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace amlk8s::model {
namespace {

struct code_info {
  std::string_view code;
  std::string_view name;
  std::string_view meaning;
};

// §2.10: the documented in-cluster health-check codes.
constexpr std::array<code_info, 9> codes{{
    {"E40001", "LOAD_BALANCER_NOT_SUPPORT",
     "the cluster cannot provision a LoadBalancer service: use inferenceRouterServiceType=NodePort or ClusterIP"},
    {"E40002", "INSUFFICIENT_NODE",
     "inferenceRouterHA needs at least 3 nodes: set inferenceRouterHA=False or add nodes"},
    {"E40003", "INTERNAL_LOAD_BALANCER_NOT_SUPPORT",
     "internal load balancers work on AKS only: remove internalLoadBalancerProvider"},
    {"E40007", "INVALID_SSL_SETTING",
     "the TLS certificate or key is invalid, or does not match sslCname: fix sslSecret or the PEM files"},
    {"E45002", "PROMETHEUS_CONFLICT",
     "a Prometheus operator already runs in the cluster: set installPromOp=False to reuse it"},
    {"E45003", "BAD_NETWORK_CONNECTIVITY", "the cluster cannot reach the required endpoints: check outbound rules"},
    {"E45004", "AZUREML_FE_ROLE_CONFLICT",
     "legacy AKS v1 azureml-fe roles exist: delete the legacy azureml-fe resources"},
    {"E45005", "AZUREML_FE_DEPLOYMENT_CONFLICT",
     "a legacy AKS v1 azureml-fe deployment exists: delete the legacy azureml-fe resources"},
    {"E45006", "INSTANCE_TYPE_VALIDATION_FAILED", "failed to validate or update the instance types: check them"},
}};

int int_at(const boost::json::object& o, std::string_view section, std::string_view key, int fallback) {
  const auto* s = o.if_contains(section);
  if (s == nullptr || !s->is_object()) return fallback;
  const auto* v = s->as_object().if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return static_cast<int>(v->as_int64());
  if (v->is_uint64()) return static_cast<int>(v->as_uint64());
  return fallback;
}

std::string name_of(const boost::json::object& o) {
  const auto* m = o.if_contains("metadata");
  if (m == nullptr || !m->is_object()) return {};
  const auto* n = m->as_object().if_contains("name");
  return n != nullptr && n->is_string() ? std::string(n->as_string()) : std::string();
}

const boost::json::object* find_named(const std::vector<boost::json::object>& list, std::string_view name) {
  for (const auto& o : list)
    if (name_of(o) == name) return &o;
  return nullptr;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string_view to_string(component_state state) noexcept {
  switch (state) {
    case component_state::running: return "Running";
    case component_state::not_ready: return "NotReady";
    case component_state::missing: return "Missing";
  }
  return "Missing";
}

std::string_view to_string(finding_severity severity) noexcept {
  switch (severity) {
    case finding_severity::error: return "Error";
    case finding_severity::warning: return "Warning";
    case finding_severity::info: return "Info";
  }
  return "Info";
}

std::pair<std::string_view, std::string_view> health_check_code_info(std::string_view code) noexcept {
  for (const auto& c : codes)
    if (c.code == code) return {c.name, c.meaning};
  return {};
}

namespace {

// Every E followed by five digits in free text.
void scan_codes(std::string_view text, const std::string& phase, std::vector<health_check_finding>& out) {
  for (std::size_t i = 0; i + 6 <= text.size(); ++i) {
    if (text[i] != 'E' || (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1])))) continue;
    bool digits = true;
    for (std::size_t j = 1; j <= 5; ++j) digits = digits && std::isdigit(static_cast<unsigned char>(text[i + j]));
    if (!digits || (i + 6 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 6])))) continue;
    std::string code(text.substr(i, 6));
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const health_check_finding& f) { return f.phase == phase && f.code == code; });
    if (seen) continue;
    auto [name, meaning] = health_check_code_info(code);
    out.push_back({phase, code, std::string(name), std::string(meaning)});
  }
}

// A structured report: {"checks": [{"code": "E40002", "result": "Failed", ...}, ...]}; only the
// failed checks count. False when the text is not such a report.
bool read_structured(std::string_view text, const std::string& phase, std::vector<health_check_finding>& out) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) return false;
  const auto* checks = doc.as_object().if_contains("checks");
  if (checks == nullptr || !checks->is_array()) return false;
  for (const auto& c : checks->as_array()) {
    if (!c.is_object()) continue;
    const auto* result = c.as_object().if_contains("result");
    const auto* code = c.as_object().if_contains("code");
    if (result == nullptr || !result->is_string() || code == nullptr || !code->is_string()) continue;
    std::string r(result->as_string());
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (r == "passed" || r == "pass" || r == "succeeded" || r == "success") continue;
    scan_codes(code->as_string(), phase, out);
  }
  return true;
}

}  // namespace

std::vector<health_check_finding> read_health_check(const boost::json::object& config_map) {
  std::vector<health_check_finding> out;
  const auto* data = config_map.if_contains("data");
  if (data == nullptr || !data->is_object()) return out;
  for (const auto& [key, value] : data->as_object()) {
    if (!value.is_string()) continue;
    std::string phase(key);
    if (phase.starts_with("reports-")) phase = phase.substr(8);
    const std::string_view text = value.as_string();
    // The report's layout is not documented: a structured report names its failed checks;
    // otherwise every code in the text is taken as a finding.
    if (!read_structured(text, phase, out)) scan_codes(text, phase, out);
  }
  return out;
}

verification_report evaluate_components(const std::vector<component>& expected, const observed_workloads& observed) {
  verification_report report;
  for (const auto& c : expected) {
    component_status st;
    st.expected = c;
    const boost::json::object* o = nullptr;
    switch (c.kind) {
      case workload_kind::deployment: o = find_named(observed.deployments, c.name); break;
      case workload_kind::daemonset: o = find_named(observed.daemonsets, c.name); break;
      case workload_kind::statefulset: o = find_named(observed.statefulsets, c.name); break;
    }
    if (o != nullptr) {
      if (c.kind == workload_kind::daemonset) {
        st.desired = int_at(*o, "status", "desiredNumberScheduled", 0);
        st.ready = int_at(*o, "status", "numberReady", 0);
      } else {
        st.desired = int_at(*o, "spec", "replicas", 1);
        st.ready = int_at(*o, "status", "readyReplicas", 0);
      }
      st.state = st.ready >= st.desired && (st.desired > 0 || c.kind != workload_kind::daemonset)
                     ? component_state::running
                     : component_state::not_ready;
    }
    report.components.push_back(std::move(st));
  }
  if (observed.health_check_config_map) report.health_checks = read_health_check(*observed.health_check_config_map);
  return report;
}

bool verification_report::ok() const noexcept {
  if (!provisioning_state.empty() && provisioning_state != "Succeeded") return false;
  if (!health_checks.empty()) return false;
  return std::all_of(components.begin(), components.end(),
                     [](const component_status& c) { return c.state == component_state::running; });
}

std::string verification_report::to_string() const {
  std::string out;
  if (!extension_name.empty())
    out += "extension " + extension_name + (provisioning_state.empty() ? "" : ": provisioningState " + provisioning_state) + "\n";
  out += pad("COMPONENT", 40) + pad("KIND", 13) + pad("READY", 8) + "STATE\n";
  for (const auto& c : components)
    out += pad(c.expected.name, 40) + pad(std::string(model::to_string(c.expected.kind)), 13) +
           pad(std::to_string(c.ready) + "/" + std::to_string(c.desired), 8) + std::string(model::to_string(c.state)) + "\n";
  for (const auto& h : health_checks)
    out += "health check " + h.phase + ": " + h.code + (h.name.empty() ? "" : " " + h.name) +
           (h.meaning.empty() ? "" : " (" + h.meaning + ")") + "\n";
  return out;
}

std::vector<preflight_finding> evaluate_preflight(const preflight_facts& f, const azureml_settings& s) {
  std::vector<preflight_finding> out;
  const auto kind = cluster_kind_of(f.cluster);
  const bool aks = kind == cluster_kind::aks;
  const bool inference = s.enable_inference.value_or(false);
  auto add = [&](std::string id, finding_severity sev, std::string message, std::string fix) {
    out.push_back({std::move(id), sev, std::move(message), std::move(fix)});
  };

  if (f.provider_registered == false)
    add("provider-not-registered", finding_severity::error,
        "the subscription has not registered the Microsoft.KubernetesConfiguration resource provider",
        "az provider register --namespace Microsoft.KubernetesConfiguration (or the providers client's register)");
  if (aks && f.uses_service_principal == true)
    add("aks-service-principal", finding_severity::error,
        "the AKS cluster uses a service principal; Azure Machine Learning needs a managed identity",
        "convert the cluster to a system- or user-assigned managed identity, then delete and recreate every node pool");
  if (aks && f.local_accounts_disabled == true)
    add("aks-local-accounts-disabled", finding_severity::error,
        "the AKS cluster has local accounts disabled, which Azure Machine Learning does not support",
        "enable local accounts (az aks update --enable-local-accounts)");
  if (aks && !f.authorized_ip_ranges.empty())
    add("aks-authorized-ip-ranges", finding_severity::warning,
        "the AKS API server only accepts authorized IP ranges (" + std::to_string(f.authorized_ip_ranges.size()) +
            " configured); the Azure Machine Learning control plane must be among them",
        "add the Azure Machine Learning control plane IP ranges of the cluster's region and its paired region");
  if (aks && f.pod_identity_enabled == true)
    add("aks-pod-identity", finding_severity::warning, "Microsoft Entra pod identity is enabled; it is not supported",
        "use workload identity instead of pod identity");
  if (aks && f.workspace_subscription_id && !f.workspace_subscription_id->empty()) {
    std::string a(f.cluster.subscription_id()), b(*f.workspace_subscription_id);
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (a != b)
      add("aks-cross-subscription", finding_severity::error,
          "the AKS cluster is in subscription " + std::string(f.cluster.subscription_id()) +
              " and the workspace in " + *f.workspace_subscription_id + "; attaching AKS across subscriptions is not supported",
          "connect the cluster to Azure Arc in the workspace's subscription and use the connectedClusters resource");
  }

  // inferenceRouterHA (default on) needs 3 nodes: the health check's E40002.
  const std::optional<int> nodes = f.ready_nodes ? f.ready_nodes : f.node_count;
  if (inference && s.inference_router_ha.value_or(true) && nodes && *nodes < 3)
    add("inference-router-ha-nodes", finding_severity::error,
        "inferenceRouterHA runs 3 router replicas and needs 3 nodes; the cluster has " + std::to_string(*nodes) +
            " (the health check fails with E40002 INSUFFICIENT_NODE)",
        "set inferenceRouterHA=False, or add nodes");

  if (f.production && f.allocatable_cpu_cores && f.allocatable_memory_gib &&
      (*f.allocatable_cpu_cores < 4.0 || *f.allocatable_memory_gib < 14.0))
    add("production-capacity", finding_severity::warning,
        "production use needs at least 4 vCPU and 14 GB of memory; the cluster has " +
            format_number(*f.allocatable_cpu_cores) + " vCPU and " + format_number(*f.allocatable_memory_gib) + " GB",
        "add nodes or use a larger VM size (fine as is for development and testing)");

  if (inference && s.inference_router_service_type == router_service_type::load_balancer && !aks) {
    if (f.load_balancer_provisioned != true)
      add("load-balancer-unavailable", f.load_balancer_provisioned == false ? finding_severity::error : finding_severity::warning,
          f.load_balancer_provisioned == false
              ? "no LoadBalancer service in the cluster has an address: the cluster cannot provision load balancers "
                "(the health check fails with E40001)"
              : "most on-premises clusters cannot provision a LoadBalancer service and this one could not be checked",
          "use inferenceRouterServiceType=NodePort (or ClusterIP with your own ingress), or install a load balancer such as MetalLB");
  }
  if (inference && !aks && s.internal_load_balancer_provider) {
    add("internal-load-balancer-not-aks", finding_severity::error,
        "internalLoadBalancerProvider only works on AKS (the health check fails with E40003)",
        "remove internalLoadBalancerProvider");
  }
  if (!f.legacy_azureml_fe.empty()) {
    std::string list;
    for (const auto& o : f.legacy_azureml_fe) list += (list.empty() ? "" : ", ") + o;
    add("legacy-azureml-fe", finding_severity::error,
        "legacy AKS v1 inference resources are present (" + list +
            "); the health check fails with E45004/E45005",
        "delete the legacy azureml-fe service account, cluster role and binding, services, deployment, secret and config map");
  }
  if (f.azureml_namespace_terminating == true)
    add("azureml-namespace-terminating", finding_severity::error,
        "namespace azureml is still being deleted from an earlier uninstall",
        "wait until the namespace is gone, then install");
  return out;
}

bool preflight_report::ok() const noexcept {
  return std::none_of(findings.begin(), findings.end(),
                      [](const preflight_finding& f) { return f.severity == finding_severity::error; });
}

std::string preflight_report::to_string() const {
  if (findings.empty()) return "preflight: no findings\n";
  std::string out;
  for (const auto& f : findings)
    out += pad(std::string(model::to_string(f.severity)), 8) + f.id + ": " + f.message + "\n        fix: " + f.fix + "\n";
  return out;
}

}  // namespace amlk8s::model
