// Fit analysis, the sans-I/O core: node views from Node and Pod JSON, an instance type as a pod
// (contracts/kubernetes.md §1.4), and kube-scheduler's filter phase for it (§4.4). The reason
// strings and the message format are the scheduler's own; see include/amlk8s/model/fit.hpp.
#include <amlk8s/model/fit.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace amlk8s::model {
namespace {

constexpr std::string_view not_ready_taint = "node.kubernetes.io/not-ready";
constexpr std::string_view unreachable_taint = "node.kubernetes.io/unreachable";
constexpr std::string_view unschedulable_taint = "node.kubernetes.io/unschedulable";

constexpr std::string_view reason_unschedulable = "node(s) were unschedulable";
constexpr std::string_view reason_selector = "node(s) didn't match Pod's node affinity/selector";
constexpr std::string_view reason_too_many_pods = "Too many pods";
constexpr std::string_view preemption_not_helpful = "Preemption is not helpful for scheduling";
constexpr std::string_view preemption_no_victims = "No preemption victims found for incoming pod";

const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const boost::json::array* array_at(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  const auto* v = o->if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

std::string string_at(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return {};
  const auto* v = o->if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

quantity parse_amount(const boost::json::value& v, std::string_view where) {
  try {
    return boost::json::value_to<quantity>(v);
  } catch (const error& e) {
    throw error(errc::invalid_argument, std::string(where) + ": " + e.what());
  }
}

using quantities = std::map<std::string, quantity>;

quantities quantities_of(const boost::json::object* list, std::string_view where) {
  quantities out;
  if (list == nullptr) return out;
  for (const auto& [k, v] : *list) out[std::string(k)] = parse_amount(v, std::string(where) + "." + std::string(k));
  return out;
}

// A container's requests after API server defaulting: a limit stands in for a missing request.
quantities container_requests(const boost::json::value& container, std::string_view where) {
  const auto* c = container.if_object();
  const auto* res = c != nullptr ? object_at(*c, "resources") : nullptr;
  if (res == nullptr) return {};
  auto out = quantities_of(object_at(*res, "requests"), std::string(where) + ".resources.requests");
  for (auto& [k, v] : quantities_of(object_at(*res, "limits"), std::string(where) + ".resources.limits"))
    out.try_emplace(k, std::move(v));
  return out;
}

void add(quantities& into, const quantities& more) {
  for (const auto& [k, v] : more) into[k] += v;
}

void raise_to(quantities& into, const quantities& other) {
  for (const auto& [k, v] : other) {
    auto [it, inserted] = into.try_emplace(k, v);
    if (!inserted && it->second < v) it->second = v;
  }
}

resource_amounts to_amounts(const quantities& q) {
  resource_amounts out;
  for (const auto& [k, v] : q) out[k] = scheduler_amount(k, v);
  return out;
}

bool is_restartable(const boost::json::value& container) {
  const auto* c = container.if_object();
  return c != nullptr && string_at(c, "restartPolicy") == "Always";
}

std::int64_t amount_of(const resource_amounts& a, const std::string& name) {
  auto it = a.find(name);
  return it == a.end() ? 0 : it->second;
}

// The first NoSchedule or NoExecute taint no toleration tolerates (FindMatchingUntoleratedTaint).
const taint* untolerated(const std::vector<taint>& taints, const std::vector<toleration>& tolerations) {
  for (const auto& x : taints) {
    if (x.effect != "NoSchedule" && x.effect != "NoExecute") continue;
    if (std::none_of(tolerations.begin(), tolerations.end(), [&](const toleration& t) { return tolerates(t, x); })) return &x;
  }
  return nullptr;
}

bool matches_selector(const pod_settings& pod, const node_view& node) {
  return std::all_of(pod.node_selector.begin(), pod.node_selector.end(), [&](const auto& kv) {
    auto it = node.labels.find(kv.first);
    return it != node.labels.end() && it->second == kv.second;
  });
}

// NodeResourcesFit's fitsRequest: its reasons, in its order (pods, cpu, memory,
// ephemeral-storage, then the others by name).
std::vector<std::string> insufficient(const resource_amounts& request, const resource_amounts& allocatable,
                                      const resource_amounts& requested, std::size_t pod_count) {
  std::vector<std::string> out;
  if (static_cast<std::int64_t>(pod_count) + 1 > amount_of(allocatable, "pods")) out.emplace_back(reason_too_many_pods);
  auto check = [&](const std::string& name) {
    auto want = amount_of(request, name);
    if (want > 0 && want > amount_of(allocatable, name) - amount_of(requested, name)) out.push_back("Insufficient " + name);
  };
  for (const char* name : {"cpu", "memory", "ephemeral-storage"}) check(name);
  for (const auto& [name, amount] : request)
    if (name != "cpu" && name != "memory" && name != "ephemeral-storage" && name != "pods") check(name);
  return out;
}

resource_amounts sum_requests(const std::vector<pod_usage>& pods, std::int32_t below_priority = std::numeric_limits<std::int32_t>::max(),
                              bool keep_lower = true) {
  resource_amounts out;
  for (const auto& p : pods) {
    if (!keep_lower && p.priority < below_priority) continue;
    for (const auto& [k, v] : p.requests) out[k] += v;
  }
  return out;
}

}  // namespace

std::int64_t scheduler_amount(std::string_view name, const quantity& q) noexcept {
  return name == "cpu" ? q.milli_value() : q.value();
}

bool tolerates(const toleration& t, const taint& x) noexcept {
  if (!t.effect.empty() && t.effect != x.effect) return false;
  if (!t.key.empty() && t.key != x.key) return false;
  if (t.op.empty() || t.op == "Equal") return t.value == x.value;
  return t.op == "Exists";
}

resource_amounts pod_requests(const boost::json::value& pod_spec) {
  const auto* spec = pod_spec.if_object();
  if (spec == nullptr) return {};
  quantities sum;
  if (const auto* containers = array_at(spec, "containers"))
    for (std::size_t i = 0; i < containers->size(); ++i)
      add(sum, container_requests((*containers)[i], "spec.containers[" + std::to_string(i) + "]"));
  // Init containers run one at a time; restartable ones (sidecars) keep running beside the rest.
  quantities init_max, sidecars;
  if (const auto* inits = array_at(spec, "initContainers"))
    for (std::size_t i = 0; i < inits->size(); ++i) {
      auto r = container_requests((*inits)[i], "spec.initContainers[" + std::to_string(i) + "]");
      if (is_restartable((*inits)[i])) {
        add(sum, r);
        add(sidecars, r);
        raise_to(init_max, sidecars);
      } else {
        add(r, sidecars);
        raise_to(init_max, r);
      }
    }
  raise_to(sum, init_max);
  add(sum, quantities_of(object_at(*spec, "overhead"), "spec.overhead"));
  return to_amounts(sum);
}

resource_amounts node_view::requested() const { return sum_requests(pods); }

resource_amounts node_view::free() const {
  auto used = requested();
  resource_amounts out;
  for (const auto& [k, v] : allocatable) out[k] = v - amount_of(used, k);
  return out;
}

node_view node_view::from_json(const boost::json::value& node) {
  const auto* o = node.if_object();
  const auto* meta = o != nullptr ? object_at(*o, "metadata") : nullptr;
  node_view v;
  v.name = string_at(meta, "name");
  if (v.name.empty()) throw error(errc::invalid_argument, "node_view::from_json: not a Node object with metadata.name");
  if (const auto* labels = meta != nullptr ? object_at(*meta, "labels") : nullptr)
    for (const auto& [k, val] : *labels)
      if (val.is_string()) v.labels[std::string(k)] = std::string(val.get_string());
  const auto* spec = object_at(*o, "spec");
  if (const auto* taints = array_at(spec, "taints"))
    for (const auto& t : *taints)
      if (const auto* to = t.if_object()) v.taints.push_back({string_at(to, "key"), string_at(to, "value"), string_at(to, "effect")});
  if (spec != nullptr)
    if (const auto* u = spec->if_contains("unschedulable"); u != nullptr && u->is_bool()) v.unschedulable = u->get_bool();
  const auto* status = object_at(*o, "status");
  const auto* alloc = status != nullptr ? object_at(*status, "allocatable") : nullptr;
  if (alloc == nullptr && status != nullptr) alloc = object_at(*status, "capacity");
  v.allocatable = to_amounts(quantities_of(alloc, "node " + v.name + " status.allocatable"));
  std::string ready = "Unknown-absent";
  if (const auto* conditions = array_at(status, "conditions"))
    for (const auto& c : *conditions)
      if (const auto* co = c.if_object(); co != nullptr && string_at(co, "type") == "Ready") ready = string_at(co, "status");
  v.ready = ready == "True";
  if (!v.ready) {
    // What the node lifecycle controller taints such a node with.
    std::string key(ready == "Unknown" ? unreachable_taint : not_ready_taint);
    bool present = std::any_of(v.taints.begin(), v.taints.end(), [&](const taint& t) { return t.key == key && t.effect == "NoSchedule"; });
    if (!present) v.taints.push_back({key, "", "NoSchedule"});
  }
  return v;
}

std::vector<node_view> node_views(const boost::json::array& nodes, const boost::json::array& pods) {
  std::vector<node_view> out;
  std::map<std::string, std::size_t> index;
  for (const auto& n : nodes) {
    out.push_back(node_view::from_json(n));
    index[out.back().name] = out.size() - 1;
  }
  for (const auto& p : pods) {
    const auto* o = p.if_object();
    if (o == nullptr) continue;
    const auto* spec = object_at(*o, "spec");
    auto it = index.find(string_at(spec, "nodeName"));
    if (it == index.end()) continue;
    auto phase = string_at(object_at(*o, "status"), "phase");
    if (phase == "Succeeded" || phase == "Failed") continue;
    const auto* meta = object_at(*o, "metadata");
    pod_usage u;
    u.ns = string_at(meta, "namespace");
    u.name = string_at(meta, "name");
    if (const auto* prio = spec->if_contains("priority"); prio != nullptr && prio->is_int64())
      u.priority = static_cast<std::int32_t>(prio->get_int64());
    u.requests = pod_requests(o->at("spec"));
    out[it->second].pods.push_back(std::move(u));
  }
  return out;
}

// ---- an instance type as a pod, and the filter ------------------------------------------------------

pod_settings effective_pod_settings(const instance_type& type, const fit_options& options) {
  pod_settings pod;
  for (const auto& kv : options.extension_node_selector) pod.node_selector.push_back(kv);
  for (const auto& [k, v] : type.node_selector) {
    bool same = false;
    for (const auto& [ek, ev] : options.extension_node_selector) same = same || (ek == k && ev == v);
    if (!same) pod.node_selector.emplace_back(k, v);
  }
  std::sort(pod.node_selector.begin(), pod.node_selector.end());
  if (options.azureml_tolerations) {
    auto add_toleration = [&](std::string key, std::string value) {
      toleration t;
      t.key = std::move(key);
      t.value = std::move(value);
      pod.tolerations.push_back(std::move(t));
    };
    add_toleration("ml.azure.com/amlarc", "true");
    add_toleration("ml.azure.com/amlarc-workload", "true");
    if (!options.context.resource_group.empty()) add_toleration("ml.azure.com/resource-group", options.context.resource_group);
    if (!options.context.workspace.empty()) add_toleration("ml.azure.com/workspace", options.context.workspace);
    if (!options.context.compute.empty()) add_toleration("ml.azure.com/compute", options.context.compute);
  }
  pod.tolerations.insert(pod.tolerations.end(), type.tolerations.begin(), type.tolerations.end());
  // Requests, with a limit standing in for a missing request (§4.3: how the GPU gets its request).
  quantities requests = type.requests;
  for (const auto& [k, v] : type.limits) requests.try_emplace(k, v);
  for (const auto& [k, v] : requests)
    if (auto amount = scheduler_amount(k, v); amount > 0) pod.requests[k] = amount;
  return pod;
}

std::string_view to_string(fit_status s) noexcept {
  switch (s) {
    case fit_status::fits: return "fits";
    case fit_status::unschedulable: return "unschedulable";
    case fit_status::untolerated_taint: return "untolerated_taint";
    case fit_status::node_selector: return "node_selector";
    case fit_status::insufficient: return "insufficient";
  }
  return "fits";
}

node_fit fit_node(const pod_settings& pod, const node_view& node, std::int32_t priority) {
  node_fit r;
  r.node = node.name;
  const auto requested = node.requested();
  r.free = node.free();
  // NodeUnschedulable: a cordoned node, unless the pod tolerates its taint.
  if (node.unschedulable) {
    const taint cordon{std::string(unschedulable_taint), "", "NoSchedule"};
    if (std::none_of(pod.tolerations.begin(), pod.tolerations.end(), [&](const toleration& t) { return tolerates(t, cordon); })) {
      r.status = fit_status::unschedulable;
      r.reasons.emplace_back(reason_unschedulable);
    }
  }
  if (r.status == fit_status::fits)
    if (const auto* t = untolerated(node.taints, pod.tolerations)) {
      r.status = fit_status::untolerated_taint;
      r.reasons.push_back("node(s) had untolerated taint {" + t->key + ": " + t->value + "}");
    }
  if (r.status == fit_status::fits && !matches_selector(pod, node)) {
    r.status = fit_status::node_selector;
    r.reasons.emplace_back(reason_selector);
  }
  if (r.status == fit_status::fits) {
    r.reasons = insufficient(pod.requests, node.allocatable, requested, node.pods.size());
    if (!r.reasons.empty()) r.status = fit_status::insufficient;
  }
  if (r.status != fit_status::fits) {
    // Default preemption: unresolvable reasons are not helped by evicting anything; otherwise
    // evict every pod of lower priority and filter again.
    if (r.status != fit_status::insufficient) {
      r.preemption.emplace_back(preemption_not_helpful);
    } else {
      std::size_t kept = 0;
      for (const auto& p : node.pods) kept += p.priority < priority ? 0 : 1;
      if (kept == node.pods.size())
        r.preemption.emplace_back(preemption_no_victims);
      else
        r.preemption = insufficient(pod.requests, node.allocatable, sum_requests(node.pods, priority, false), kept);
    }
    return r;
  }
  std::int64_t n = amount_of(node.allocatable, "pods") - static_cast<std::int64_t>(node.pods.size());
  for (const auto& [name, want] : pod.requests) {
    if (name == "pods" || want <= 0) continue;
    n = std::min(n, std::max<std::int64_t>(0, amount_of(r.free, name)) / want);
  }
  r.instances = std::max<std::int64_t>(0, n);
  return r;
}

bool type_fit::fits() const noexcept {
  return std::any_of(nodes.begin(), nodes.end(), [](const node_fit& n) { return n.status == fit_status::fits && n.instances > 0; });
}

std::int64_t type_fit::total_instances() const noexcept {
  std::int64_t total = 0;
  for (const auto& n : nodes) total += n.instances;
  return total;
}

namespace {

// "<count> <reason>" for each distinct reason, sorted as strings (the scheduler's sort.Strings).
std::string histogram(const std::vector<node_fit>& nodes, std::vector<std::string> node_fit::*field) {
  std::map<std::string, int> counts;
  for (const auto& n : nodes)
    for (const auto& reason : n.*field) ++counts[reason];
  std::vector<std::string> items;
  for (const auto& [reason, count] : counts) items.push_back(std::to_string(count) + " " + reason);
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string type_fit::scheduler_message(bool with_preemption) const {
  if (fits()) return {};
  if (nodes.empty()) return "no nodes available to schedule pods";
  const std::string head = "0/" + std::to_string(nodes.size()) + " nodes are available:";
  std::string out = head;
  if (auto h = histogram(nodes, &node_fit::reasons); !h.empty()) out += " " + h + ".";
  bool candidate = std::any_of(nodes.begin(), nodes.end(),
                               [](const node_fit& n) { return n.status != fit_status::fits && n.preemption.empty(); });
  if (with_preemption && !candidate) out += " preemption: " + head + " " + histogram(nodes, &node_fit::preemption) + ".";
  return out;
}

type_fit analyze(const instance_type& type, const std::vector<node_view>& nodes, const fit_options& options) {
  type_fit out;
  out.instance_type = type.name;
  out.pod = effective_pod_settings(type, options);
  for (const auto& n : nodes) out.nodes.push_back(fit_node(out.pod, n, options.priority));
  return out;
}

const type_fit* fit_table::find(std::string_view type) const noexcept {
  for (const auto& t : types)
    if (t.instance_type == type) return &t;
  return nullptr;
}

fit_table analyze_cluster(const std::vector<instance_type>& types, const std::vector<node_view>& nodes,
                          const fit_options& options) {
  fit_table table;
  for (const auto& n : nodes) table.nodes.push_back(n.name);
  for (const auto& t : types) table.types.push_back(analyze(t, nodes, options));
  return table;
}

}  // namespace amlk8s::model
