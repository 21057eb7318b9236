// The in-cluster side of the AzureML extension in the local control plane: what the extension agent
// and the Microsoft.AzureML.Kubernetes Helm chart do to a simulated cluster when a
// `Microsoft.KubernetesConfiguration/extensions` resource of type `microsoft.azureml.kubernetes` is
// created, updated or deleted (contracts/arm-extensions.md §1.6, §2.10, §3 items 1, 3, 4, 10;
// contracts/kubernetes.md §1.6). The components come from the SDK's table
// (amlk8s/model/azureml_components.hpp), so what the agent installs is what verification expects.
//
// What happens, per ARM operation on an AzureML extension:
//  - PUT/PATCH starts: refused at once when namespace `azureml` is terminating (§3 item 10).
//  - PUT/PATCH completes: the health check (§2.10) runs as the `pre-install` hook (no release yet)
//    or `pre-upgrade` (a release exists) and writes its report to ConfigMap `arcml-healthcheck`;
//    a failed check ends the operation `Failed` (`ExtensionOperationFailed`, the Helm hook text)
//    and changes nothing else. Otherwise the release is reconciled: every expected component
//    becomes a ready Deployment/DaemonSet/StatefulSet with Running pods on nodes that match the
//    `nodeSelector.*` settings, components no longer expected go away, a Helm release record
//    Secret is written, and the extension gets `statuses[]`.
//  - DELETE starts: the `pre-delete` report is written, the components and their pods go, and
//    namespace `azureml` turns Terminating. DELETE completes: the namespace is gone.
//  - forceDelete (or the cluster's removal): the components and the namespace go at once.
// Extensions of other types are left alone.
#pragma once

#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/cluster_spec.hpp>
#include <amlk8s/local/kube/api_server.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace amlk8s::local {

/// The extension type the agent acts on (compared case-insensitively; §1.3).
inline constexpr std::string_view azureml_extension_type = "microsoft.azureml.kubernetes";

/// True when `event` is about a `Microsoft.KubernetesConfiguration/extensions` resource whose
/// `properties.extensionType` is the AzureML one.
bool is_azureml_extension(const resource_event& event) noexcept;

/// Does the agent's work for one event (from arm_api::on_change or arm_api::on_start) on an
/// extension of `cluster`, whose Kubernetes API is `api`; sans I/O, so tests may drive it
/// directly. Fills `event.body`'s agent-reported members. Returns the failure that ends the ARM
/// operation, if any; events about anything but an AzureML extension change nothing.
std::optional<operation_failure> run_azureml_agent(kube::api_server& api, const cluster_spec& cluster,
                                                   resource_event& event);

/// Finds the Kubernetes API of a cluster; null when the cluster has none.
using cluster_api_lookup = std::function<std::shared_ptr<kube::api_server>(const cluster_spec& cluster)>;

/// Registers the agent with `arm` (on_change and on_start observers). The cluster of an extension
/// is read from `arm`; `lookup` gives its API. `arm` must outlive its observers (it owns them).
void attach_azureml_agent(arm_api& arm, cluster_api_lookup lookup);

}  // namespace amlk8s::local
