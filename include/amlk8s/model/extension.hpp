// Cluster extensions (`Microsoft.KubernetesConfiguration/extensions`) of any type on any cluster:
// the PUT body (extension_spec), the PATCH body (extension_patch), the resource as read
// (extension), and extensions_client, which creates, reads, lists, updates and deletes them over
// an arm::client (contracts/arm-extensions.md §1, §2.1, §2.6, §2.8, §2.9).
//
// Every wire name is in src/model/extension.cpp, next to the contract section it comes from. The
// types here know nothing about particular extension types; the AzureML settings are built on top
// of extension_spec elsewhere.
//
// Secrets: protected settings are secret_string values. Only to_json() reveals them (the request is
// then marked body_is_secret so that logging never prints it); to_string/operator<< print their
// keys with `***`.
//
// Async forms take any Asio completion token and fill a caller-owned diagnostics that must outlive
// the operation (as arm::client does); blocking forms throw amlk8s::error and need the client's
// executor run by another thread, never the calling one.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/pager.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/core/resource_id.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// Where an extension is installed (§1.3 `properties.scope`): cluster-wide with a release
/// namespace, or in one target namespace.
struct extension_scope {
  bool cluster = true;            ///< `scope.cluster` when true, `scope.namespace` when false
  std::string release_namespace;  ///< `scope.cluster.releaseNamespace` (cluster scope only; may be empty)
  std::string target_namespace;   ///< `scope.namespace.targetNamespace` (namespace scope only; required there)

  friend bool operator==(const extension_scope&, const extension_scope&) = default;
};

/// The extension's own managed identity (§1.3 `identity`, §2.6).
struct extension_identity {
  std::string type;                                   ///< "SystemAssigned", "UserAssigned", ...
  std::vector<std::string> user_assigned_identities;  ///< resource ids of user-assigned identities
  std::string principal_id;                           ///< read only: `principalId`, never sent
  std::string tenant_id;                              ///< read only: `tenantId`, never sent

  friend bool operator==(const extension_identity&, const extension_identity&) = default;
};

/// A marketplace plan (§1.3 `plan`): name, publisher and product are required.
struct extension_plan {
  std::string name, publisher, product, promotion_code, version;

  friend bool operator==(const extension_plan&, const extension_plan&) = default;
};

/// What to install: the PUT body (§1.3). Unset members are not sent, so the service's defaults
/// apply (auto-upgrade on, release train Stable).
struct extension_spec {
  std::string extension_type;                      ///< required, e.g. "microsoft.azureml.kubernetes"
  std::optional<bool> auto_upgrade_minor_version;  ///< sent as false whenever `version` is set (§2.1)
  std::optional<std::string> auto_upgrade_mode;    ///< "none" | "patch" | "compatible" (2025-03-01; open enum)
  std::optional<std::string> release_train;        ///< e.g. "Stable", "Preview"
  std::optional<std::string> version;              ///< a pinned version; requires auto-upgrade off
  std::optional<extension_scope> scope;
  std::map<std::string, std::string> configuration_settings;
  std::map<std::string, secret_string> configuration_protected_settings;
  std::optional<extension_identity> identity;
  std::optional<extension_plan> plan;

  /// The wire body; protected values are revealed only here.
  boost::json::object to_json() const;
  /// The generic checks of §2.1 (and §1.3's required members), before any network call:
  /// extension type present, a version pin not combined with auto-upgrade, the scope rules, plan
  /// and identity shapes, no empty setting keys. An empty result means valid.
  std::vector<validation_issue> validate() const;
};

/// What PATCH may change (§1.4). Every member is optional; unset members are omitted, never sent
/// with a default. Setting a map (even an empty one) sends it.
struct extension_patch {
  std::optional<std::string> auto_upgrade_mode;
  /// Sent as false when `version` is set and this is unset (the version-pin rule of §1.1/§2.1).
  std::optional<bool> auto_upgrade_minor_version;
  std::optional<std::string> release_train;
  std::optional<std::string> version;
  std::optional<std::map<std::string, std::string>> configuration_settings;
  /// Replaces ALL protected settings of the extension (§2.8: the service does not merge them and
  /// never returns their values), so it needs `replaces_all_protected_settings`.
  std::optional<std::map<std::string, secret_string>> configuration_protected_settings;
  /// The caller's acknowledgment that `configuration_protected_settings` holds every protected
  /// setting the extension is to keep; the ones left out are deleted.
  bool replaces_all_protected_settings = false;

  /// True when nothing is set.
  bool empty() const noexcept;
  /// The wire body `{"properties": {...}}`; protected values are revealed only here.
  boost::json::object to_json() const;
  /// The checks before any network call: the version pin, and the protected-settings
  /// acknowledgment (an issue naming `configurationProtectedSettings` and the fix).
  std::vector<validation_issue> validate() const;
};

/// One entry of `properties.statuses[]`, as the agent reports it.
struct extension_status {
  std::string code;
  std::string display_status;
  std::string level;  ///< "Error" | "Warning" | "Information" (default Information)
  std::string message;
  std::string time;

  friend bool operator==(const extension_status&, const extension_status&) = default;
};

/// `properties.errorInfo`: the agent's install error (the ARM ErrorDetail shape, §1.7).
struct extension_error_info {
  std::string code;
  std::string message;
  std::string target;
  std::vector<extension_error_info> details;

  friend bool operator==(const extension_error_info&, const extension_error_info&) = default;
};

/// `properties.aksAssignedIdentity` (AKS only).
struct extension_aks_identity {
  std::string type;  ///< "SystemAssigned" | "UserAssigned" | "Workload"
  std::string principal_id, tenant_id, object_id, client_id, url;

  friend bool operator==(const extension_aks_identity&, const extension_aks_identity&) = default;
};

/// ARM `systemData` (times as ISO 8601 text).
struct resource_system_data {
  std::string created_by, created_by_type, created_at, last_modified_by, last_modified_by_type, last_modified_at;

  friend bool operator==(const resource_system_data&, const resource_system_data&) = default;
};

/// An extension as ARM returns it (GET, list, the final body of a create or update).
struct extension {
  resource_id id;      ///< `id` (empty when the body has none, as in some PATCH answers)
  std::string name;    ///< `name`
  std::string extension_type;
  /// Open enum: Succeeded, Failed, Canceled, Creating, Updating, Deleting, Pending, ...
  std::string provisioning_state;
  std::optional<std::string> current_version;  ///< installed version; unset while creating
  std::optional<std::string> version;          ///< the pin, if any
  std::optional<std::string> release_train;
  std::optional<bool> auto_upgrade_minor_version;
  std::optional<std::string> auto_upgrade_mode;
  std::optional<extension_scope> scope;
  std::map<std::string, std::string> configuration_settings;
  /// The keys of `configurationProtectedSettings` when the service returns any (values never come back).
  std::vector<std::string> protected_setting_names;
  std::vector<extension_status> statuses;
  std::optional<extension_error_info> error_info;
  std::optional<extension_identity> identity;
  std::optional<extension_aks_identity> aks_assigned_identity;
  std::optional<resource_system_data> system_data;
  std::optional<extension_plan> plan;
  std::optional<std::string> extension_state;  ///< 2025-03-01, e.g. "Ready"
  bool is_system_extension = false;
  std::string package_uri;
  std::map<std::string, std::string> custom_location_settings;
  boost::json::value raw;  ///< the body as received

  /// True for Succeeded, Failed and Canceled in any letter case (anything else is still going on).
  bool is_terminal() const noexcept;
  /// True for Succeeded in any letter case.
  bool succeeded() const noexcept;
  /// True for Failed or Canceled in any letter case.
  bool failed() const noexcept;

  /// Reads an extension body (§1.3). Unknown members are ignored; a member of the wrong type is an
  /// amlk8s::error (errc::invalid_argument) naming its path.
  static extension from_json(const boost::json::value& body);
};

/// Readable forms that never show protected values (their keys are shown with `***`).
std::string to_string(const extension_spec& spec);
std::string to_string(const extension_patch& patch);
std::string to_string(const extension& ext);
std::ostream& operator<<(std::ostream& os, const extension_spec& spec);
std::ostream& operator<<(std::ostream& os, const extension_patch& patch);
std::ostream& operator<<(std::ostream& os, const extension& ext);

/// The extension's identity when the spec has none, as `az k8s-extension create` sends it (§2.6):
/// none for an AKS cluster (AKS assigns one, shown as aksAssignedIdentity), `SystemAssigned` for
/// any other cluster type (connectedClusters, provisionedClusters, appliances).
std::optional<extension_identity> default_identity(const resource_id& cluster);

/// Settings of an extensions_client.
struct extensions_client_options {
  /// Apply default_identity() on create when the spec has no identity (§2.6).
  bool add_default_identity = true;
};

/// The start of a delete.
struct extension_deletion {
  /// False when there was nothing to delete (ARM answered 204, or 404 for the extension on an
  /// existing cluster); the poller is then already done.
  bool found = false;
  /// Follows the uninstall; wait on it for the extension to be gone.
  arm::poller poller;
};

/// Creates, reads, lists, updates and deletes extensions of any type on any cluster resource.
///
/// 404s are told apart as `az k8s-extension` does (§1.7): ARM's `ResourceNotFound` means the
/// cluster is missing (or is of another cluster type), anything else means the extension is;
/// both are errc::not_found, with a client_message naming the one that is missing.
class extensions_client {
 public:
  using begin_signature = void(error_code, arm::poller);
  using get_signature = void(error_code, extension);
  using list_signature = void(error_code, std::vector<extension>);
  using delete_signature = void(error_code, extension_deletion);

  /// A client going through `arm`, which must outlive it and its operations.
  explicit extensions_client(arm::client& arm, extensions_client_options options = {}) noexcept
      : arm_(&arm), options_(options) {}

  /// The ARM client requests go through.
  arm::client& arm() const noexcept { return *arm_; }

  /// PUTs `spec` as extension `name` on `cluster` and completes with a poller for the operation
  /// (§1.2, §1.6). The spec is validated first: errc::invalid_argument with diag.validation and
  /// no request sent. Other failures of the first request complete with their error (a missing
  /// cluster as errc::not_found) and a poller that is done and failed, or empty when no answer came.
  template <class CompletionToken>
  auto async_begin_create(const resource_id& cluster, std::string name, extension_spec spec, diagnostics& diag,
                          CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, begin_signature>(
        [this, &diag](auto handler, resource_id c, std::string n, extension_spec s) {
          async_begin_create_erased(std::move(c), std::move(n), std::move(s), diag, std::move(handler));
        },
        token, cluster, std::move(name), std::move(spec));
  }
  /// Blocking begin of a create.
  arm::poller begin_create(const resource_id& cluster, std::string_view name, const extension_spec& spec) const;
  /// Creates (or replaces) the extension and waits for the operation to end; returns the final
  /// resource. A Failed or Canceled operation throws errc::operation_failed with the service's error.
  extension create(const resource_id& cluster, std::string_view name, const extension_spec& spec) const;

  /// GETs extension `name` on `cluster`.
  template <class CompletionToken>
  auto async_get(const resource_id& cluster, std::string name, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, get_signature>(
        [this, &diag](auto handler, resource_id c, std::string n) {
          async_get_erased(std::move(c), std::move(n), diag, std::move(handler));
        },
        token, cluster, std::move(name));
  }
  /// Blocking get.
  extension get(const resource_id& cluster, std::string_view name) const;

  /// Every extension on `cluster`, all pages read (§1.5).
  template <class CompletionToken>
  auto async_list(const resource_id& cluster, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, list_signature>(
        [this, &diag](auto handler, resource_id c) { async_list_erased(std::move(c), diag, std::move(handler)); },
        token, cluster);
  }
  /// Blocking list.
  std::vector<extension> list(const resource_id& cluster) const;
  /// A pager over the extensions on `cluster`, to read page by page; turn each page's items into
  /// extensions with extensions_of(). The pager reports a 404 as it comes (no rewriting).
  arm::pager pages(const resource_id& cluster) const;
  /// The extensions of one page; throws amlk8s::error (errc::protocol_error) for an unreadable item.
  static std::vector<extension> extensions_of(const arm::page& page);

  /// PATCHes extension `name` (§1.4) and completes with a poller; a 200 without an async header is
  /// already done. The patch is validated first (errc::invalid_argument, no request sent); an
  /// empty patch is rejected too.
  template <class CompletionToken>
  auto async_begin_update(const resource_id& cluster, std::string name, extension_patch patch, diagnostics& diag,
                          CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, begin_signature>(
        [this, &diag](auto handler, resource_id c, std::string n, extension_patch p) {
          async_begin_update_erased(std::move(c), std::move(n), std::move(p), diag, std::move(handler));
        },
        token, cluster, std::move(name), std::move(patch));
  }
  /// Blocking begin of an update.
  arm::poller begin_update(const resource_id& cluster, std::string_view name, const extension_patch& patch) const;
  /// Updates the extension and waits; returns the final resource.
  extension update(const resource_id& cluster, std::string_view name, const extension_patch& patch) const;

  /// DELETEs extension `name`; `force` adds `forceDelete=true` (§1.2: ARM drops the resource without
  /// the agent's uninstall). A missing extension is no error: found is false and the poller done.
  /// A missing cluster is errc::not_found.
  template <class CompletionToken>
  auto async_begin_delete(const resource_id& cluster, std::string name, bool force, diagnostics& diag,
                          CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, delete_signature>(
        [this, &diag, force](auto handler, resource_id c, std::string n) {
          async_begin_delete_erased(std::move(c), std::move(n), force, diag, std::move(handler));
        },
        token, cluster, std::move(name));
  }
  /// Blocking begin of a delete.
  extension_deletion begin_delete(const resource_id& cluster, std::string_view name, bool force = false) const;
  /// Deletes the extension and waits until it is gone; returns whether there was one to delete.
  bool delete_(const resource_id& cluster, std::string_view name, bool force = false) const;

  /// The type-erased operations behind the templates.
  void async_begin_create_erased(resource_id cluster, std::string name, extension_spec spec, diagnostics& diag,
                                 boost::asio::any_completion_handler<begin_signature> handler) const;
  void async_get_erased(resource_id cluster, std::string name, diagnostics& diag,
                        boost::asio::any_completion_handler<get_signature> handler) const;
  void async_list_erased(resource_id cluster, diagnostics& diag,
                         boost::asio::any_completion_handler<list_signature> handler) const;
  void async_begin_update_erased(resource_id cluster, std::string name, extension_patch patch, diagnostics& diag,
                                 boost::asio::any_completion_handler<begin_signature> handler) const;
  void async_begin_delete_erased(resource_id cluster, std::string name, bool force, diagnostics& diag,
                                 boost::asio::any_completion_handler<delete_signature> handler) const;

 private:
  arm::client* arm_;
  extensions_client_options options_;
};

}  // namespace amlk8s::model
