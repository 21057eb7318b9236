// The state behind arm_api and the pieces its translation units share. Private to amlk8s_local.
#pragma once

#include <amlk8s/local/arm_api.hpp>

#include "local/common/text.hpp"

#include <boost/json/object.hpp>

#include <boost/json/array.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::detail {

/// An ARM error answer (contracts/arm-extensions.md §1.7); thrown inside the handlers.
struct arm_error {
  int status = 400;
  std::string code;
  std::string message;
  std::string target;
};

/// The §1.7 body `{"error":{"code","message"[,"target"]}}` with `status`.
http::response error_response(const arm_error& e);

/// 404 ResourceNotFound with ARM's message for a missing resource.
arm_error resource_not_found(std::string_view type, std::string_view name, std::string_view resource_group);

class resource_kind;

/// One stored resource.
struct stored_resource {
  std::string id;    ///< canonical casing (keywords canonical, names as first written)
  std::string name;
  const resource_kind* kind = nullptr;
  std::string parent_key;  ///< lower-case id of the parent resource; empty for a top-level resource
  std::string group_key;   ///< lower-case `/subscriptions/{s}/resourcegroups/{rg}`
  boost::json::object body;     ///< all but id/name/type/systemData
  boost::json::object secrets;  ///< write-only members, never returned
  std::optional<cluster_spec> cluster;
  std::string created_by;
  std::string modified_by;
  clock::time_point created_at{};
  clock::time_point modified_at{};
  std::string operation;  ///< id of the operation in flight; empty when none
};

/// An explicitly created resource group (others exist implicitly).
struct resource_group {
  std::string id;
  std::string name;
  std::string location;
  boost::json::object tags;
};

/// What a long-running operation does.
enum class op_verb { put, patch, delete_, action };

/// A long-running operation (contracts/arm-extensions.md §1.6).
struct operation {
  std::string id;  ///< GUID, the last segment of its status URL
  std::string subscription_key;
  std::string resource_key;
  std::string resource_id;
  const resource_kind* kind = nullptr;
  op_verb verb = op_verb::put;
  bool created = false;  ///< a PUT that created the resource
  std::string action;    ///< for op_verb::action, e.g. "cancel"
  clock::time_point start{};
  clock::time_point due{};
  std::optional<clock::time_point> end;
  std::string status = "InProgress";
  std::optional<operation_failure> error;
  std::string status_path;  ///< path of the Azure-AsyncOperation resource
  std::string result_path;  ///< path of the Location resource
  std::uint64_t sequence = 0;
};

/// What a handler knows about the request it serves.
struct request_context {
  const http::request* req = nullptr;
  std::string origin;  ///< scheme://authority for absolute URLs
  std::string path;
  query_params query;
  std::vector<std::string> segments;
  std::string api_version;
  clock::time_point now{};
  std::string caller;  ///< the token's client id, for systemData

  /// `origin + path + ?api-version=...` (the form of nextLink and operation URLs).
  std::string absolute(std::string_view p, std::string_view extra_query = {}) const;
};

/// Input of resource_kind::prepare: a PUT about to be stored.
struct put_context {
  arm_api::state* st = nullptr;
  const request_context* rc = nullptr;  ///< null for direct creation (world file)
  std::string id;
  std::string name;
  const stored_resource* existing = nullptr;
  const stored_resource* parent = nullptr;
  boost::json::object body;     ///< the request body without id/name/type/systemData
  boost::json::object secrets;  ///< the kind moves write-only members here
  std::optional<cluster_spec> cluster;
};

/// Input of resource_kind::action: `POST {resource}/{action}`.
struct action_context {
  arm_api::state* st = nullptr;
  const request_context* rc = nullptr;
  stored_resource* resource = nullptr;
  std::string action;
};

/// The behaviour of one resource type. Defaults fit a generic tracked ARM resource.
class resource_kind {
 public:
  virtual ~resource_kind() = default;
  /// Canonical type, e.g. "Microsoft.MachineLearningServices/workspaces/computes".
  virtual std::string_view type() const noexcept = 0;
  /// For an extension resource: the types it may be attached to.
  virtual std::span<const std::string_view> extends() const noexcept { return {}; }
  /// Whether the resource has a location (ARM tracked resource).
  virtual bool tracked() const noexcept { return true; }
  /// Whether a missing location is taken from the parent instead of rejected.
  virtual bool location_from_parent() const noexcept { return false; }
  /// Whether PUT/PATCH/DELETE are long-running.
  virtual bool async_put() const noexcept { return true; }
  virtual bool async_patch() const noexcept { return true; }
  virtual bool async_delete() const noexcept { return true; }
  /// Whether the 201/202 of `verb` carries `Azure-AsyncOperation` (all carry `Location`).
  virtual bool async_operation_header(op_verb verb) const noexcept {
    (void)verb;
    return true;
  }
  /// Whether `properties.provisioningState` is kept.
  virtual bool has_provisioning_state() const noexcept { return true; }
  /// Whether a PUT creates its missing direct parent first (an asset version creates its
  /// container, as the MachineLearningServices RP does); the parent kind's prepare() fills it.
  virtual bool creates_parent() const noexcept { return false; }
  /// Checks and normalises a PUT body; throws arm_error.
  virtual void prepare(put_context& ctx) const { (void)ctx; }
  /// Applies a PATCH body to `r`; returns whether anything changed. Default: JSON merge patch
  /// (RFC 7386) of everything but id/name/type.
  virtual bool patch(stored_resource& r, const boost::json::object& patch, const request_context& rc) const;
  /// Checks a resource after a PATCH was applied and before it is stored; throws arm_error.
  virtual void check_patched(arm_api::state& st, const stored_resource& r) const {
    (void)st;
    (void)r;
  }
  /// Adds members the server computes when the resource is presented (a container's
  /// latestVersion); `out` is the presented resource.
  virtual void decorate(const arm_api::state& st, const stored_resource& r, boost::json::object& out) const {
    (void)st;
    (void)r;
    (void)out;
  }
  /// Checks a DELETE's query before anything happens; throws arm_error.
  virtual void check_delete(const request_context& rc) const { (void)rc; }
  /// Answers `POST {resource}/{action}`; std::nullopt when the action is unknown.
  virtual std::optional<http::response> action(action_context& ctx) const {
    (void)ctx;
    return std::nullopt;
  }
  /// Called when an operation on `r` succeeds, before observers see it.
  virtual void finish(stored_resource& r, const operation& op) const {
    (void)r;
    (void)op;
  }
  /// Called when an operation on `r` ends Failed (an observer refused it), after
  /// provisioningState turned `Failed`: the kind records the error where its body keeps one.
  virtual void failed(stored_resource& r, const operation& op, const operation_failure& failure) const {
    (void)r;
    (void)op;
    (void)failure;
  }

  /// The provider namespace (the part of type() before the first '/').
  std::string_view provider_namespace() const noexcept { return type().substr(0, type().find('/')); }
  /// The last segment of type(), as it appears in ids.
  std::string_view last_type_segment() const noexcept { return type().substr(type().rfind('/') + 1); }
  /// The type of the parent for a nested type ("" for top-level and extension resources).
  std::string_view parent_type() const noexcept;
};

/// Every resource kind.
std::span<const resource_kind* const> all_kinds() noexcept;
/// Throws 405 unless the request's method is one of `allowed` (HEAD counts as GET).
void require_method(const request_context& rc, std::initializer_list<http::verb> allowed);

/// The request body as a JSON object (empty for an empty body); 400 InvalidRequestContent otherwise.
boost::json::object parse_body(const request_context& rc);

/// The kind of a full type (case-insensitive), or null.
const resource_kind* find_kind(std::string_view type) noexcept;

// The kinds, defined one family per file.
const resource_kind& managed_cluster_kind() noexcept;
const resource_kind& connected_cluster_kind() noexcept;
const resource_kind& extension_kind() noexcept;
const resource_kind& workspace_kind() noexcept;
const resource_kind& compute_kind() noexcept;
const resource_kind& job_kind() noexcept;
const resource_kind& online_endpoint_kind() noexcept;
const resource_kind& online_deployment_kind() noexcept;
const resource_kind& model_container_kind() noexcept;
const resource_kind& model_version_kind() noexcept;
const resource_kind& code_container_kind() noexcept;
const resource_kind& code_version_kind() noexcept;
const resource_kind& environment_container_kind() noexcept;
const resource_kind& environment_version_kind() noexcept;

/// RFC 7386 merge patch of `patch` into `target`; returns whether `target` changed.
bool merge_patch(boost::json::object& target, const boost::json::object& patch);

/// `body[key]` as an object, created when absent or not an object.
boost::json::object& member_object(boost::json::object& body, std::string_view key);

/// The string at `body[key]`, or "" when absent or not a string.
std::string string_member(const boost::json::object& body, std::string_view key);

/// ARM normalises locations: lower case, no spaces ("East US" -> "eastus").
std::string normalize_location(std::string_view location);

/// The ARM body of a cluster (AKS or Arc shape) and the spec behind an AKS/Arc body.
boost::json::object cluster_body(const cluster_spec& cluster, const arm_options& options);
cluster_spec cluster_from_body(cluster_kind kind, std::string_view id, std::string_view name,
                               const boost::json::object& body, const arm_options& options);

}  // namespace amlk8s::local::detail

namespace amlk8s::local {

/// Everything arm_api keeps. Members are used under `mutex`.
struct arm_api::state {
  state(arm_options o, std::shared_ptr<const token_service> t);

  arm_options options;
  std::shared_ptr<const token_service> tokens;
  std::shared_ptr<local::clock> time;
  arm_throttle throttle;
  std::recursive_mutex mutex;
  std::map<std::string, detail::stored_resource> resources;  // key: lower-case id
  std::map<std::string, detail::resource_group> groups;      // key: lower-case id
  std::map<std::string, detail::operation> operations;       // key: operation id
  std::map<std::string, bool> registrations;                 // key: lower-case "sub/namespace"
  std::map<std::string, clock::time_point> registering;      // key as above: registration completes then
  std::vector<resource_observer> observers;
  std::vector<resource_observer> start_observers;
  std::vector<resource_observer> read_observers;
  std::vector<std::function<void()>> settle_hooks;
  detail::guid_source guids;
  std::uint64_t sequence = 0;
  bool settling = false;

  // arm_api.cpp: the request pipeline.
  http::response dispatch(detail::request_context& rc);
  void stamp(http::response& res, const detail::request_context& rc);

  // routes_misc.cpp: subscriptions, resource groups, providers, operation resources.
  http::response subscription_routes(detail::request_context& rc);
  http::response provider_routes(detail::request_context& rc);
  http::response group_routes(detail::request_context& rc);
  http::response operation_status(detail::request_context& rc, std::string_view op_id);
  http::response operation_result(detail::request_context& rc, std::string_view op_id);
  detail::resource_group group_or_default(std::string_view subscription, std::string_view name);
  bool provider_registered(std::string_view subscription, std::string_view ns, clock::time_point now);

  // routes_resources.cpp: the generic resource machinery.
  http::response resource_routes(detail::request_context& rc);
  http::response put_resource(const detail::request_context& rc, const detail::resource_kind& kind,
                              const std::string& id, const std::string& name, const std::string& parent_key,
                              const std::string& group_key, detail::stored_resource* existing);
  /// Creates `id` (of `kind`, under `parent_key`) with an empty body, synchronously, in state
  /// Succeeded: the container an asset version's PUT implies.
  void put_implicit(const detail::resource_kind& kind, const std::string& id, const std::string& name,
                    const std::string& parent_key, const std::string& group_key, const detail::request_context& rc);
  http::response patch_resource(const detail::request_context& rc, detail::stored_resource& r);
  http::response delete_resource(const detail::request_context& rc, const detail::resource_kind& kind,
                                 detail::stored_resource* existing);
  /// 409 when an operation other than a delete is in flight on `r`.
  void check_no_operation(const detail::stored_resource& r) const;
  /// Fills server-side identity members (principalId, tenantId, per-identity ids), keeping earlier ones.
  void fill_identity(boost::json::object& body, const detail::stored_resource* existing);
  /// One page of `items` (§1.5: `{"value": [...], "nextLink": url}`), picked by `$skipToken`.
  http::response resource_list(const detail::request_context& rc, boost::json::array items) const;

  // store.cpp: stored resources and their presentation.
  boost::json::object present(const detail::stored_resource& r) const;
  detail::stored_resource* find(std::string_view id_or_key);
  std::vector<const detail::stored_resource*> children(std::string_view parent_key, const detail::resource_kind* kind);
  /// Creates/replaces a resource directly in state Succeeded and tells observers (no HTTP).
  std::string put_direct(const detail::resource_kind& kind, std::string id, std::string name, std::string parent_key,
                         std::string group_key, boost::json::object body, std::optional<cluster_spec> cluster);
  /// Removes a resource and everything under it, telling observers (children first).
  void remove_tree(std::string_view key);
  /// Runs the observers for `r` (the start observers when `started`); a failure from one of them
  /// stops the rest.
  std::optional<operation_failure> notify(change_kind kind, detail::stored_resource& r, bool started = false);
  /// Runs the read observers for `r` before it is presented to a GET; their edits are kept.
  void refresh(detail::stored_resource& r);

  // operations.cpp: long-running operations.
  detail::operation& start_operation(const detail::request_context& rc, detail::stored_resource& r, detail::op_verb verb,
                                     bool created, std::string action = {});
  /// start_operation for a PUT/PATCH/DELETE, then the start observers; a failure from them ends the
  /// operation Failed at once.
  detail::operation& begin_write(const detail::request_context& rc, detail::stored_resource& r, detail::op_verb verb,
                                 bool created);
  /// Ends `op` on `r` Failed with `failure` (provisioningState, the kind's failed()).
  void fail_operation(detail::operation& op, detail::stored_resource* r, const operation_failure& failure,
                      clock::time_point now);
  void lro_headers(http::response& res, const detail::request_context& rc, const detail::operation& op) const;
  std::chrono::seconds retry_after(const detail::operation& op, clock::time_point now) const;
  void complete(detail::operation& op, clock::time_point now);
  void cancel_operation(std::string_view op_id, clock::time_point now);
  void prune_operations();
  void settle_locked();
};

}  // namespace amlk8s::local
