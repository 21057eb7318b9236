// The Azure Resource Manager side of the local control plane, sans I/O: one `handle` turns an ARM
// request into its response. Wire contracts: contracts/arm-extensions.md §1 (paths, bodies,
// long-running operations §1.6, errors §1.7, throttling §1.9) and contracts/aml-workspace-and-auth.md
// §1–2 (computes, jobs, online endpoints and deployments).
//
// What it serves, under `/subscriptions/{sub}` (subscriptions and resource groups exist implicitly):
//  - resource groups (GET/PUT/DELETE, list), provider registration (GET, POST register);
//  - Microsoft.ContainerService/managedClusters and Microsoft.Kubernetes/connectedClusters;
//  - Microsoft.KubernetesConfiguration/extensions under either cluster kind;
//  - Microsoft.MachineLearningServices/workspaces and their computes, jobs, environments (+ versions),
//    onlineEndpoints, onlineEndpoints/deployments, models (+ versions) and codes (+ versions);
//  - the status (`Azure-AsyncOperation`) and result (`Location`) resources of long-running operations.
// Every call needs a bearer token from the token_service and an `api-version`.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/clock.hpp>
#include <amlk8s/local/cluster_spec.hpp>
#include <amlk8s/local/throttle.hpp>
#include <amlk8s/local/token_service.hpp>
#include <amlk8s/local/world.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local {

/// The default subscription of the local control plane. Fake on purpose.
inline constexpr std::string_view dev_subscription_id = "00000000-0000-4000-8000-00000000d001";

/// Settings of the ARM handlers.
struct arm_options {
  /// The subscription a world file entry without one lands in, and the one `GET /subscriptions` lists first.
  std::string default_subscription = std::string(dev_subscription_id);
  /// The location of resources that need one and were not given one by a world file.
  std::string default_location = "eastus";
  /// Items per page of a list; more items give a `nextLink`.
  std::size_t page_size = 100;
  /// How long a long-running PUT/PATCH/DELETE stays in progress on the clock (0: done at the first poll).
  std::chrono::milliseconds lro_delay{0};
  /// The least `Retry-After` sent while an operation runs. Azure SDKs read 0 as "no advice" and fall
  /// back to their 30 s default, so the standalone server keeps 1; in-process tests may use 0.
  std::chrono::seconds min_retry_after{1};
  /// Scheme and authority put in front of absolute URLs (`nextLink`, `Azure-AsyncOperation`,
  /// `Location`), e.g. "https://127.0.0.1:8443". Empty: taken from the request URL or its Host header.
  std::string base_url;
  /// Scheme used with the Host header when `base_url` is empty and the request target is origin-form.
  std::string scheme = "http";
  /// Token audiences ARM accepts; empty accepts any audience.
  std::vector<std::string> audiences = {"https://management.azure.com", "https://management.azure.com/",
                                        "https://management.core.windows.net", "https://management.core.windows.net/"};
  /// Kubernetes version of a cluster whose body names none.
  std::string default_kubernetes_version = "1.30.6";
  /// Arc agent version reported by `connectedClusters`.
  std::string arc_agent_version = "1.21.10";
  /// Nodes given to an Arc cluster created through ARM (the ARM body has no node pools).
  node_pool arc_default_pool{"default", 3, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"};
  /// The per-subscription throttle (off by default).
  throttle_options throttle;
};

/// What happened to a resource.
enum class change_kind { created, updated, deleted };

/// Why an observer failed an operation; the operation ends `Failed` with this error.
struct operation_failure {
  std::string code;     ///< ARM `error.code`, e.g. "ExtensionOperationFailed"
  std::string message;  ///< ARM `error.message`
  int status = 400;     ///< HTTP status of the operation's `Location` resource once it failed
};

/// A change an observer is told about. For created/updated, edits to `body` are kept (an observer
/// may fill server-side fields such as `properties.currentVersion`).
struct resource_event {
  change_kind kind = change_kind::created;
  /// False: the change is done (the operation completes). True: a long-running operation that
  /// will make this change has just started and the resource is in its transitional state
  /// (`Creating`, `Updating`, `Deleting`); only observers added with arm_api::on_start see these.
  bool started = false;
  std::string id;                      ///< canonical ARM id
  std::string type;                    ///< canonical type, e.g. "Microsoft.KubernetesConfiguration/extensions"
  boost::json::object body;            ///< the resource as GET returns it (without secrets)
  boost::json::object secrets;         ///< write-only members, e.g. `configurationProtectedSettings`
  std::optional<cluster_spec> cluster;  ///< set for managedClusters and connectedClusters
};

/// Called when an operation on a resource completes (a long-running one when it leaves the clock,
/// a synchronous one before the response). Runs with the ARM state locked: it may call arm_api's
/// direct accessors from the same thread, and must not wait on other threads that call into arm_api.
using resource_observer = std::function<std::optional<operation_failure>(resource_event&)>;

/// The ARM request handlers and their state. Thread-safe.
class arm_api {
 public:
  /// `tokens` checks bearer tokens; its clock is the one long-running operations and the throttle read.
  arm_api(arm_options options, std::shared_ptr<const token_service> tokens);
  ~arm_api();
  arm_api(const arm_api&) = delete;
  arm_api& operator=(const arm_api&) = delete;

  /// True when `path` belongs to ARM (it starts with `/subscriptions`).
  static bool owns(std::string_view path) noexcept;
  /// Answers one ARM request.
  http::response handle(const http::request& req);

  /// Adds an observer of resource changes (all types; filter on resource_event::type).
  void on_change(resource_observer observer);
  /// Adds an observer of long-running PUT/PATCH/DELETE operations as they start (events with
  /// `started` set; `kind` names the change the operation makes when it completes). A failure it
  /// returns ends the operation `Failed` at once, before the first poll: what an agent does when it
  /// refuses the work outright. A job's `cancel` action is reported here too, as an `updated`
  /// event whose body has `properties.status` CancelRequested; when the cancel operation completes,
  /// on_change observers see the job with status Canceled and may set it back to CancelRequested
  /// while the work is still being stopped. Same locking rules as on_change.
  void on_start(resource_observer observer);

  /// Adds an observer of reads: it runs before a GET (of the resource, or of a list that holds
  /// it) presents a resource, with `kind` updated and `started` false, and may refresh members the
  /// service derives from elsewhere (a Kubernetes compute's instance types); edits to `body` are
  /// kept, a returned failure is ignored. Same locking rules as on_change.
  void on_read(resource_observer observer);

  /// Creates or replaces a cluster directly, in state Succeeded; observers see it. Returns its id.
  std::string add_cluster(const cluster_spec& cluster);
  /// Creates or replaces a workspace directly, in state Succeeded. Returns its id.
  std::string add_workspace(const workspace_spec& workspace);
  /// Adds everything `w` declares.
  void apply(const world& w);

  /// The resource as GET returns it, if it exists (ids compare case-insensitively).
  std::optional<boost::json::object> get(std::string_view id);
  /// The cluster behind a managedClusters/connectedClusters id.
  std::optional<cluster_spec> cluster(std::string_view id);
  /// Edits a stored resource in place (for the domain behaviour behind the API, e.g. a job's
  /// status). Returns false when it does not exist.
  bool update(std::string_view id, const std::function<void(boost::json::object& body)>& edit);
  /// The write-only members of a stored resource (an online endpoint's keys and issued tokens),
  /// which no ARM answer returns; for the domain behaviour behind the API (scoring checks them).
  std::optional<boost::json::object> secrets(std::string_view id);
  /// Ids of every stored resource of `type` (compared case-insensitively), sorted.
  std::vector<std::string> ids(std::string_view type);

  /// Sets the registration of a provider namespace in a subscription (all are Registered by default).
  void set_provider_registered(std::string_view subscription, std::string_view provider_namespace, bool registered);
  /// Replaces the throttle settings at run time.
  void set_throttle(const throttle_options& options);
  /// Completes the long-running operations whose time has come, then runs the settle hooks;
  /// handle() does this on every call.
  void settle();
  /// Adds a hook that settle() runs, with the state locked, after the operations that are due: domain
  /// behaviour that moves on with time (a job's run). Same locking rules as on_change; a hook that
  /// throws is skipped for that round.
  void on_settle(std::function<void()> hook);
  /// Runs `fn` with the state locked, as observers run: what a background driver of domain
  /// behaviour uses instead of settle() when it must not complete operations itself.
  void locked(const std::function<void()>& fn);

  /// The settings this instance runs with.
  const arm_options& options() const noexcept;

  struct state;

 private:
  std::unique_ptr<state> state_;
};

}  // namespace amlk8s::local
