// Kubernetes computes: an AKS or Arc cluster attached to an AzureML workspace as
// `computeType: Kubernetes` (contracts/aml-workspace-and-auth.md §1, §3.1-3.3), what
// `az ml compute attach --type Kubernetes` and azure-ai-ml's `begin_create_or_update(KubernetesCompute)`
// do, with the checks made before anything is sent.
//
//   amlk8s::model::computes_client computes(arm, workspace_id);
//   amlk8s::model::kubernetes_compute c;
//   c.name = "k8s-compute";
//   c.cluster = cluster_id;
//   c.namespace_name = "default";
//   auto attached = computes.attach(c, {.k8s = &k8s});   // checks, PUT, wait
//   computes.detach("k8s-compute");                        // underlyingResourceAction=Detach
//
// Async forms take any Asio completion token and complete on the ARM client's executor; blocking
// forms throw amlk8s::error.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/detail/initiate.hpp>
#include <amlk8s/model/instance_type.hpp>

#include <boost/json/value.hpp>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// The identity a compute's pods use (§1.4).
struct compute_identity {
  /// "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned" or "None".
  std::string type = "SystemAssigned";
  /// ARM ids of user-assigned identities. For a Kubernetes compute only the first is used (§1.4):
  /// validate() warns when more are given.
  std::vector<std::string> user_assigned_identities;
  /// Read-only: the system identity's principal and tenant.
  std::string principal_id;
  std::string tenant_id;

  friend bool operator==(const compute_identity&, const compute_identity&) = default;
};

/// A Kubernetes compute: the attach request and, once read back, what the service reports.
struct kubernetes_compute {
  std::string name;
  /// The attached cluster (properties.resourceId): managedClusters or connectedClusters.
  resource_id cluster;
  /// Where jobs and deployments run (properties.properties.namespace); must exist in the cluster.
  std::string namespace_name = "default";
  std::string description;
  /// Empty: the workspace's location (azure-ai-ml fills it from the workspace).
  std::string location;
  std::map<std::string, std::string> tags;
  std::optional<compute_identity> identity;

  // Read-only, set when read from the service.
  std::string id;
  std::string provisioning_state;
  /// The first of properties.provisioningErrors, as azure-ai-ml surfaces it.
  std::string provisioning_error_code;
  std::string provisioning_error_message;
  std::string created_on;
  std::string modified_on;
  /// properties.properties.defaultInstanceType and instanceTypes (§3.3).
  std::string default_instance_type;
  std::map<std::string, instance_type> instance_types;
  std::string extension_release_train;
  /// The compute type as the service reports it ("Kubernetes"; other types are read but not attachable).
  std::string compute_type = "Kubernetes";

  /// Problems that would make the attach fail, each naming the field and the fix: the name
  /// (a letter, then letters, digits and '-', 2 to 16 characters), the cluster id (a managedClusters
  /// or connectedClusters resource), the namespace (a DNS-1123 label), the identity type.
  std::vector<validation_issue> validate() const;
  /// Warnings that do not stop the attach (several user-assigned identities: only the first is used).
  std::vector<std::string> warnings() const;

  /// The PUT body (§1.3): location, identity, tags, properties{computeType, resourceId, description,
  /// properties{namespace}}.
  boost::json::value to_json() const;
  /// Reads a ComputeResource (§1.3, §1.5). Unknown members are ignored; a wrong type throws
  /// amlk8s::error naming its path.
  static kubernetes_compute from_json(const boost::json::value& body);

  /// The instance type `name` resolves to on this compute: the named entry of instance_types, or,
  /// for `defaultinstancetype` (or an empty name) when the service listed none, the virtual default.
  std::optional<instance_type> find_instance_type(std::string_view name) const;

  bool succeeded() const noexcept;
  friend bool operator==(const kubernetes_compute&, const kubernetes_compute&) = default;
};

/// One line per field, for people.
std::string to_string(const kubernetes_compute& c);
std::ostream& operator<<(std::ostream& os, const kubernetes_compute& c);

/// What attach checks besides the compute itself.
struct attach_options {
  /// Read the cluster and its extensions first: the cluster exists, the AzureML extension is
  /// installed and Succeeded, with training or inference enabled.
  bool check_cluster = true;
  /// The cluster's Kubernetes API: when given, the namespace must exist (attach itself neither
  /// creates nor checks it, and jobs fail later when it is missing).
  const kube::client* k8s = nullptr;
};

/// How a compute leaves the workspace (§1.7).
enum class detach_action {
  detach,  ///< only the workspace association goes; cluster, extension and namespace stay (default)
  delete_, ///< also deletes the underlying resource (meaningful for AzureML-created computes)
};

/// Computes of one workspace.
class computes_client {
 public:
  /// A client for `workspace` (a Microsoft.MachineLearningServices/workspaces id) sending through
  /// `arm`, which must outlive it and its operations. Throws amlk8s::error when `workspace` is not
  /// a workspace id.
  computes_client(arm::client& arm, resource_id workspace);

  const resource_id& workspace() const noexcept { return workspace_; }
  /// `{workspace}/computes/{name}`.
  resource_id compute_id(std::string_view name) const;

  /// Checks (see attach_options), then PUTs the compute; completes with the operation's poller.
  /// Bad input completes with errc::invalid_argument and diag.validation before any request; a
  /// failed cluster check with errc::failed_precondition and the fix in diag.validation.
  template <class CompletionToken>
  auto async_begin_attach(kubernetes_compute compute, attach_options options, diagnostics& diag,
                          CompletionToken&& token) const {
    return detail::initiate<arm::poller>(token, [this, &diag, c = std::move(compute), options](auto h) mutable {
      async_begin_attach_erased(std::move(c), options, diag, std::move(h));
    });
  }
  arm::poller begin_attach(const kubernetes_compute& compute, const attach_options& options = {}) const;
  /// Attaches and waits; the compute as the service reports it (instance types included).
  kubernetes_compute attach(const kubernetes_compute& compute, const attach_options& options = {}) const;

  template <class CompletionToken>
  auto async_get(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<kubernetes_compute>(
        token, [this, &diag, n = std::move(name)](auto h) mutable { async_get_erased(std::move(n), diag, std::move(h)); });
  }
  kubernetes_compute get(std::string_view name) const;

  /// Every compute of the workspace (all pages); `kubernetes_only` keeps computeType Kubernetes (§1.8).
  template <class CompletionToken>
  auto async_list(bool kubernetes_only, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<std::vector<kubernetes_compute>>(
        token, [this, &diag, kubernetes_only](auto h) { async_list_erased(kubernetes_only, diag, std::move(h)); });
  }
  std::vector<kubernetes_compute> list(bool kubernetes_only = true) const;

  /// DELETE with underlyingResourceAction; completes with the poller (done at once for a 200/204).
  template <class CompletionToken>
  auto async_begin_detach(std::string name, detach_action action, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<arm::poller>(token, [this, &diag, n = std::move(name), action](auto h) mutable {
      async_begin_detach_erased(std::move(n), action, diag, std::move(h));
    });
  }
  arm::poller begin_detach(std::string_view name, detach_action action = detach_action::detach) const;
  /// Detaches and waits.
  void detach(std::string_view name, detach_action action = detach_action::detach) const;

  // The type-erased operations behind the templates.
  void async_begin_attach_erased(kubernetes_compute compute, attach_options options, diagnostics& diag,
                                 detail::handler<arm::poller> h) const;
  void async_get_erased(std::string name, diagnostics& diag, detail::handler<kubernetes_compute> h) const;
  void async_list_erased(bool kubernetes_only, diagnostics& diag,
                         detail::handler<std::vector<kubernetes_compute>> h) const;
  void async_begin_detach_erased(std::string name, detach_action action, diagnostics& diag,
                                 detail::handler<arm::poller> h) const;

 private:
  arm::client* arm_;
  resource_id workspace_;
};

/// Throws amlk8s::error (errc::invalid_argument) unless `id` is a Microsoft.MachineLearningServices
/// workspace id; `field` names the argument in the message.
void require_workspace_id(const resource_id& id, std::string_view field = "workspace");

}  // namespace amlk8s::model
