// The Kubernetes cluster an extension goes on, read from ARM: an AKS `managedClusters` or an Arc
// `connectedClusters` resource. Only what the SDK decides on is read (contracts/arm-extensions.md
// §2.2 step 5, §2.6): location, node count, distribution, identity, local accounts, authorized IP
// ranges; the whole body stays available as `raw`. Also the subscription's resource provider
// registration (§1.2, last bullet).
//
// cluster_info::from_json is sans I/O; clusters_client and providers_client read over an
// arm::client. Their async forms take any Asio completion token and complete with (error_code,
// value), filling a caller-owned diagnostics that must outlive the operation (as arm::client does);
// their blocking forms throw amlk8s::error and need the client's executor run by another thread.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// One AKS agent pool (`properties.agentPoolProfiles[]`).
struct agent_pool {
  std::string name;
  std::int64_t count = 0;  ///< `count`; 0 when absent
  std::string vm_size;     ///< `vmSize`
  std::string mode;        ///< `mode`: "System" or "User" (empty when absent)

  friend bool operator==(const agent_pool&, const agent_pool&) = default;
};

/// What the SDK knows about a cluster from its ARM resource.
struct cluster_info {
  resource_id id;                  ///< `id`
  cluster_kind kind = cluster_kind::aks;
  std::string name;                ///< `name`
  std::string location;            ///< `location`, lower-cased as the CLI does (§2.2 step 5)
  std::string kubernetes_version;  ///< `properties.kubernetesVersion` (Arc: as the agent reports it)
  /// AKS: the sum of `properties.agentPoolProfiles[].count`; Arc: `properties.totalNodeCount`.
  /// Unset when the body has neither (e.g. an Arc cluster whose agent has not reported yet).
  std::optional<std::int64_t> node_count;
  std::vector<agent_pool> agent_pools;  ///< AKS only
  /// Arc: `properties.distribution` as sent (e.g. "openshift", "generic"); AKS: "aks".
  std::string distribution;
  /// `identity.type` as sent ("SystemAssigned", "UserAssigned", "None", ...); empty when absent.
  std::string identity_type;
  /// AKS: `properties.servicePrincipalProfile.clientId` ("msi" for managed-identity clusters).
  std::string service_principal_client_id;
  bool local_accounts_disabled = false;           ///< AKS `properties.disableLocalAccounts`
  std::vector<std::string> authorized_ip_ranges;  ///< AKS `properties.apiServerAccessProfile.authorizedIPRanges`
  std::string provisioning_state;                 ///< `properties.provisioningState`
  std::string connectivity_status;                ///< Arc `properties.connectivityStatus` ("Connected", "Offline", ...)
  boost::json::value raw;                         ///< the body as received

  /// True for an AKS cluster that runs on a service principal: no identity, and a
  /// `servicePrincipalProfile.clientId` other than "msi" (AzureML needs a managed identity, §2.6).
  bool uses_service_principal() const;
  /// True when `distribution` is "openshift" in any letter case (§2.2 step 5).
  bool is_openshift() const;

  /// Reads a `managedClusters` (kind aks) or `connectedClusters` (kind arc) body. Unknown members
  /// are ignored; a member of the wrong type, a body that is not an object, or an `id` that does
  /// not parse is an amlk8s::error (errc::invalid_argument) naming the member.
  static cluster_info from_json(cluster_kind kind, const boost::json::value& body);
};

/// A one-line summary: kind, id, location, version, nodes, distribution, identity.
std::string to_string(const cluster_info& c);
/// Writes to_string(c).
std::ostream& operator<<(std::ostream& os, const cluster_info& c);

/// Reads AKS and Arc cluster resources.
class clusters_client {
 public:
  /// Completion of async_get.
  using get_signature = void(error_code, cluster_info);

  /// A client reading through `arm`, which must outlive it and its operations.
  explicit clusters_client(arm::client& arm) noexcept : arm_(&arm) {}

  /// GETs the cluster `cluster` (a managedClusters or connectedClusters id). Completes with
  /// errc::invalid_argument for any other id (no request sent), errc::not_found with a message
  /// naming the cluster when it does not exist, errc::protocol_error when the body cannot be read.
  template <class CompletionToken>
  auto async_get(const resource_id& cluster, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, get_signature>(
        [this, &diag](auto handler, resource_id id) { async_get_erased(std::move(id), diag, std::move(handler)); },
        token, cluster);
  }
  /// Blocking get; throws amlk8s::error.
  cluster_info get(const resource_id& cluster) const;

  /// The type-erased operation behind async_get.
  void async_get_erased(resource_id cluster, diagnostics& diag,
                        boost::asio::any_completion_handler<get_signature> handler) const;

 private:
  arm::client* arm_;
};

/// A resource provider's registration in a subscription (`GET /subscriptions/{s}/providers/{ns}`).
struct provider_registration {
  std::string provider_namespace;  ///< `namespace`
  std::string registration_state;  ///< `registrationState`: "Registered", "NotRegistered", "Registering", ...

  /// True when `registration_state` is "Registered" in any letter case.
  bool registered() const noexcept;
  /// Reads the provider body; throws amlk8s::error (errc::invalid_argument) for a malformed one.
  static provider_registration from_json(const boost::json::value& body);
};

/// The resource provider extensions need registered before use (§1.2, last bullet).
inline constexpr std::string_view kubernetes_configuration_provider = "Microsoft.KubernetesConfiguration";

/// Reads and registers resource providers. The CLI only warns when a provider is not registered
/// (§1.2); what to do about it is the caller's choice.
class providers_client {
 public:
  /// Completion of async_get and async_register.
  using signature = void(error_code, provider_registration);

  /// A client going through `arm`, which must outlive it and its operations.
  explicit providers_client(arm::client& arm) noexcept : arm_(&arm) {}

  /// GETs `/subscriptions/{subscription_id}/providers/{provider_namespace}`.
  template <class CompletionToken>
  auto async_get(std::string subscription_id, std::string provider_namespace, diagnostics& diag,
                 CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, signature>(
        [this, &diag](auto handler, std::string sub, std::string ns) {
          async_send_erased(false, std::move(sub), std::move(ns), diag, std::move(handler));
        },
        token, std::move(subscription_id), std::move(provider_namespace));
  }
  /// POSTs `.../providers/{provider_namespace}/register`. Registration goes on at ARM afterwards:
  /// the state is usually "Registering" and becomes "Registered" later (poll async_get).
  template <class CompletionToken>
  auto async_register(std::string subscription_id, std::string provider_namespace, diagnostics& diag,
                      CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, signature>(
        [this, &diag](auto handler, std::string sub, std::string ns) {
          async_send_erased(true, std::move(sub), std::move(ns), diag, std::move(handler));
        },
        token, std::move(subscription_id), std::move(provider_namespace));
  }
  /// Blocking get; throws amlk8s::error.
  provider_registration get(std::string_view subscription_id, std::string_view provider_namespace) const;
  /// Blocking register (`register` itself is a C++ keyword); throws amlk8s::error.
  provider_registration register_provider(std::string_view subscription_id, std::string_view provider_namespace) const;

  /// The type-erased operation behind async_get (register false) and async_register (true).
  void async_send_erased(bool register_it, std::string subscription_id, std::string provider_namespace,
                         diagnostics& diag, boost::asio::any_completion_handler<signature> handler) const;

 private:
  arm::client* arm_;
};

}  // namespace amlk8s::model
