// Microsoft.MachineLearningServices: workspaces, computes, jobs, online endpoints and deployments
// (contracts/aml-workspace-and-auth.md §1 and §2). Domain behaviour (attach checks, job runs,
// scoring) is added by observers; this file keeps the resource shapes.
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace amlk8s::local::detail {

namespace {

clock::time_point now_of(const put_context& ctx) { return ctx.rc != nullptr ? ctx.rc->now : ctx.st->time->now(); }

template <class T>
void set_default(boost::json::object& o, std::string_view key, T value) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) o[key] = std::move(value);
}

// The MachineLearningServices RP answers invalid input with 400 "BadArgument" naming the member.
arm_error bad_argument(std::string message, std::string target) {
  return {400, "BadArgument", std::move(message), std::move(target)};
}

boost::json::object& required_properties(put_context& ctx) {
  auto* v = ctx.body.if_contains("properties");
  if (v == nullptr || !v->is_object()) throw bad_argument("The request body has no properties.", "properties");
  return v->as_object();
}

const boost::json::object* properties_of(const stored_resource* r) {
  if (r == nullptr) return nullptr;
  const auto* v = r->body.if_contains("properties");
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::string workspace_location(const put_context& ctx) {
  const auto own = string_member(ctx.body, "location");
  return own.empty() && ctx.parent != nullptr ? string_member(ctx.parent->body, "location") : own;
}

std::string key_text(arm_api::state& st) {
  auto a = st.guids.next() + st.guids.next();
  a.erase(std::remove(a.begin(), a.end(), '-'), a.end());
  return a;
}

class workspace final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.MachineLearningServices/workspaces"; }

  void prepare(put_context& ctx) const override {
    auto& props = member_object(ctx.body, "properties");
    const auto location = string_member(ctx.body, "location");
    const auto* before = properties_of(ctx.existing);
    const auto kept_id = before ? string_member(*before, "workspaceId") : std::string{};
    props["workspaceId"] = kept_id.empty() ? ctx.st->guids.next() : kept_id;
    set_default(props, "friendlyName", ctx.name);
    props["discoveryUrl"] = "https://" + location + ".api.azureml.ms/discovery";
    props["mlFlowTrackingUri"] = "azureml://" + location + ".api.azureml.ms/mlflow/v1.0" + ctx.id;
    set_default(props, "publicNetworkAccess", "Enabled");
    set_default(props, "hbiWorkspace", false);
    props["tenantId"] = ctx.st->tokens->options().tenant_id;
    set_default(ctx.body, "sku", boost::json::object{{"name", "Basic"}, {"tier", "Basic"}});
    set_default(ctx.body, "kind", "Default");
    set_default(ctx.body, "identity", boost::json::object{{"type", "SystemAssigned"}});
  }
};

// §1.3: computeType "Kubernetes" attaches a cluster by its ARM id.
class compute final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.MachineLearningServices/workspaces/computes"; }
  bool location_from_parent() const noexcept override { return true; }

  void prepare(put_context& ctx) const override {
    auto& props = required_properties(ctx);
    const auto compute_type = string_member(props, "computeType");
    if (compute_type.empty()) throw bad_argument("properties.computeType is required.", "properties.computeType");
    const bool kubernetes = http::iequals(compute_type, "Kubernetes");
    if (kubernetes || http::iequals(compute_type, "AKS")) {
      const auto resource_id = string_member(props, "resourceId");
      if (resource_id.empty())
        throw bad_argument("properties.resourceId is required for computeType " + compute_type + ".", "properties.resourceId");
      // The attached cluster must exist: 400 BadArgument (the compute PUT itself is valid ARM; its
      // reference is not), as the AML RP answers a bad resourceId.
      const auto* cluster = ctx.st->find(resource_id);
      if (cluster == nullptr ||
          (cluster->kind != &managed_cluster_kind() && (!kubernetes || cluster->kind != &connected_cluster_kind())))
        throw bad_argument("The cluster '" + resource_id +
                               "' in properties.resourceId was not found. Check the id, and that the cluster is an "
                               "AKS cluster or an Azure Arc-enabled Kubernetes cluster.",
                           "properties.resourceId");
      props["resourceId"] = cluster->id;
    }
    if (kubernetes) {
      auto& k8s = member_object(props, "properties");
      set_default(k8s, "namespace", "default");
    }
    props["isAttachedCompute"] = kubernetes || http::iequals(compute_type, "AKS");
    const auto* before = properties_of(ctx.existing);
    const auto created = before ? string_member(*before, "createdOn") : std::string{};
    props["createdOn"] = created.empty() ? iso8601(now_of(ctx)) : created;
    props["modifiedOn"] = iso8601(now_of(ctx));
    props["provisioningErrors"] = nullptr;
    set_default(props, "computeLocation", workspace_location(ctx));
  }

  // §1.7: `underlyingResourceAction` (Delete | Detach) is required on DELETE.
  void check_delete(const request_context& rc) const override {
    const auto action = find_param(rc.query, "underlyingResourceAction");
    if (!action || (!http::iequals(*action, "Delete") && !http::iequals(*action, "Detach")))
      throw bad_argument("The query parameter underlyingResourceAction is required and must be 'Delete' or 'Detach'.",
                         "underlyingResourceAction");
  }
};

// §2.1: a job PUT is synchronous; cancel and delete are long-running with Location only.
class job final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.MachineLearningServices/workspaces/jobs"; }
  bool tracked() const noexcept override { return false; }
  bool async_put() const noexcept override { return false; }
  bool async_patch() const noexcept override { return false; }
  bool has_provisioning_state() const noexcept override { return false; }
  bool async_operation_header(op_verb) const noexcept override { return false; }

  void prepare(put_context& ctx) const override {
    auto& props = required_properties(ctx);
    if (string_member(props, "jobType").empty()) throw bad_argument("properties.jobType is required.", "properties.jobType");
    if (ctx.existing != nullptr) {
      // A re-PUT does not resubmit: only the mutable metadata changes.
      auto body = ctx.existing->body;
      auto& kept = member_object(body, "properties");
      for (const auto* key : {"displayName", "description", "tags", "isArchived"})
        if (const auto* v = props.if_contains(key)) kept[key] = *v;
      ctx.body = std::move(body);
      return;
    }
    props["status"] = "NotStarted";
    set_default(props, "experimentName", "Default");
    set_default(props, "displayName", ctx.name);
    set_default(props, "parameters", boost::json::object{});
    std::string workspace_id = ctx.parent != nullptr ? ctx.parent->id : std::string{};
    const auto* ws = properties_of(ctx.parent);
    auto& services = member_object(props, "services");
    services["Tracking"] = boost::json::object{
        {"jobServiceType", "Tracking"}, {"endpoint", ws ? string_member(*ws, "mlFlowTrackingUri") : std::string{}}};
    services["Studio"] = boost::json::object{
        {"jobServiceType", "Studio"},
        {"endpoint", "https://ml.azure.com/runs/" + ctx.name + "?wsid=" + workspace_id +
                         "&tid=" + ctx.st->tokens->options().tenant_id}};
  }

  std::optional<http::response> action(action_context& ctx) const override {
    if (!http::iequals(ctx.action, "cancel")) return std::nullopt;
    auto& props = member_object(ctx.resource->body, "properties");
    const auto status = string_member(props, "status");
    for (const auto* terminal : {"Completed", "Failed", "Canceled", "CancelRequested"})
      if (status == terminal) return empty_response(200);
    props["status"] = "CancelRequested";
    auto& op = ctx.st->start_operation(*ctx.rc, *ctx.resource, op_verb::action, false, "cancel");
    // Whoever runs the job hears of the cancel as it starts (arm_api::on_start), so that the work
    // stops before the operation completes.
    if (const auto failure = ctx.st->notify(change_kind::updated, *ctx.resource, /*started=*/true)) {
      ctx.resource->operation.clear();
      ctx.st->fail_operation(op, ctx.resource, *failure, ctx.rc->now);
    }
    auto res = empty_response(202);
    ctx.st->lro_headers(res, *ctx.rc, op);
    return res;
  }

  // The cancel completes as Canceled; the job's runner (an on_change observer) may hold it at
  // CancelRequested until its processes are gone, then sets Canceled itself.
  void finish(stored_resource& r, const operation& op) const override {
    if (op.verb == op_verb::action && op.action == "cancel") member_object(r.body, "properties")["status"] = "Canceled";
  }
};

// §2.5: PUT reports with Azure-AsyncOperation; PATCH and DELETE with Location.
class online_endpoint final : public resource_kind {
 public:
  std::string_view type() const noexcept override {
    return "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
  }
  bool location_from_parent() const noexcept override { return true; }
  bool async_operation_header(op_verb verb) const noexcept override { return verb == op_verb::put; }

  void prepare(put_context& ctx) const override {
    auto& props = member_object(ctx.body, "properties");
    set_default(props, "authMode", "Key");
    set_default(props, "traffic", boost::json::object{});
    set_default(props, "mirrorTraffic", boost::json::object{});
    const auto origin = ctx.rc != nullptr ? ctx.rc->origin : std::string("http://127.0.0.1");
    props["scoringUri"] = origin + "/api/v1/endpoint/" + ctx.name + "/score";
    props["swaggerUri"] = origin + "/api/v1/endpoint/" + ctx.name + "/swagger.json";
    set_default(ctx.body, "identity", boost::json::object{{"type", "SystemAssigned"}});
    ctx.secrets = ctx.existing != nullptr && !ctx.existing->secrets.empty()
                      ? ctx.existing->secrets
                      : boost::json::object{{"primaryKey", key_text(*ctx.st)}, {"secondaryKey", key_text(*ctx.st)}};
  }

  std::optional<http::response> action(action_context& ctx) const override {
    const auto& secrets = ctx.resource->secrets;
    if (http::iequals(ctx.action, "listKeys"))
      return json_response(200, boost::json::object{{"primaryKey", string_member(secrets, "primaryKey")},
                                                    {"secondaryKey", string_member(secrets, "secondaryKey")}});
    if (http::iequals(ctx.action, "token")) {
      const auto now = epoch_seconds(ctx.rc->now);
      return json_response(200, boost::json::object{{"accessToken", key_text(*ctx.st)},
                                                    {"tokenType", "Bearer"},
                                                    {"expiryTimeUtc", now + 3600},
                                                    {"refreshAfterTimeUtc", now + 1800}});
    }
    return std::nullopt;
  }
};

// §2.6: a KubernetesOnlineDeployment; `sku.capacity` is the instance count.
class online_deployment final : public resource_kind {
 public:
  std::string_view type() const noexcept override {
    return "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
  }
  bool location_from_parent() const noexcept override { return true; }
  bool async_operation_header(op_verb verb) const noexcept override { return verb == op_verb::put; }

  void prepare(put_context& ctx) const override {
    auto& props = required_properties(ctx);
    set_default(props, "endpointComputeType", "Kubernetes");
    set_default(ctx.body, "sku", boost::json::object{{"name", "Default"}, {"capacity", 1}});
  }
};

}  // namespace

const resource_kind& workspace_kind() noexcept {
  static const workspace kind;
  return kind;
}
const resource_kind& compute_kind() noexcept {
  static const compute kind;
  return kind;
}
const resource_kind& job_kind() noexcept {
  static const job kind;
  return kind;
}
const resource_kind& online_endpoint_kind() noexcept {
  static const online_endpoint kind;
  return kind;
}
const resource_kind& online_deployment_kind() noexcept {
  static const online_deployment kind;
  return kind;
}

}  // namespace amlk8s::local::detail
