// Kubernetes computes (contracts/aml-workspace-and-auth.md §1.2-1.8, §3.1-3.3): the attach body,
// reading ComputeResource, and the client's checks and calls, written as coroutines.
#include <amlk8s/model/compute.hpp>

#include "arm/blocking.hpp"
#include "model/coro.hpp"
#include "model/ml_common.hpp"
#include "model/wire.hpp"

#include <amlk8s/kube/resource.hpp>
#include <amlk8s/model/cluster.hpp>
#include <amlk8s/model/extension.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cctype>
#include <ostream>
#include <sstream>

namespace amlk8s::model {

namespace json = boost::json;
namespace asio = boost::asio;
using detail::check;
using detail::use_tuple;

// ---- the value type ---------------------------------------------------------------------------

namespace {

// §1.2: no pattern in the spec; until the service says otherwise, AmlCompute's rule.
bool valid_compute_name(std::string_view n) {
  if (n.size() < 2 || n.size() > 16 || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

bool valid_dns1123_label(std::string_view n) {
  if (n.empty() || n.size() > 63) return false;
  for (char c : n)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) return false;
  return n.front() != '-' && n.back() != '-';
}

// §3.3: an InstanceTypeSchema {nodeSelector, resources{requests, limits}} read as the custom resource.
instance_type instance_type_of(std::string_view name, const json::value& schema) {
  json::object spec;
  if (const auto* o = schema.if_object()) {
    if (const auto* sel = o->if_contains("nodeSelector"); sel && sel->is_object()) spec["nodeSelector"] = *sel;
    if (const auto* r = o->if_contains("resources"); r && r->is_object()) spec["resources"] = *r;
    if (const auto* t = o->if_contains("tolerations"); t && t->is_array()) spec["tolerations"] = *t;
  }
  return instance_type::from_json(json::object{{"metadata", json::object{{"name", name}}}, {"spec", std::move(spec)}});
}

}  // namespace

std::vector<validation_issue> kubernetes_compute::validate() const {
  std::vector<validation_issue> out;
  if (!valid_compute_name(name))
    out.push_back({"name", "'" + name + "' is not a valid compute name",
                   "use 2 to 16 characters: a letter first, then letters, digits or '-'"});
  if (cluster.empty())
    out.push_back({"cluster", "no cluster is given", "set the ARM id of the AKS or Arc cluster to attach"});
  else if (!cluster_kind_of(cluster))
    out.push_back({"cluster", "'" + cluster.to_string() + "' is not an AKS or Arc cluster id",
                   "pass a Microsoft.ContainerService/managedClusters or Microsoft.Kubernetes/connectedClusters id"});
  if (!valid_dns1123_label(namespace_name))
    out.push_back({"namespace", "'" + namespace_name + "' is not a Kubernetes namespace name",
                   "use lower-case letters, digits and '-' (at most 63), e.g. \"default\""});
  if (identity) {
    const auto& t = identity->type;
    const bool system = t == "SystemAssigned", user = t == "UserAssigned", both = t == "SystemAssigned,UserAssigned";
    if (!system && !user && !both && t != "None")
      out.push_back({"identity.type", "'" + t + "' is not an identity type",
                     "use SystemAssigned, UserAssigned, \"SystemAssigned,UserAssigned\" or None"});
    if ((user || both) && identity->user_assigned_identities.empty())
      out.push_back({"identity.user_assigned_identities", "UserAssigned needs an identity",
                     "add the ARM id of a user-assigned managed identity"});
    if (!(user || both) && !identity->user_assigned_identities.empty())
      out.push_back({"identity.user_assigned_identities", "identities are given but the type is " + t,
                     "set identity.type to UserAssigned, or remove the identities"});
  }
  return out;
}

std::vector<std::string> kubernetes_compute::warnings() const {
  std::vector<std::string> out;
  if (identity && identity->user_assigned_identities.size() > 1)
    out.push_back("only the first user-assigned identity (" + identity->user_assigned_identities.front() +
                  ") is used by a Kubernetes compute; the others are ignored");
  return out;
}

json::value kubernetes_compute::to_json() const {
  // §1.3 minimal attach body, as azure-ai-ml's KubernetesCompute._to_rest_object.
  json::object inner{{"namespace", namespace_name}};
  json::object props{{"computeType", "Kubernetes"}, {"resourceId", cluster.to_string()}, {"properties", std::move(inner)}};
  if (!description.empty()) props["description"] = description;
  json::object body{{"properties", std::move(props)}};
  if (!location.empty()) body["location"] = location;
  if (!tags.empty()) {
    json::object t;
    for (const auto& [k, v] : tags) t[k] = v;
    body["tags"] = std::move(t);
  }
  if (identity) {
    json::object ident{{"type", identity->type}};
    if (!identity->user_assigned_identities.empty()) {
      // §1.4: only the first user-assigned identity is used.
      ident["userAssignedIdentities"] = json::object{{identity->user_assigned_identities.front(), json::object{}}};
    }
    body["identity"] = std::move(ident);
  }
  return body;
}

kubernetes_compute kubernetes_compute::from_json(const json::value& body) {
  const auto root = detail::reader::root(body, "compute");
  kubernetes_compute c;
  c.name = root.string_or_empty("name");
  if (auto id = root.string("id")) c.id = *id;
  c.location = root.string_or_empty("location");
  c.tags = root.string_map("tags");
  if (auto ident = root.child("identity")) {
    compute_identity i;
    i.type = ident->string_or_empty("type");
    i.user_assigned_identities = ident->keys("userAssignedIdentities");
    i.principal_id = ident->string_or_empty("principalId");
    i.tenant_id = ident->string_or_empty("tenantId");
    c.identity = std::move(i);
  }
  if (auto props = root.child("properties")) {
    c.compute_type = props->string_or_empty("computeType");
    if (auto rid = props->string("resourceId"); rid && !rid->empty()) c.cluster = resource_id::parse(*rid);
    c.description = props->string_or_empty("description");
    c.provisioning_state = props->string_or_empty("provisioningState");
    c.created_on = props->string_or_empty("createdOn");
    c.modified_on = props->string_or_empty("modifiedOn");
    if (const auto* errors = props->array("provisioningErrors"); errors && !errors->empty()) {
      // §1.5: azure-ai-ml surfaces provisioningErrors[0].error.code.
      if (const auto* first = errors->front().if_object()) {
        detail::reader e(*first, props->path_of("provisioningErrors[0]"));
        if (auto err = e.child("error")) {
          c.provisioning_error_code = err->string_or_empty("code");
          c.provisioning_error_message = err->string_or_empty("message");
        }
      }
    }
    if (auto k8s = props->child("properties")) {
      c.namespace_name = k8s->string("namespace").value_or("default");
      c.default_instance_type = k8s->string_or_empty("defaultInstanceType");
      c.extension_release_train = k8s->string_or_empty("extensionInstanceReleaseTrain");
      if (auto types = k8s->child("instanceTypes"))
        for (const auto& [k, v] : types->object()) c.instance_types.emplace(std::string(k), instance_type_of(k, v));
    }
  }
  return c;
}

std::optional<instance_type> kubernetes_compute::find_instance_type(std::string_view type_name) const {
  const std::string wanted(type_name.empty() ? default_instance_type_name : type_name);
  if (auto it = instance_types.find(wanted); it != instance_types.end()) return it->second;
  if (wanted == default_instance_type_name) return instance_type::virtual_default(default_profile::current);
  return std::nullopt;
}

bool kubernetes_compute::succeeded() const noexcept { return http::iequals(provisioning_state, "Succeeded"); }

std::string to_string(const kubernetes_compute& c) {
  std::ostringstream os;
  os << "compute " << c.name << " (" << c.compute_type << ")\n";
  os << "  cluster:            " << c.cluster.to_string() << "\n";
  os << "  namespace:          " << c.namespace_name << "\n";
  if (!c.provisioning_state.empty()) os << "  provisioning state: " << c.provisioning_state << "\n";
  if (!c.provisioning_error_code.empty())
    os << "  error:              " << c.provisioning_error_code << ": " << c.provisioning_error_message << "\n";
  if (c.identity) os << "  identity:           " << c.identity->type << "\n";
  if (!c.instance_types.empty()) {
    os << "  instance types:     ";
    bool first = true;
    for (const auto& [name, t] : c.instance_types) {
      os << (first ? "" : ", ") << name << (name == c.default_instance_type ? " (default)" : "");
      first = false;
    }
    os << "\n";
  }
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const kubernetes_compute& c) { return os << to_string(c); }

void require_workspace_id(const resource_id& id, std::string_view field) {
  if (id.kind() != resource_id::id_kind::resource || !id.is_type("Microsoft.MachineLearningServices/workspaces"))
    throw validation_error({{std::string(field), "'" + id.to_string() + "' is not an AzureML workspace id",
                             "pass /subscriptions/{sub}/resourceGroups/{rg}/providers/"
                             "Microsoft.MachineLearningServices/workspaces/{name} (see amlk8s::workspace_id)"}});
}

// ---- the client -------------------------------------------------------------------------------

computes_client::computes_client(arm::client& arm, resource_id workspace) : arm_(&arm), workspace_(std::move(workspace)) {
  require_workspace_id(workspace_);
}

resource_id computes_client::compute_id(std::string_view name) const { return amlk8s::compute_id(workspace_, name); }

namespace {

// The AzureML extension on `cluster`, or the issue that says why it is missing or unfit.
std::optional<validation_issue> extension_problem(const std::vector<extension>& extensions) {
  const extension* found = nullptr;
  for (const auto& e : extensions)
    if (http::iequals(e.extension_type, "Microsoft.AzureML.Kubernetes")) found = &e;
  if (found == nullptr)
    return validation_issue{"cluster", "the AzureML extension is not installed on the cluster",
                            "install it first (azureml_client::create, or az k8s-extension create "
                            "--extension-type Microsoft.AzureML.Kubernetes)"};
  if (!found->succeeded())
    return validation_issue{"cluster", "the AzureML extension '" + found->name + "' is " + found->provisioning_state,
                            "wait for it to succeed, or repair it (azureml_client::verify shows what is wrong)"};
  auto enabled = [&](std::string_view key) {
    for (const auto& [k, v] : found->configuration_settings)
      if (http::iequals(k, key)) return http::iequals(v, "true");
    return false;
  };
  if (!enabled("enableTraining") && !enabled("enableInference"))
    return validation_issue{"cluster", "the AzureML extension '" + found->name + "' has neither training nor inference enabled",
                            "update it with enableTraining=True and/or enableInference=True"};
  return std::nullopt;
}

asio::awaitable<arm::poller> attach_coro(arm::client* arm, resource_id workspace, kubernetes_compute c,
                                         attach_options options, diagnostics* diag) {
  if (auto issues = c.validate(); !issues.empty()) throw validation_error(std::move(issues));
  if (options.check_cluster) {
    clusters_client clusters(*arm);
    auto op1 = clusters.async_get(c.cluster, *diag, use_tuple);
    auto [ec1, info] = co_await std::move(op1);
    if (ec1 == errc::not_found) {
      diag->clear();
      throw detail::precondition({"cluster", "the cluster '" + c.cluster.to_string() + "' does not exist",
                                  "check the id, or create the cluster first"});
    }
    check(ec1, *diag);
    extensions_client extensions(*arm);
    auto op2 = extensions.async_list(c.cluster, *diag, use_tuple);
    auto [ec2, list] = co_await std::move(op2);
    check(ec2, *diag);
    if (auto problem = extension_problem(list)) throw detail::precondition(std::move(*problem));
  }
  if (options.k8s != nullptr) {
    auto op3 = options.k8s->async_get(kube::resources::namespaces, "", c.namespace_name, *diag, use_tuple);
    auto [ec3, ns] = co_await std::move(op3);
    if (ec3 == errc::not_found) {
      diag->clear();
      throw detail::precondition({"namespace", "namespace '" + c.namespace_name + "' does not exist in the cluster",
                                  "create it (kubectl create namespace " + c.namespace_name +
                                      ") or attach with an existing namespace"});
    }
    check(ec3, *diag);
  }
  arm::request req;
  req.method = http::verb::put;
  req.path = amlk8s::compute_id(workspace, c.name).to_string();
  req.body = c.to_json();
  auto beginning = detail::ml_begin(*arm, std::move(req), *diag);
  co_return co_await std::move(beginning);
}

asio::awaitable<kubernetes_compute> get_coro(arm::client* arm, resource_id id, diagnostics* diag) {
  auto reading = detail::ml_get(*arm, id.to_string(), *diag);
  auto body = co_await std::move(reading);
  co_return detail::read_or_throw<kubernetes_compute>(body, "compute", *diag, &kubernetes_compute::from_json);
}

asio::awaitable<std::vector<kubernetes_compute>> list_coro(arm::client* arm, resource_id workspace, bool k8s_only,
                                                           diagnostics* diag) {
  auto listing = detail::ml_list(*arm, workspace.to_string() + "/computes", *diag);
  auto items = co_await std::move(listing);
  std::vector<kubernetes_compute> out;
  for (const auto& item : items) {
    auto c = detail::read_or_throw<kubernetes_compute>(item, "compute", *diag, &kubernetes_compute::from_json);
    // §1.8: filter on computeType, case-insensitively.
    if (!k8s_only || http::iequals(c.compute_type, "Kubernetes")) out.push_back(std::move(c));
  }
  co_return out;
}

asio::awaitable<arm::poller> detach_coro(arm::client* arm, resource_id id, detach_action action, diagnostics* diag) {
  arm::request req;
  req.method = http::verb::delete_;
  req.path = id.to_string();
  // §1.7: underlyingResourceAction is required; Detach is the Kubernetes default.
  req.query.emplace_back("underlyingResourceAction", action == detach_action::detach ? "Detach" : "Delete");
  auto beginning = detail::ml_begin(*arm, std::move(req), *diag);
  co_return co_await std::move(beginning);
}

}  // namespace

void computes_client::async_begin_attach_erased(kubernetes_compute compute, attach_options options, diagnostics& diag,
                                                detail::handler<arm::poller> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, attach_coro(arm_, workspace_, std::move(compute), options, &diag), std::move(h));
}

arm::poller computes_client::begin_attach(const kubernetes_compute& compute, const attach_options& options) const {
  return detail::block<arm::poller>([&](diagnostics& d, auto h) { async_begin_attach_erased(compute, options, d, std::move(h)); });
}

kubernetes_compute computes_client::attach(const kubernetes_compute& compute, const attach_options& options) const {
  auto p = begin_attach(compute, options);
  p.wait();
  return get(compute.name);
}

void computes_client::async_get_erased(std::string name, diagnostics& diag, detail::handler<kubernetes_compute> h) const {
  diag.clear();
  resource_id id;
  try {
    id = compute_id(name);
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    return detail::complete_later(arm_->get_executor(), std::move(h), e.code(), kubernetes_compute{});
  }
  detail::spawn(arm_->get_executor(), diag, get_coro(arm_, std::move(id), &diag), std::move(h));
}

kubernetes_compute computes_client::get(std::string_view name) const {
  return detail::block<kubernetes_compute>([&](diagnostics& d, auto h) { async_get_erased(std::string(name), d, std::move(h)); });
}

void computes_client::async_list_erased(bool kubernetes_only, diagnostics& diag,
                                        detail::handler<std::vector<kubernetes_compute>> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, list_coro(arm_, workspace_, kubernetes_only, &diag), std::move(h));
}

std::vector<kubernetes_compute> computes_client::list(bool kubernetes_only) const {
  return detail::block<std::vector<kubernetes_compute>>(
      [&](diagnostics& d, auto h) { async_list_erased(kubernetes_only, d, std::move(h)); });
}

void computes_client::async_begin_detach_erased(std::string name, detach_action action, diagnostics& diag,
                                                detail::handler<arm::poller> h) const {
  diag.clear();
  resource_id id;
  try {
    id = compute_id(name);
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    return detail::complete_later(arm_->get_executor(), std::move(h), e.code(), arm::poller{});
  }
  detail::spawn(arm_->get_executor(), diag, detach_coro(arm_, std::move(id), action, &diag), std::move(h));
}

arm::poller computes_client::begin_detach(std::string_view name, detach_action action) const {
  return detail::block<arm::poller>(
      [&](diagnostics& d, auto h) { async_begin_detach_erased(std::string(name), action, d, std::move(h)); });
}

void computes_client::detach(std::string_view name, detach_action action) const {
  auto p = begin_detach(name, action);
  if (!p.done()) p.wait();
}

}  // namespace amlk8s::model
