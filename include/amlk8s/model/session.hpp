// One object that signs in and hands out the typed clients: the transport, the Entra credential,
// the ARM pipeline and client, and the model clients over them. What a program, a notebook or a
// test harness creates first.
//
//   auto s = amlk8s::model::session::from_endpoints_json(ready_line);   // the local control plane
//   auto ext = s.azureml().create(cluster, "azureml", settings);
//   auto k8s = s.kube_from_kubeconfig(kubeconfig_dir / "aks1");
//
// Against Azure: session_options{} with tenant/client/secret, or none of them for the default
// credential chain (environment, workload identity, managed identity, Azure CLI).
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/auth/token_credential.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/azureml_client.hpp>
#include <amlk8s/model/cluster.hpp>
#include <amlk8s/model/extension.hpp>
#include <amlk8s/model/workspace_client.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::model {

/// How a session signs in and where it sends requests.
struct session_options {
  /// ARM's base URL.
  std::string arm_endpoint = "https://management.azure.com";
  /// Entra authority host; empty: AZURE_AUTHORITY_HOST, then https://login.microsoftonline.com.
  std::string authority_host;
  /// Client-secret sign-in when all three are set; the default credential chain otherwise.
  std::string tenant_id;
  std::string client_id;
  secret_string client_secret;
  /// The default subscription (for callers that build ids from names).
  std::string subscription_id;
  /// Extra trusted CA certificates (PEM file), e.g. the local control plane's.
  std::string ca_file;
  /// How long-running operations are polled when the service gives no Retry-After.
  std::chrono::milliseconds poll_delay{std::chrono::seconds(30)};
  /// The longest wait between two polls.
  std::chrono::milliseconds max_poll_delay{std::chrono::seconds(60)};
  /// Transport threads.
  std::size_t threads = 1;
};

/// A signed-in session. Not copyable; the clients it hands out live as long as it does.
class session {
 public:
  explicit session(session_options options);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// A session from the JSON line `amlk8s-local serve` prints (arm_endpoint, authority_host,
  /// tenant_id, client_id, client_secret, subscription_id, ca_file); polling is set to a quick
  /// cadence suited to the local control plane. Throws amlk8s::error for a line that is not that.
  static std::unique_ptr<session> from_endpoints_json(std::string_view json_line);

  /// The settings it was made with (the secret stays a secret_string).
  const session_options& options() const noexcept;
  /// The default subscription.
  const std::string& subscription_id() const noexcept;
  /// The credential (shared with the clients).
  std::shared_ptr<auth::token_credential> credential() const;

  arm::client& arm() noexcept;
  const azureml_client& azureml() const noexcept;
  const extensions_client& extensions() const noexcept;
  const clusters_client& clusters() const noexcept;
  const providers_client& providers() const noexcept;

  /// The computes, jobs and online endpoints of workspace `id`. Throws amlk8s::error when `id` is
  /// not a workspace id.
  workspace_client workspace(const resource_id& id);
  /// The same for workspace `name` in `resource_group` of the default subscription.
  workspace_client workspace(std::string_view resource_group, std::string_view name);

  /// A Kubernetes client for the current context of a kubeconfig file.
  kube::client kube_from_kubeconfig(const std::filesystem::path& kubeconfig, std::string_view context = {}) const;

 private:
  struct state;
  std::unique_ptr<state> st_;
};

}  // namespace amlk8s::model
