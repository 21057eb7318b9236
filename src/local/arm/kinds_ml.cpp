// Microsoft.MachineLearningServices: workspaces, computes, jobs, online endpoints and deployments
// (contracts/aml-workspace-and-auth.md §1 and §2). This file keeps the resource shapes and the
// checks the service makes from ARM state alone (the cluster and its AzureML extension on attach,
// references between resources); what happens on a cluster (instance types, inference pods,
// scoring) is src/local/ml, through observers.
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"
#include "local/ml/wire.hpp"

#include <amlk8s/local/azureml_agent.hpp>

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdint>

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

// The AzureML extension on `cluster` (§3.2: what attach and deployments need there): the first
// with extensionType Microsoft.AzureML.Kubernetes, one in state Succeeded preferred; null for none.
const stored_resource* azureml_extension_on(arm_api::state& st, const stored_resource& cluster) {
  const stored_resource* found = nullptr;
  for (const auto* e : st.children(to_lower(cluster.id), &extension_kind())) {
    const auto* p = properties_of(e);
    if (p == nullptr || !http::iequals(string_member(*p, "extensionType"), azureml_extension_type)) continue;
    if (found == nullptr || (string_member(*p, "provisioningState") == "Succeeded" &&
                             string_member(*properties_of(found), "provisioningState") != "Succeeded"))
      found = e;
  }
  return found;
}

// `configurationSettings[key]` of an extension is "True" (any case).
bool extension_setting_on(const stored_resource& extension, std::string_view key) {
  const auto* p = properties_of(&extension);
  if (p == nullptr) return false;
  const auto* settings = p->if_contains("configurationSettings");
  return settings != nullptr && settings->is_object() &&
         http::iequals(string_member(settings->as_object(), key), "true");
}

// What the service checks on the cluster before a Kubernetes compute is attached (§3.2): the
// AzureML extension is installed there, has succeeded, and runs training or inference. `what`
// starts each message ("Cannot attach cluster 'aks1'"). Returns the extension.
const stored_resource& check_azureml_extension(arm_api::state& st, const stored_resource& cluster, const std::string& what,
                                               const std::string& target) {
  const auto* extension = azureml_extension_on(st, cluster);
  if (extension == nullptr)
    throw arm_error{400, "AzureMLExtensionNotFound",
                    what + ": the AzureML extension (extensionType Microsoft.AzureML.Kubernetes) is not installed on "
                           "cluster '" + cluster.name + "'. Install it (az k8s-extension create --extension-type "
                           "Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True ...), wait "
                           "until it has succeeded, then try again.",
                    target};
  const auto state = string_member(*properties_of(extension), "provisioningState");
  if (state != "Succeeded")
    throw arm_error{400, "AzureMLExtensionNotReady",
                    what + ": the AzureML extension '" + extension->name + "' on cluster '" + cluster.name +
                        "' is in provisioningState '" + state + "', and it must be 'Succeeded'. Wait for its "
                        "operation to finish, or fix the failed install (see the extension's statuses and "
                        "errorInfo), then try again.",
                    target};
  if (!extension_setting_on(*extension, "enableTraining") && !extension_setting_on(*extension, "enableInference"))
    throw arm_error{400, "AzureMLExtensionFeaturesDisabled",
                    what + ": the AzureML extension '" + extension->name + "' on cluster '" + cluster.name +
                        "' has neither enableTraining nor enableInference set to True. Update its configuration "
                        "settings (enableTraining=True and/or enableInference=True), then try again.",
                    target};
  return *extension;
}

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
    const stored_resource* cluster = nullptr;
    if (kubernetes || http::iequals(compute_type, "AKS")) {
      const auto resource_id = string_member(props, "resourceId");
      if (resource_id.empty())
        throw bad_argument("properties.resourceId is required for computeType " + compute_type + ".", "properties.resourceId");
      // The attached cluster must exist: 400 BadArgument (the compute PUT itself is valid ARM; its
      // reference is not), as the AML RP answers a bad resourceId.
      cluster = ctx.st->find(resource_id);
      if (cluster == nullptr ||
          (cluster->kind != &managed_cluster_kind() && (!kubernetes || cluster->kind != &connected_cluster_kind())))
        throw bad_argument("The cluster '" + resource_id +
                               "' in properties.resourceId was not found. Check the id, and that the cluster is an "
                               "AKS cluster or an Azure Arc-enabled Kubernetes cluster.",
                           "properties.resourceId");
      props["resourceId"] = cluster->id;
    }
    if (kubernetes) {
      const auto& extension =
          check_azureml_extension(*ctx.st, *cluster, "Cannot attach cluster '" + cluster->name + "' as compute '" + ctx.name + "'",
                                  "properties.resourceId");
      // §1.3/§3.3: what the service fills in KubernetesProperties. The instance types start as the
      // virtual default; the compute sync (src/local/ml) reads the cluster's InstanceType CRs.
      auto& k8s = member_object(props, "properties");
      set_default(k8s, ml::namespace_member, "default");
      k8s[ml::default_instance_type_member] = model::default_instance_type_name;
      k8s[ml::instance_types_member] = ml::instance_types_map({});
      const auto* ext_props = properties_of(&extension);
      const auto train = string_member(*ext_props, "releaseTrain");
      k8s[ml::release_train_member] = train.empty() ? boost::json::value(nullptr) : boost::json::value(to_lower(train));
      std::string principal;
      if (const auto* id = extension.body.if_contains("identity"); id != nullptr && id->is_object())
        principal = string_member(id->as_object(), "principalId");
      k8s[ml::principal_id_member] = principal.empty() ? boost::json::value(nullptr) : boost::json::value(principal);
    }
    props["isAttachedCompute"] = kubernetes || http::iequals(compute_type, "AKS");
    const auto* before = properties_of(ctx.existing);
    const auto created = before ? string_member(*before, "createdOn") : std::string{};
    props["createdOn"] = created.empty() ? iso8601(now_of(ctx)) : created;
    props["modifiedOn"] = iso8601(now_of(ctx));
    props["provisioningErrors"] = nullptr;
    set_default(props, "computeLocation", workspace_location(ctx));
  }

  // §1.7: `underlyingResourceAction` (Delete | Detach) is required on DELETE. Either removes only
  // the compute resource: an attached cluster is never deleted through its attachment.
  void check_delete(const request_context& rc) const override {
    const auto action = find_param(rc.query, "underlyingResourceAction");
    if (!action || (!http::iequals(*action, "Delete") && !http::iequals(*action, "Detach")))
      throw bad_argument("The query parameter underlyingResourceAction is required and must be 'Delete' or 'Detach'.",
                         "underlyingResourceAction");
  }

  // §1.5: a failed attach reports its error in provisioningErrors.
  void failed(stored_resource& r, const operation& op, const operation_failure& failure) const override {
    (void)op;
    member_object(r.body, "properties")["provisioningErrors"] = boost::json::array{
        boost::json::object{{"error", boost::json::object{{"code", failure.code}, {"message", failure.message}}}}};
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

// ---- online endpoints (§2.5) -------------------------------------------------------------------

// How many AMLToken tokens an endpoint keeps (expired ones go first).
constexpr std::size_t max_tokens = 256;
constexpr std::int64_t token_lifetime_s = 3600;
constexpr std::int64_t token_refresh_s = 1800;

std::string canonical_auth_mode(const boost::json::object& props) {
  const auto* v = props.if_contains("authMode");
  if (v == nullptr || v->is_null()) return std::string(ml::auth_key);
  if (v->is_string())
    for (const auto mode : {ml::auth_key, ml::auth_aml_token, ml::auth_aad_token})
      if (http::iequals(v->as_string(), mode)) return std::string(mode);
  throw bad_argument("properties.authMode must be 'Key', 'AMLToken' or 'AADToken'.", "properties.authMode");
}

// §2.5: `compute` is the ARM id of a Kubernetes compute of the endpoint's workspace. Returns the
// id as stored.
std::string check_endpoint_compute(arm_api::state& st, const std::string& workspace_key, const std::string& workspace_name,
                                   const boost::json::object& props) {
  const auto value = string_member(props, "compute");
  if (value.empty())
    throw bad_argument("properties.compute is required: the ARM id of a Kubernetes compute attached to workspace '" +
                           workspace_name + "' (" + "{workspace id}/computes/{name}). Managed online endpoints are not "
                           "served by the local control plane.",
                       "properties.compute");
  const auto* c = st.find(value);
  if (c == nullptr || c->kind != &compute_kind() || c->parent_key != workspace_key)
    throw bad_argument("properties.compute '" + value + "' is not a compute of workspace '" + workspace_name +
                           "'. Attach the cluster first (PUT {workspace id}/computes/{name} with computeType "
                           "Kubernetes) and give that compute's ARM id.",
                       "properties.compute");
  const auto type = string_member(*properties_of(c), "computeType");
  if (!http::iequals(type, "Kubernetes"))
    throw bad_argument("properties.compute '" + c->id + "' is a compute of type '" + type +
                           "'; a Kubernetes online endpoint needs a compute of computeType Kubernetes.",
                       "properties.compute");
  return c->id;
}

// §2.5 traffic: deployment name -> whole percent 0..100, every name a deployment of the endpoint,
// the sum 100 (or 0: no traffic). Names are stored as the deployments spell them.
void check_traffic(arm_api::state& st, const std::string& endpoint_id, std::string_view endpoint_name,
                   boost::json::object& props) {
  auto* v = props.if_contains("traffic");
  if (v == nullptr || v->is_null()) {
    props["traffic"] = boost::json::object{};
    return;
  }
  if (!v->is_object())
    throw bad_argument("properties.traffic must be an object: deployment name -> percent.", "properties.traffic");
  const auto deployments = st.children(to_lower(endpoint_id), &online_deployment_kind());
  boost::json::object traffic;
  std::int64_t sum = 0;
  for (const auto& [name, percent] : v->as_object()) {
    std::int64_t p = -1;
    if (percent.is_int64()) p = percent.as_int64();
    else if (percent.is_uint64() && percent.as_uint64() <= 100) p = static_cast<std::int64_t>(percent.as_uint64());
    if (p < 0 || p > 100)
      throw bad_argument("properties.traffic['" + std::string(name) + "'] must be a whole number from 0 to 100.",
                         "properties.traffic");
    const auto it = std::find_if(deployments.begin(), deployments.end(),
                                 [&](const stored_resource* d) { return http::iequals(d->name, name); });
    if (it == deployments.end())
      throw bad_argument("properties.traffic names deployment '" + std::string(name) + "', which endpoint '" +
                             std::string(endpoint_name) + "' does not have. Create the deployment first, then give it traffic.",
                         "properties.traffic");
    traffic[(*it)->name] = p;
    sum += p;
  }
  if (sum != 0 && sum != 100)
    throw bad_argument("The traffic of endpoint '" + std::string(endpoint_name) + "' adds up to " + std::to_string(sum) +
                           "; it must add up to 100 (or 0 to send no traffic).",
                       "properties.traffic");
  props["traffic"] = std::move(traffic);
}

// The scoring route serves every endpoint by name from one address (`/api/v1/endpoint/{name}`), as
// Azure does within a region, so a name is taken once in the whole control plane.
void check_name_free(arm_api::state& st, const put_context& ctx) {
  if (ctx.existing != nullptr) return;
  for (const auto& [key, r] : st.resources)
    if (r.kind == &online_endpoint_kind() && http::iequals(r.name, ctx.name))
      throw arm_error{409, "EndpointNameInUse",
                      "An online endpoint named '" + ctx.name + "' already exists (" + r.id +
                          "). Endpoint names are unique within a region; choose another name.",
                      "name"};
}

// A key for regenerateKeys' keyValue: what fits an Authorization header.
bool valid_key(std::string_view key) {
  if (key.size() < 16 || key.size() > 512) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

arm_error wrong_auth_mode(const stored_resource& endpoint, std::string_view mode, std::string_view action) {
  std::string hint = mode == ml::auth_key        ? "use listKeys"
                     : mode == ml::auth_aml_token ? "use the token action"
                                                  : "use an Entra ID token for https://ml.azure.com";
  return bad_argument("The endpoint '" + endpoint.name + "' uses authMode " + std::string(mode) + ", which has no " +
                          std::string(action) + "; " + hint + " (or change the endpoint's authMode).",
                      "properties.authMode");
}

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
    check_name_free(*ctx.st, ctx);
    props["authMode"] = canonical_auth_mode(props);
    const auto ws_key = ctx.parent != nullptr ? to_lower(ctx.parent->id) : std::string{};
    props["compute"] = check_endpoint_compute(*ctx.st, ws_key, ctx.parent != nullptr ? ctx.parent->name : "", props);
    check_traffic(*ctx.st, ctx.id, ctx.name, props);
    set_default(props, "mirrorTraffic", boost::json::object{});
    const auto origin = ctx.rc != nullptr ? ctx.rc->origin : std::string("http://127.0.0.1");
    props["scoringUri"] = origin + "/api/v1/endpoint/" + ctx.name + "/score";
    props["swaggerUri"] = origin + "/api/v1/endpoint/" + ctx.name + "/swagger.json";
    set_default(ctx.body, "identity", boost::json::object{{"type", "SystemAssigned"}});
    ctx.secrets = ctx.existing != nullptr && !ctx.existing->secrets.empty()
                      ? ctx.existing->secrets
                      : boost::json::object{{"primaryKey", key_text(*ctx.st)}, {"secondaryKey", key_text(*ctx.st)}};
  }

  void check_patched(arm_api::state& st, const stored_resource& r) const override {
    auto body = r.body;
    auto& props = member_object(body, "properties");
    (void)canonical_auth_mode(props);
    const auto* ws = st.find(r.parent_key);
    (void)check_endpoint_compute(st, r.parent_key, ws != nullptr ? ws->name : "", props);
    check_traffic(st, r.id, r.name, props);
  }

  std::optional<http::response> action(action_context& ctx) const override {
    auto& secrets = ctx.resource->secrets;
    const auto mode = canonical_auth_mode(member_object(ctx.resource->body, "properties"));
    if (http::iequals(ctx.action, "listKeys")) {
      if (mode != ml::auth_key) throw wrong_auth_mode(*ctx.resource, mode, "keys");
      return json_response(200, boost::json::object{{"primaryKey", string_member(secrets, "primaryKey")},
                                                    {"secondaryKey", string_member(secrets, "secondaryKey")}});
    }
    if (http::iequals(ctx.action, "token")) {
      if (mode != ml::auth_aml_token) throw wrong_auth_mode(*ctx.resource, mode, "AML tokens");
      // The scoring route accepts the token until it expires (epoch seconds on the ARM clock).
      const auto now = epoch_seconds(ctx.rc->now);
      boost::json::array kept;
      if (const auto* old = secrets.if_contains("tokens"); old != nullptr && old->is_array())
        for (const auto& t : old->as_array())
          if (t.is_object() && t.as_object().contains("expiresOn") && t.as_object().at("expiresOn").to_number<std::int64_t>() > now)
            kept.push_back(t);
      while (kept.size() >= max_tokens) kept.erase(kept.begin());
      const auto token = key_text(*ctx.st);
      kept.push_back(boost::json::object{{"token", token}, {"expiresOn", now + token_lifetime_s}});
      secrets["tokens"] = std::move(kept);
      return json_response(200, boost::json::object{{"accessToken", token},
                                                    {"tokenType", "Bearer"},
                                                    {"expiryTimeUtc", now + token_lifetime_s},
                                                    {"refreshAfterTimeUtc", now + token_refresh_s}});
    }
    if (http::iequals(ctx.action, "regenerateKeys")) {
      if (mode != ml::auth_key) throw wrong_auth_mode(*ctx.resource, mode, "keys");
      const auto body = parse_body(*ctx.rc);
      const auto key_type = string_member(body, "keyType");
      std::string member;
      if (http::iequals(key_type, "Primary")) member = "primaryKey";
      else if (http::iequals(key_type, "Secondary")) member = "secondaryKey";
      else throw bad_argument("keyType is required and must be 'Primary' or 'Secondary'.", "keyType");
      std::string value = key_text(*ctx.st);
      if (const auto* v = body.if_contains("keyValue"); v != nullptr && !v->is_null()) {
        if (!v->is_string() || !valid_key(v->as_string()))
          throw bad_argument("keyValue must be 16 to 512 printable ASCII characters without spaces.", "keyValue");
        value = std::string(v->as_string());
      }
      ctx.st->check_no_operation(*ctx.resource);
      secrets[member] = value;  // the old key stops working at once
      const auto& op = ctx.st->start_operation(*ctx.rc, *ctx.resource, op_verb::action, false, "regenerateKeys");
      auto res = empty_response(202);
      ctx.st->lro_headers(res, *ctx.rc, op);
      return res;
    }
    return std::nullopt;
  }
};

// ---- Kubernetes online deployments (§2.6) -------------------------------------------------------

// A workspace asset reference (§2.4): an ARM id of a version of `kind` in the workspace, or a
// registry asset (`azureml://registries/...`, taken as it is). Returns the id as stored.
std::string check_asset(arm_api::state& st, const std::string& workspace_key, const resource_kind& kind,
                        const std::string& value, const std::string& target, std::string_view what,
                        std::string_view register_hint) {
  if (value.starts_with("azureml://registries/")) return value;
  const auto* r = st.find(value);
  const auto* container = r != nullptr ? st.find(r->parent_key) : nullptr;
  if (r == nullptr || r->kind != &kind || container == nullptr || container->parent_key != workspace_key)
    throw bad_argument(target + " '" + value + "' is not " + std::string(what) + " of this workspace. " +
                           std::string(register_hint) + ", or give a registry id azureml://registries/{registry}/...",
                       target);
  return r->id;
}

// §2.6 environmentId. Environments are a kind of their own (another part of the control plane);
// until that kind is registered any id is accepted, and once it is, the id must name a version
// in the workspace, like a model. The one place this switch lives.
std::string check_environment(arm_api::state& st, const std::string& workspace_key, const std::string& value) {
  const auto* kind = find_kind(ml::environment_version_type);
  if (kind == nullptr) return value;
  return check_asset(st, workspace_key, *kind, value, "properties.environmentId", "an environment version",
                     "Create it first (PUT {workspace id}/environments/{name}/versions/{version})");
}

// The compute of a deployment's endpoint and the AzureML extension behind it, checked as the
// service does before it deploys (§3.2: inference must be enabled on the extension).
void check_deployment_target(arm_api::state& st, const stored_resource& endpoint, const std::string& deployment) {
  const auto* props = properties_of(&endpoint);
  const auto compute_id = props != nullptr ? string_member(*props, "compute") : std::string{};
  const auto* compute = st.find(compute_id);
  if (compute == nullptr || compute->kind != &compute_kind())
    throw bad_argument("The compute '" + compute_id + "' of endpoint '" + endpoint.name +
                           "' no longer exists. Attach the cluster again under that name, or point the endpoint at "
                           "another Kubernetes compute.",
                       "properties.compute");
  const auto* cluster = st.find(string_member(*properties_of(compute), "resourceId"));
  if (cluster == nullptr)
    throw bad_argument("The cluster behind compute '" + compute->name + "' no longer exists. Detach the compute and "
                           "attach an existing cluster.",
                       "properties.compute");
  const auto what = "Cannot deploy '" + deployment + "' to compute '" + compute->name + "'";
  const auto& extension = check_azureml_extension(st, *cluster, what, "properties.compute");
  if (!extension_setting_on(extension, "enableInference"))
    throw arm_error{400, "AzureMLExtensionInferenceDisabled",
                    what + ": the AzureML extension '" + extension.name + "' on cluster '" + cluster->name +
                        "' runs without enableInference=True. Update the extension with enableInference=True "
                        "(and an inferenceRouterServiceType), then deploy again.",
                    "properties.compute"};
}

// §2.6: a KubernetesOnlineDeployment; `sku.capacity` is the instance count. The inference
// operator (src/local/ml) makes its pods when the PUT completes.
class online_deployment final : public resource_kind {
 public:
  std::string_view type() const noexcept override {
    return "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
  }
  bool location_from_parent() const noexcept override { return true; }
  bool async_operation_header(op_verb verb) const noexcept override { return verb == op_verb::put; }

  void prepare(put_context& ctx) const override {
    (void)required_properties(ctx);
    {
      auto& sku = member_object(ctx.body, "sku");  // before `props`: adding a member may move the others
      set_default(sku, "name", "Default");
      set_default(sku, "capacity", 1);
      const auto& capacity = sku.at("capacity");
      if (!((capacity.is_int64() && capacity.as_int64() >= 1) || (capacity.is_uint64() && capacity.as_uint64() >= 1)))
        throw bad_argument("sku.capacity (the instance count) must be a whole number of at least 1.", "sku.capacity");
    }
    auto& props = required_properties(ctx);
    set_default(props, "endpointComputeType", "Kubernetes");
    if (!http::iequals(string_member(props, "endpointComputeType"), "Kubernetes"))
      throw bad_argument("properties.endpointComputeType must be 'Kubernetes': the local control plane serves "
                         "Kubernetes online deployments only.",
                         "properties.endpointComputeType");
    props["endpointComputeType"] = "Kubernetes";
    if (const auto* t = props.if_contains("instanceType"); t != nullptr && !t->is_null() && (!t->is_string() || t->as_string().empty()))
      throw bad_argument("properties.instanceType must be the name of an instance type of the cluster.",
                         "properties.instanceType");
    // §2.6: a deployment without an instance type runs as defaultinstancetype.
    set_default(props, "instanceType", model::default_instance_type_name);

    if (ctx.parent == nullptr) return;
    const auto& workspace_key = ctx.parent->parent_key;
    if (const auto* m = props.if_contains("model"); m != nullptr && !m->is_null()) {
      if (!m->is_string() || m->as_string().empty())
        throw bad_argument("properties.model must be the ARM id of a model version.", "properties.model");
      props["model"] = check_asset(*ctx.st, workspace_key, model_version_kind(), std::string(m->as_string()),
                                   "properties.model", "a model version",
                                   "Register the model first (PUT {workspace id}/models/{name}/versions/{version})");
    }
    if (const auto env = string_member(props, "environmentId"); !env.empty())
      props["environmentId"] = check_environment(*ctx.st, workspace_key, env);
    if (const auto* cc = props.if_contains("codeConfiguration"); cc != nullptr && cc->is_object())
      if (const auto code = string_member(cc->as_object(), "codeId"); !code.empty())
        props["codeConfiguration"].as_object()["codeId"] =
            check_asset(*ctx.st, workspace_key, code_version_kind(), code, "properties.codeConfiguration.codeId",
                        "a code version", "Upload the code first (PUT {workspace id}/codes/{name}/versions/{version})");
    check_deployment_target(*ctx.st, *ctx.parent, ctx.name);
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
