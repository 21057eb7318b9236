// Fit analysis: which nodes of a cluster can run an instance type's pod now, how many instances
// fit on each, and why not, in kube-scheduler's words. Contract: contracts/kubernetes.md §1.4 (what
// the extension makes of an instance type) and §4.4 (the scheduler's filter phase, simplified).
//
// The core is sans-I/O: build node_view values from core/v1 Node and Pod JSON, then analyze().
// fit_analyzer does the reading (nodes, and pods in all namespaces) over a kube::client.
//
//   amlk8s::model::fit_analyzer fit(k8s);
//   auto table = fit.analyze({gpu_type, cpu_type});   // every type against every node
//   std::cout << table.to_string();
//   for (const auto& t : table.types) if (!t.fits()) std::cout << t.scheduler_message() << "\n";
//
// The scheduler's behaviour reproduced here (kubernetes/kubernetes pkg/scheduler, v1.28 to v1.34):
//  - Filter plugins run in the default profile's order and a node stops at the first that fails:
//    NodeUnschedulable ("node(s) were unschedulable"), TaintToleration ("node(s) had untolerated
//    taint {key: value}", the first untolerated NoSchedule/NoExecute taint), NodeAffinity
//    ("node(s) didn't match Pod's node affinity/selector"), NodeResourcesFit ("Too many pods",
//    then "Insufficient cpu", "Insufficient memory", "Insufficient <extended resource>", every one
//    that applies).
//  - A node that is not Ready is treated as carrying the taint the node lifecycle controller adds
//    (node.kubernetes.io/not-ready, or node.kubernetes.io/unreachable when the condition is
//    Unknown, effect NoSchedule) unless the node already lists it.
//  - The message (framework FitError.Error()): "0/<N> nodes are available: " then "<count> <reason>"
//    for each distinct reason counted over nodes, sorted as plain strings (so "10 X" sorts before
//    "2 Y"), joined with ", ", then "."; then " preemption: 0/<N> nodes are available: ...", the
//    default preemption plugin's own histogram ("Preemption is not helpful for scheduling" for
//    nodes that failed for an unresolvable reason, "No preemption victims found for incoming pod"
//    when no pod of lower priority runs there). Newer releases no longer double the final period.
//  - Amounts are the scheduler's integers: CPU in millicores (MilliValue), everything else in
//    whole units (Value, rounded up).
// Not modelled: node affinity expressions, pod-level resources, overhead from a RuntimeClass
// (spec.overhead is counted when present), host ports, volumes, topology spread, inter-pod
// affinity, DRA, ephemeral-storage requests of the instance type (counted if given).
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/instance_type.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::model {

/// Resource amounts in the scheduler's units: "cpu" in millicores, "memory" in bytes, "pods" and
/// extended resources ("nvidia.com/gpu") in whole units.
using resource_amounts = std::map<std::string, std::int64_t>;

/// The scheduler's amount of `q` for resource `name`: millis for cpu, whole units rounded up otherwise.
std::int64_t scheduler_amount(std::string_view name, const quantity& q) noexcept;

/// A core/v1 Taint.
struct taint {
  std::string key;
  std::string value;
  std::string effect;  ///< "NoSchedule", "PreferNoSchedule" or "NoExecute"

  friend bool operator==(const taint&, const taint&) = default;
};

/// Whether `t` tolerates `x` (core/v1 ToleratesTaint): equal keys or an empty key with Exists;
/// Exists, or Equal with equal values; equal effects or an empty toleration effect.
bool tolerates(const toleration& t, const taint& x) noexcept;

/// What a non-terminated pod bound to a node takes from it.
struct pod_usage {
  std::string ns;
  std::string name;
  std::int32_t priority = 0;    ///< spec.priority (0 when absent)
  resource_amounts requests;    ///< the scheduler's pod request (see pod_requests)
};

/// The scheduler's request of a pod spec (core/v1 PodSpec JSON): per resource,
/// max(Σ app containers + Σ restartable init containers, max over init containers of the
/// container plus the restartable ones started before it) + spec.overhead. A container's limit
/// counts as its request when the request is missing (API server defaulting). Throws
/// amlk8s::error (errc::invalid_argument) for a quantity that does not parse.
resource_amounts pod_requests(const boost::json::value& pod_spec);

/// A node as the scheduler filters it.
struct node_view {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<taint> taints;       ///< spec.taints, plus the not-ready taint (see the file comment)
  resource_amounts allocatable;    ///< status.allocatable (else status.capacity)
  bool ready = true;               ///< the Ready condition is True
  bool unschedulable = false;      ///< spec.unschedulable (cordoned)
  std::vector<pod_usage> pods;     ///< non-terminated pods bound to the node

  /// Σ of the pods' requests.
  resource_amounts requested() const;
  /// allocatable − requested for every allocatable resource (may be negative).
  resource_amounts free() const;

  /// A view of a core/v1 Node object (no pods). Throws amlk8s::error (errc::invalid_argument)
  /// for an object that is not a Node with a name, or an allocatable that does not parse.
  static node_view from_json(const boost::json::value& node);
};

/// Node views of `nodes` (Node objects) with `pods` (Pod objects, any namespace) assigned to them
/// by spec.nodeName; pods in phase Succeeded or Failed and pods bound to no listed node are skipped.
std::vector<node_view> node_views(const boost::json::array& nodes, const boost::json::array& pods);

/// Who the AzureML pod is, for the extension's own tolerations (§1.4).
struct azureml_context {
  std::string resource_group;  ///< ml.azure.com/resource-group=<rg>, when not empty
  std::string workspace;       ///< ml.azure.com/workspace=<ws>, when not empty
  std::string compute;         ///< ml.azure.com/compute=<compute>, when not empty
};

/// How an instance type is turned into a pod and analyzed.
struct fit_options {
  /// The extension-level nodeSelector (config settings `nodeSelector.key=value`), merged with the type's.
  std::map<std::string, std::string> extension_node_selector;
  /// Add the tolerations AzureML gives its workload pods: ml.azure.com/amlarc=true and
  /// ml.azure.com/amlarc-workload=true, plus those of `context` (Equal, any effect).
  bool azureml_tolerations = true;
  azureml_context context;
  /// Priority of the analyzed pod; pods of lower priority are what preemption could evict.
  std::int32_t priority = 0;
};

/// The pod the extension makes of an instance type, as far as scheduling goes.
struct pod_settings {
  /// Extension ∪ type nodeSelector; a key given with two different values appears twice (no node
  /// can match both).
  std::vector<std::pair<std::string, std::string>> node_selector;
  std::vector<toleration> tolerations;  ///< AzureML's own, then the type's
  resource_amounts requests;            ///< non-zero requests; a limit without a request counts (GPU)
};

/// §1.4: `type` as a pod. Throws nothing.
pod_settings effective_pod_settings(const instance_type& type, const fit_options& options = {});

/// Where the filter stopped for one node.
enum class fit_status {
  fits,               ///< all filters pass
  unschedulable,      ///< NodeUnschedulable
  untolerated_taint,  ///< TaintToleration
  node_selector,      ///< NodeAffinity
  insufficient,       ///< NodeResourcesFit
};

/// "fits", "unschedulable", "untolerated_taint", "node_selector" or "insufficient".
std::string_view to_string(fit_status s) noexcept;

/// One node's answer for one pod.
struct node_fit {
  std::string node;
  fit_status status = fit_status::fits;
  /// The scheduler's reasons (empty when it fits): one, or several "Too many pods"/"Insufficient ...".
  std::vector<std::string> reasons;
  /// How many such pods fit now: min over requested resources of ⌊free / request⌋ and over the
  /// free pod slots; 0 unless status is fits.
  std::int64_t instances = 0;
  /// allocatable − requested on the node before this pod.
  resource_amounts free;
  /// The preemption plugin's word for this node when it does not fit: "Preemption is not helpful
  /// for scheduling", "No preemption victims found for incoming pod", or the filter's reasons once
  /// every lower-priority pod is gone; empty when evicting those would make room (or when it fits).
  std::vector<std::string> preemption;
};

/// One instance type against every node.
struct type_fit {
  std::string instance_type;
  pod_settings pod;
  std::vector<node_fit> nodes;  ///< in the order of the nodes analyzed

  /// Whether at least one node can take one instance now.
  bool fits() const noexcept;
  /// Σ instances over the nodes.
  std::int64_t total_instances() const noexcept;
  /// Empty when fits(); otherwise the scheduler's FailedScheduling message, e.g. "0/3 nodes are
  /// available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector.
  /// preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2
  /// Preemption is not helpful for scheduling." The preemption part is left out when
  /// `with_preemption` is false or when evicting lower-priority pods would make room.
  std::string scheduler_message(bool with_preemption = true) const;
};

/// The filter for one pod on one node.
node_fit fit_node(const pod_settings& pod, const node_view& node, std::int32_t priority = 0);
/// `type` against `nodes`.
type_fit analyze(const instance_type& type, const std::vector<node_view>& nodes, const fit_options& options = {});

/// Every instance type against every node.
struct fit_table {
  std::vector<std::string> nodes;  ///< column order
  std::vector<type_fit> types;     ///< row order

  /// The row of `type`, or nullptr.
  const type_fit* find(std::string_view type) const noexcept;
  /// A text table: one row per type, one column per node ("N" instances, or the reasons), a
  /// TOTAL column, then the scheduler message of each type that fits nowhere.
  std::string to_string() const;
  /// The same as an HTML <table> (for a notebook's _repr_html_); text is escaped.
  std::string to_html() const;
};

/// Every type in `types` against `nodes`.
fit_table analyze_cluster(const std::vector<instance_type>& types, const std::vector<node_view>& nodes,
                          const fit_options& options = {});

/// Fit analysis over a cluster's Kubernetes API: lists nodes and pods (all namespaces), then runs
/// the analysis. Async forms complete on the client's executor; blocking forms throw amlk8s::error
/// and must not run on that executor's thread.
class fit_analyzer {
 public:
  using nodes_signature = void(error_code, std::vector<node_view>);
  using table_signature = void(error_code, fit_table);

  /// An analyzer reading through `k8s`, which must outlive it and its operations.
  explicit fit_analyzer(const kube::client& k8s, fit_options options = {});

  const fit_options& options() const noexcept { return options_; }

  /// Lists nodes and pods and builds the node views.
  template <class CompletionToken>
  auto async_nodes(diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, nodes_signature>(
        [this, &diag](auto h) { async_nodes_erased(diag, std::move(h)); }, token);
  }
  /// Lists nodes and pods, then analyzes every type against every node.
  template <class CompletionToken>
  auto async_analyze(std::vector<instance_type> types, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, table_signature>(
        [this, &diag](auto h, std::vector<instance_type> t) { async_analyze_erased(std::move(t), diag, std::move(h)); },
        token, std::move(types));
  }

  /// Blocking forms.
  std::vector<node_view> nodes() const;
  fit_table analyze(const std::vector<instance_type>& types) const;
  type_fit analyze(const instance_type& type) const;

  // The type-erased operations behind the templates.
  void async_nodes_erased(diagnostics& diag, boost::asio::any_completion_handler<nodes_signature> handler) const;
  void async_analyze_erased(std::vector<instance_type> types, diagnostics& diag,
                            boost::asio::any_completion_handler<table_signature> handler) const;

 private:
  const kube::client* k8s_;
  fit_options options_;
};

}  // namespace amlk8s::model
