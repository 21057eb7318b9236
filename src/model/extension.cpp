// Cluster extensions: every wire name of the extension resource (contracts/arm-extensions.md §1.3,
// §1.4), the generic rules of `az k8s-extension` (§2.1, §2.6, §2.8, §2.9) and the 404 rewriting
// (§1.7) live in this file.
#include <amlk8s/model/extension.hpp>

#include "arm/blocking.hpp"
#include "model/wire.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace amlk8s::model {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Wire names, §1.3 (extension resource), §1.4 (patchExtension), common-types v2 (identity,
// systemData, ErrorDetail).
namespace wire {
constexpr std::string_view properties = "properties";
constexpr std::string_view extension_type = "extensionType";
constexpr std::string_view auto_upgrade_minor_version = "autoUpgradeMinorVersion";
constexpr std::string_view auto_upgrade_mode = "autoUpgradeMode";  // 2025-03-01
constexpr std::string_view release_train = "releaseTrain";
constexpr std::string_view version = "version";
constexpr std::string_view current_version = "currentVersion";
constexpr std::string_view provisioning_state = "provisioningState";
constexpr std::string_view scope = "scope";
constexpr std::string_view scope_cluster = "cluster";
constexpr std::string_view release_namespace = "releaseNamespace";
constexpr std::string_view scope_namespace = "namespace";
constexpr std::string_view target_namespace = "targetNamespace";
constexpr std::string_view configuration_settings = "configurationSettings";
constexpr std::string_view configuration_protected_settings = "configurationProtectedSettings";  // x-ms-secret
constexpr std::string_view statuses = "statuses";
constexpr std::string_view error_info = "errorInfo";
constexpr std::string_view aks_assigned_identity = "aksAssignedIdentity";
constexpr std::string_view extension_state = "extensionState";  // 2025-03-01
constexpr std::string_view is_system_extension = "isSystemExtension";
constexpr std::string_view package_uri = "packageUri";
constexpr std::string_view custom_location_settings = "customLocationSettings";
constexpr std::string_view identity = "identity";
constexpr std::string_view identity_type = "type";
constexpr std::string_view user_assigned_identities = "userAssignedIdentities";
constexpr std::string_view principal_id = "principalId";
constexpr std::string_view tenant_id = "tenantId";
constexpr std::string_view plan = "plan";
constexpr std::string_view system_data = "systemData";
// §1.2: DELETE's query parameter.
constexpr std::string_view force_delete = "forceDelete";
}  // namespace wire

// §1.7: the CLI reads a 404 whose code is ResourceNotFound as "the cluster is missing".
bool cluster_is_missing(const diagnostics& d) {
  const auto code = detail::to_lower(d.service_code);
  return code == "resourcenotfound" || code == "parentresourcenotfound";
}

std::string cluster_words(const resource_id& cluster) {
  return "cluster '" + cluster.to_string() + "'";
}

// §1.7: turn a 404 into a message naming what is missing.
void explain_not_found(const resource_id& cluster, std::string_view name, diagnostics& d) {
  if (cluster_is_missing(d) || name.empty()) {
    d.client_message = "the " + cluster_words(cluster) + " was not found: check the subscription, resource group, "
                       "cluster name and cluster type (" + std::string(cluster.type_name()) + ")";
  } else {
    // The CLI's rewrite: "(ExtensionNotFound) The Resource {rp}/{type}/{cluster}/Microsoft.KubernetesConfiguration/
    // extensions/{name} could not be found!"
    d.client_message = "extension '" + std::string(name) + "' was not found on the " + cluster_words(cluster);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing.

json::object scope_json(const extension_scope& s) {
  if (s.cluster) {
    json::object c;
    if (!s.release_namespace.empty()) c[wire::release_namespace] = s.release_namespace;
    return json::object{{wire::scope_cluster, std::move(c)}};
  }
  json::object n;
  if (!s.target_namespace.empty()) n[wire::target_namespace] = s.target_namespace;
  return json::object{{wire::scope_namespace, std::move(n)}};
}

json::object string_map_json(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// Protected values go on the wire only when `reveal`; display forms show `***`.
json::object secret_map_json(const std::map<std::string, secret_string>& m, bool reveal) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = reveal ? std::string_view(v.reveal()) : redacted;
  return o;
}

json::object identity_json(const extension_identity& id) {
  json::object o{{wire::identity_type, id.type}};
  if (!id.user_assigned_identities.empty()) {
    json::object uai;
    for (const auto& r : id.user_assigned_identities) uai[r] = json::object{};
    o[wire::user_assigned_identities] = std::move(uai);
  }
  return o;
}

json::object plan_json(const extension_plan& p) {
  json::object o{{"name", p.name}, {"publisher", p.publisher}, {"product", p.product}};
  if (!p.promotion_code.empty()) o["promotionCode"] = p.promotion_code;
  if (!p.version.empty()) o["version"] = p.version;
  return o;
}

json::object spec_json(const extension_spec& s, bool reveal) {
  json::object props;
  props[wire::extension_type] = s.extension_type;
  // §2.1: a pinned version is sent with autoUpgradeMinorVersion false even when the caller left it
  // unset (the service's default is true, which the 2023-05-01 API rejects next to a version).
  if (s.auto_upgrade_minor_version) props[wire::auto_upgrade_minor_version] = *s.auto_upgrade_minor_version;
  else if (s.version) props[wire::auto_upgrade_minor_version] = false;
  if (s.auto_upgrade_mode) props[wire::auto_upgrade_mode] = *s.auto_upgrade_mode;
  if (s.release_train) props[wire::release_train] = *s.release_train;
  if (s.version) props[wire::version] = *s.version;
  if (s.scope) props[wire::scope] = scope_json(*s.scope);
  if (!s.configuration_settings.empty()) props[wire::configuration_settings] = string_map_json(s.configuration_settings);
  if (!s.configuration_protected_settings.empty())
    props[wire::configuration_protected_settings] = secret_map_json(s.configuration_protected_settings, reveal);
  json::object body;
  if (s.identity) body[wire::identity] = identity_json(*s.identity);
  if (s.plan) body[wire::plan] = plan_json(*s.plan);
  body[wire::properties] = std::move(props);
  return body;
}

json::object patch_json(const extension_patch& p, bool reveal) {
  // §1.4: only these members; unset ones are omitted (CLI 1.2.1 "Provide no default values for Patch").
  json::object props;
  if (p.auto_upgrade_mode) props[wire::auto_upgrade_mode] = *p.auto_upgrade_mode;
  if (p.auto_upgrade_minor_version) props[wire::auto_upgrade_minor_version] = *p.auto_upgrade_minor_version;
  else if (p.version) props[wire::auto_upgrade_minor_version] = false;  // §1.1/§2.1: a pin needs auto-upgrade off
  if (p.release_train) props[wire::release_train] = *p.release_train;
  if (p.version) props[wire::version] = *p.version;
  if (p.configuration_settings) props[wire::configuration_settings] = string_map_json(*p.configuration_settings);
  if (p.configuration_protected_settings)
    props[wire::configuration_protected_settings] = secret_map_json(*p.configuration_protected_settings, reveal);
  return json::object{{wire::properties, std::move(props)}};
}

// ---------------------------------------------------------------------------------------------
// Validation (§2.1 generic rules; §2.8 protected settings on update).

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

void check_version_pin(const std::optional<std::string>& version, const std::optional<bool>& auto_upgrade,
                       std::vector<validation_issue>& out) {
  if (!version) return;
  if (blank(*version))
    out.push_back({std::string(wire::version), "the pinned version is empty",
                   "set version to a published version of the extension type, or leave it unset"});
  if (auto_upgrade.value_or(false))
    out.push_back({std::string(wire::auto_upgrade_minor_version),
                   "To pin to specific version, auto-upgrade-minor-version must be set to 'false' (version '" +
                       *version + "' is given with autoUpgradeMinorVersion true; the API rejects it since 2023-05-01)",
                   "leave auto_upgrade_minor_version unset (a pinned version is sent with false) or set it to false; "
                   "or drop version to follow the release train"});
}

template <class Map>
void check_keys(const Map& m, std::string_view field, std::vector<validation_issue>& out) {
  for (const auto& entry : m)
    if (blank(entry.first)) {
      out.push_back({std::string(field), "a setting has an empty key", "give every setting a non-empty key"});
      return;
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

extension_identity read_identity(const detail::reader& r) {
  extension_identity id;
  id.type = r.string_or_empty(wire::identity_type);
  id.user_assigned_identities = r.keys(wire::user_assigned_identities);
  id.principal_id = r.string_or_empty(wire::principal_id);
  id.tenant_id = r.string_or_empty(wire::tenant_id);
  return id;
}

extension_error_info read_error_info(const detail::reader& r) {
  extension_error_info e;
  e.code = r.string_or_empty("code");
  e.message = redact_text(r.string_or_empty("message"));
  e.target = r.string_or_empty("target");
  if (const auto* details = r.array("details"))
    for (std::size_t i = 0; i < details->size(); ++i) {
      const auto where = r.path_of("details") + "[" + std::to_string(i) + "]";
      const auto& d = (*details)[i];
      if (!d.is_object()) throw amlk8s::json::type_error(where, "an object", d);
      e.details.push_back(read_error_info(detail::reader(d.as_object(), where)));
    }
  return e;
}

extension_status read_status(const detail::reader& r) {
  extension_status s;
  s.code = r.string_or_empty("code");
  s.display_status = r.string_or_empty("displayStatus");
  s.level = r.string_or_empty("level");
  s.message = redact_text(r.string_or_empty("message"));
  s.time = r.string_or_empty("time");
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

json::object extension_spec::to_json() const { return spec_json(*this, true); }

std::vector<validation_issue> extension_spec::validate() const {
  std::vector<validation_issue> out;
  // §1.3: extensionType is required in practice.
  if (blank(extension_type))
    out.push_back({std::string(wire::extension_type), "the extension type is missing",
                   "set extension_type, e.g. \"microsoft.azureml.kubernetes\""});
  // §2.1: a version pin with auto-upgrade on.
  check_version_pin(version, auto_upgrade_minor_version, out);
  if (release_train && blank(*release_train))
    out.push_back({std::string(wire::release_train), "the release train is empty",
                   "leave release_train unset (the service uses Stable) or name one, e.g. \"Stable\""});
  // §2.1: the CLI's scope checks.
  if (scope) {
    if (scope->cluster && !scope->target_namespace.empty())
      out.push_back({"scope.namespace.targetNamespace",
                     "When scope is 'cluster', a target namespace must not be given ('" + scope->target_namespace + "')",
                     "use release_namespace for a cluster-scoped extension, or set scope.cluster = false"});
    if (!scope->cluster && !scope->release_namespace.empty())
      out.push_back({"scope.cluster.releaseNamespace",
                     "When scope is 'namespace', a release namespace must not be given ('" + scope->release_namespace + "')",
                     "use target_namespace for a namespace-scoped extension, or set scope.cluster = true"});
    if (!scope->cluster && scope->target_namespace.empty())
      out.push_back({"scope.namespace.targetNamespace", "a namespace-scoped extension needs a target namespace",
                     "set scope.target_namespace, or install at cluster scope"});
  }
  check_keys(configuration_settings, wire::configuration_settings, out);
  check_keys(configuration_protected_settings, wire::configuration_protected_settings, out);
  // §1.3: identity and plan shapes.
  if (identity) {
    if (blank(identity->type))
      out.push_back({"identity.type", "the identity has no type",
                     "set identity.type to \"SystemAssigned\" or \"UserAssigned\", or leave identity unset"});
    else if (!identity->user_assigned_identities.empty() &&
             detail::to_lower(identity->type).find("userassigned") == std::string::npos)
      out.push_back({"identity.userAssignedIdentities",
                     "user-assigned identities are given but the identity type is '" + identity->type + "'",
                     "set identity.type to \"UserAssigned\", or drop user_assigned_identities"});
    else if (identity->user_assigned_identities.empty() &&
             detail::to_lower(identity->type).find("userassigned") != std::string::npos)
      out.push_back({"identity.userAssignedIdentities", "the identity type is '" + identity->type +
                                                            "' but no user-assigned identity is given",
                     "add the managed identity's resource id to user_assigned_identities"});
  }
  if (plan) {
    if (blank(plan->name)) out.push_back({"plan.name", "the plan has no name", "set plan.name"});
    if (blank(plan->publisher)) out.push_back({"plan.publisher", "the plan has no publisher", "set plan.publisher"});
    if (blank(plan->product)) out.push_back({"plan.product", "the plan has no product", "set plan.product"});
  }
  return out;
}

bool extension_patch::empty() const noexcept {
  return !auto_upgrade_mode && !auto_upgrade_minor_version && !release_train && !version && !configuration_settings &&
         !configuration_protected_settings;
}

json::object extension_patch::to_json() const { return patch_json(*this, true); }

std::vector<validation_issue> extension_patch::validate() const {
  std::vector<validation_issue> out;
  if (empty())
    out.push_back({std::string(wire::properties), "the update changes nothing",
                   "set at least one of auto_upgrade_mode, auto_upgrade_minor_version, release_train, version, "
                   "configuration_settings, configuration_protected_settings (type, scope, identity and plan cannot "
                   "be changed by an update: delete and create the extension again)"});
  check_version_pin(version, auto_upgrade_minor_version, out);
  if (configuration_settings) check_keys(*configuration_settings, wire::configuration_settings, out);
  if (configuration_protected_settings) {
    check_keys(*configuration_protected_settings, wire::configuration_protected_settings, out);
    // §2.8: PATCH replaces the protected settings as a whole, and their values are never returned.
    if (!replaces_all_protected_settings)
      out.push_back({std::string(wire::configuration_protected_settings),
                     "an update replaces ALL protected settings of the extension: any protected setting not given "
                     "here is deleted, and the current values cannot be read back to merge them",
                     "pass every protected setting the extension must keep and set "
                     "replaces_all_protected_settings = true, or leave configuration_protected_settings unset to "
                     "keep the current ones"});
  }
  return out;
}

bool extension::is_terminal() const noexcept { return arm::is_terminal_status(provisioning_state); }

bool extension::succeeded() const noexcept { return detail::to_lower(provisioning_state) == "succeeded"; }

bool extension::failed() const noexcept {
  const auto s = detail::to_lower(provisioning_state);
  return s == "failed" || s == "canceled";
}

extension extension::from_json(const json::value& body) {
  const auto root = detail::reader::root(body, "extension");
  extension e;
  e.raw = body;
  if (auto id = root.string("id"); id && !id->empty()) {
    error_code ec;
    diagnostics diag;
    e.id = resource_id::parse(*id, ec, diag);
    if (ec) throw validation_error({{"id", diag.client_message, "the extension's id must be an ARM resource id"}});
  }
  e.name = root.string_or_empty("name");
  if (e.name.empty() && !e.id.empty()) e.name = std::string(e.id.name());
  if (auto identity = root.child(wire::identity)) e.identity = read_identity(*identity);
  if (auto sd = root.child(wire::system_data)) {
    resource_system_data s;
    s.created_by = sd->string_or_empty("createdBy");
    s.created_by_type = sd->string_or_empty("createdByType");
    s.created_at = sd->string_or_empty("createdAt");
    s.last_modified_by = sd->string_or_empty("lastModifiedBy");
    s.last_modified_by_type = sd->string_or_empty("lastModifiedByType");
    s.last_modified_at = sd->string_or_empty("lastModifiedAt");
    e.system_data = std::move(s);
  }
  if (auto plan = root.child(wire::plan)) {
    extension_plan p;
    p.name = plan->string_or_empty("name");
    p.publisher = plan->string_or_empty("publisher");
    p.product = plan->string_or_empty("product");
    p.promotion_code = plan->string_or_empty("promotionCode");
    p.version = plan->string_or_empty("version");
    e.plan = std::move(p);
  }
  const auto props = root.child(wire::properties);
  if (!props) return e;
  e.extension_type = props->string_or_empty(wire::extension_type);
  e.provisioning_state = props->string_or_empty(wire::provisioning_state);
  e.current_version = props->string(wire::current_version);
  e.version = props->string(wire::version);
  e.release_train = props->string(wire::release_train);
  e.auto_upgrade_minor_version = props->boolean(wire::auto_upgrade_minor_version);
  e.auto_upgrade_mode = props->string(wire::auto_upgrade_mode);
  if (auto scope = props->child(wire::scope)) {
    if (auto cluster = scope->child(wire::scope_cluster)) {
      e.scope = extension_scope{true, cluster->string_or_empty(wire::release_namespace), {}};
    } else if (auto ns = scope->child(wire::scope_namespace)) {
      e.scope = extension_scope{false, {}, ns->string_or_empty(wire::target_namespace)};
    }
  }
  e.configuration_settings = props->string_map(wire::configuration_settings);
  // §1.3: "only the key is returned in response, the value is not" (and often not even that).
  e.protected_setting_names = props->keys(wire::configuration_protected_settings);
  if (const auto* statuses = props->array(wire::statuses))
    for (std::size_t i = 0; i < statuses->size(); ++i) {
      const auto where = props->path_of(wire::statuses) + "[" + std::to_string(i) + "]";
      const auto& s = (*statuses)[i];
      if (!s.is_object()) throw amlk8s::json::type_error(where, "an object", s);
      e.statuses.push_back(read_status(detail::reader(s.as_object(), where)));
    }
  if (auto err = props->child(wire::error_info)) e.error_info = read_error_info(*err);
  if (auto aks = props->child(wire::aks_assigned_identity)) {
    extension_aks_identity a;
    a.type = aks->string_or_empty("type");
    a.principal_id = aks->string_or_empty(wire::principal_id);
    a.tenant_id = aks->string_or_empty(wire::tenant_id);
    a.object_id = aks->string_or_empty("objectId");
    a.client_id = aks->string_or_empty("clientId");
    a.url = aks->string_or_empty("url");
    e.aks_assigned_identity = std::move(a);
  }
  e.extension_state = props->string(wire::extension_state);
  e.is_system_extension = props->boolean(wire::is_system_extension).value_or(false);
  e.package_uri = props->string_or_empty(wire::package_uri);
  e.custom_location_settings = props->string_map(wire::custom_location_settings);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Display: protected values never shown.

std::string to_string(const extension_spec& spec) { return "extension_spec " + json::serialize(spec_json(spec, false)); }

std::string to_string(const extension_patch& patch) {
  auto body = patch_json(patch, false);
  if (patch.replaces_all_protected_settings) body["replacesAllProtectedSettings"] = true;
  return "extension_patch " + json::serialize(body);
}

std::string to_string(const extension& ext) {
  std::string out = "extension " + (ext.id.empty() ? ext.name : ext.id.to_string());
  if (!ext.extension_type.empty()) out += " (" + ext.extension_type + ")";
  if (!ext.provisioning_state.empty()) out += " " + ext.provisioning_state;
  if (ext.current_version) out += ", version " + *ext.current_version;
  if (!ext.configuration_settings.empty()) out += ", settings " + json::serialize(string_map_json(ext.configuration_settings));
  if (!ext.protected_setting_names.empty()) {
    json::object shown;
    for (const auto& k : ext.protected_setting_names) shown[k] = redacted;
    out += ", protected " + json::serialize(shown);
  }
  if (ext.error_info) out += ", error " + ext.error_info->code + ": " + ext.error_info->message;
  return out;
}

std::ostream& operator<<(std::ostream& os, const extension_spec& spec) { return os << to_string(spec); }
std::ostream& operator<<(std::ostream& os, const extension_patch& patch) { return os << to_string(patch); }
std::ostream& operator<<(std::ostream& os, const extension& ext) { return os << to_string(ext); }

// §2.6: the CLI sends no identity for managedClusters and SystemAssigned for every other cluster type.
std::optional<extension_identity> default_identity(const resource_id& cluster) {
  if (cluster.is_type(resource_types::managed_cluster)) return std::nullopt;
  return extension_identity{"SystemAssigned", {}, {}, {}};
}

// ---------------------------------------------------------------------------------------------
// The client.

namespace {

// The extension's path, or invalid_argument in `diag` for a cluster id or name that cannot make one.
error_code extension_path(const resource_id& cluster, std::string_view name, std::string& path, diagnostics& diag) {
  std::vector<validation_issue> issues;
  if (cluster.kind() != resource_id::id_kind::resource)
    issues.push_back({"cluster", "'" + cluster.to_string() + "' is not a cluster resource id",
                      "pass the id of a managedClusters or connectedClusters resource (see amlk8s::cluster_id)"});
  if (name.empty() && issues.empty())
    issues.push_back({"name", "the extension name is empty", "name the extension, e.g. \"azureml\""});
  if (issues.empty()) {
    try {
      path = cluster_extension_id(cluster, name).to_string();
      return {};
    } catch (const amlk8s::error& e) {
      issues.push_back({"name", "'" + std::string(name) + "' cannot be an extension name: " + e.diag().client_message,
                        "use a name without '/', '?', '#' or control characters"});
    }
  }
  diag = validation_error(std::move(issues)).diag();
  return make_error_code(errc::invalid_argument);
}

// arm::async_begin, with a 404 explained (§1.7).
struct begin_op {
  arm::client cl;
  arm::request req;
  diagnostics* diag;
  resource_id cluster;
  std::string name;
  bool started = false;

  template <class Self>
  void operator()(Self& self) {
    if (started) return;
    started = true;
    // Locals: `self` (which owns this object) is moved into the call.
    arm::client c = cl;
    arm::request r = req;
    diagnostics& d = *diag;
    arm::async_begin_erased(c, std::move(r), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, arm::poller p) {
    if (ec == errc::not_found) explain_not_found(cluster, name, *diag);
    self.complete(ec, std::move(p));
  }
};

// arm::pager::async_all, turned into extensions.
struct list_op {
  arm::pager pages;
  diagnostics* diag;
  resource_id cluster;
  bool started = false;

  template <class Self>
  void operator()(Self& self) {
    if (started) return;
    started = true;
    arm::pager p = pages;
    p.async_all_erased(std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, json::array items) {
    *diag = pages.diag();
    std::vector<extension> out;
    if (ec) {
      if (ec == errc::not_found) explain_not_found(cluster, {}, *diag);
      self.complete(ec, std::move(out));
      return;
    }
    ec = detail::read_body(json::value(std::move(items)), "extension list", *diag, out, [](const json::value& v) {
      std::vector<extension> read;
      for (const auto& item : v.as_array()) read.push_back(extension::from_json(item));
      return read;
    });
    self.complete(ec, std::move(out));
  }
};

template <class T>
void fail_soon(const arm::client& cl, asio::any_completion_handler<void(error_code, T)> handler, error_code ec) {
  detail::complete_later(cl.get_executor(), std::move(handler), ec, T{});
}

}  // namespace

void extensions_client::async_begin_create_erased(resource_id cluster, std::string name, extension_spec spec,
                                                  diagnostics& diag,
                                                  asio::any_completion_handler<begin_signature> handler) const {
  diag.clear();
  std::string path;
  if (auto ec = extension_path(cluster, name, path, diag)) return fail_soon(*arm_, std::move(handler), ec);
  if (options_.add_default_identity && !spec.identity) spec.identity = default_identity(cluster);
  if (auto issues = spec.validate(); !issues.empty()) {
    diag = validation_error(std::move(issues)).diag();
    return fail_soon(*arm_, std::move(handler), make_error_code(errc::invalid_argument));
  }
  arm::request req;
  req.method = http::verb::put;
  req.path = std::move(path);
  req.body = spec.to_json();
  req.body_is_secret = !spec.configuration_protected_settings.empty();
  asio::async_compose<asio::any_completion_handler<begin_signature>, begin_signature>(
      begin_op{*arm_, std::move(req), &diag, std::move(cluster), std::move(name)}, handler, arm_->get_executor());
}

arm::poller extensions_client::begin_create(const resource_id& cluster, std::string_view name,
                                            const extension_spec& spec) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<arm::poller>([&](auto handler) {
    async_begin_create_erased(cluster, std::string(name), spec, diag, std::move(handler));
  });
  throw_on_error(ec, diag);
  return std::move(p);
}

namespace {
extension wait_for_extension(arm::poller p) {
  auto body = p.wait();
  extension out;
  diagnostics diag;
  throw_on_error(detail::read_body(body, "extension", diag, out, &extension::from_json), diag);
  return out;
}
}  // namespace

extension extensions_client::create(const resource_id& cluster, std::string_view name,
                                    const extension_spec& spec) const {
  return wait_for_extension(begin_create(cluster, name, spec));
}

void extensions_client::async_get_erased(resource_id cluster, std::string name, diagnostics& diag,
                                         asio::any_completion_handler<get_signature> handler) const {
  diag.clear();
  std::string path;
  if (auto ec = extension_path(cluster, name, path, diag)) return fail_soon(*arm_, std::move(handler), ec);
  auto finish = [cluster, name](error_code& ec, const arm::response& res, diagnostics& d) {
    extension out;
    if (ec == errc::not_found) explain_not_found(cluster, name, d);
    if (!ec) ec = detail::read_body(res.body, "extension", d, out, &extension::from_json);
    return out;
  };
  arm::request req;
  req.path = std::move(path);
  detail::async_send_then<extension>(*arm_, std::move(req), diag, std::move(finish), std::move(handler));
}

extension extensions_client::get(const resource_id& cluster, std::string_view name) const {
  diagnostics diag;
  auto [ec, e] = arm::detail::run_blocking<extension>(
      [&](auto handler) { async_get_erased(cluster, std::string(name), diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(e);
}

arm::pager extensions_client::pages(const resource_id& cluster) const {
  // §1.2/§1.5: GET {cluster}/providers/Microsoft.KubernetesConfiguration/extensions, then nextLink.
  return arm::pager(*arm_, cluster.to_string() + "/providers/Microsoft.KubernetesConfiguration/extensions");
}

std::vector<extension> extensions_client::extensions_of(const arm::page& page) {
  std::vector<extension> out;
  diagnostics diag;
  throw_on_error(detail::read_body(json::value(page.items), "extension list", diag, out,
                                   [](const json::value& v) {
                                     std::vector<extension> read;
                                     for (const auto& item : v.as_array()) read.push_back(extension::from_json(item));
                                     return read;
                                   }),
                 diag);
  return out;
}

void extensions_client::async_list_erased(resource_id cluster, diagnostics& diag,
                                          asio::any_completion_handler<list_signature> handler) const {
  diag.clear();
  if (cluster.kind() != resource_id::id_kind::resource) {
    diag = validation_error({{"cluster", "'" + cluster.to_string() + "' is not a cluster resource id",
                              "pass the id of a managedClusters or connectedClusters resource"}})
               .diag();
    return fail_soon(*arm_, std::move(handler), make_error_code(errc::invalid_argument));
  }
  asio::async_compose<asio::any_completion_handler<list_signature>, list_signature>(
      list_op{pages(cluster), &diag, std::move(cluster)}, handler, arm_->get_executor());
}

std::vector<extension> extensions_client::list(const resource_id& cluster) const {
  diagnostics diag;
  auto [ec, items] = arm::detail::run_blocking<std::vector<extension>>(
      [&](auto handler) { async_list_erased(cluster, diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(items);
}

void extensions_client::async_begin_update_erased(resource_id cluster, std::string name, extension_patch patch,
                                                  diagnostics& diag,
                                                  asio::any_completion_handler<begin_signature> handler) const {
  diag.clear();
  std::string path;
  if (auto ec = extension_path(cluster, name, path, diag)) return fail_soon(*arm_, std::move(handler), ec);
  if (auto issues = patch.validate(); !issues.empty()) {
    diag = validation_error(std::move(issues)).diag();
    return fail_soon(*arm_, std::move(handler), make_error_code(errc::invalid_argument));
  }
  arm::request req;
  req.method = http::verb::patch;
  req.path = std::move(path);
  req.body = patch.to_json();
  req.body_is_secret = patch.configuration_protected_settings.has_value();
  asio::async_compose<asio::any_completion_handler<begin_signature>, begin_signature>(
      begin_op{*arm_, std::move(req), &diag, std::move(cluster), std::move(name)}, handler, arm_->get_executor());
}

arm::poller extensions_client::begin_update(const resource_id& cluster, std::string_view name,
                                            const extension_patch& patch) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<arm::poller>([&](auto handler) {
    async_begin_update_erased(cluster, std::string(name), patch, diag, std::move(handler));
  });
  throw_on_error(ec, diag);
  return std::move(p);
}

extension extensions_client::update(const resource_id& cluster, std::string_view name,
                                    const extension_patch& patch) const {
  return wait_for_extension(begin_update(cluster, name, patch));
}

void extensions_client::async_begin_delete_erased(resource_id cluster, std::string name, bool force, diagnostics& diag,
                                                  asio::any_completion_handler<delete_signature> handler) const {
  diag.clear();
  std::string path;
  if (auto ec = extension_path(cluster, name, path, diag)) return fail_soon(*arm_, std::move(handler), ec);
  arm::request req;
  req.method = http::verb::delete_;
  req.path = std::move(path);
  // §1.2: forceDelete removes the ARM resource without the agent's uninstall; never retried blindly (§1.9).
  if (force) {
    req.query.emplace_back(std::string(wire::force_delete), "true");
    req.safe_to_retry = false;
  }
  // "Nothing there" is a result, not an error (§1.2: 204; §2.9: the CLI's delete exits 0).
  auto finish = [cl = *arm_, sent = req, cluster, name](error_code& ec, const arm::response& res, diagnostics& d) {
    extension_deletion out;
    if (ec == errc::not_found && !cluster_is_missing(d)) {
      d.clear();
      ec = {};
      arm::response gone;
      gone.status = 204;
      out.poller = arm::poller(cl, sent, std::move(gone));
      return out;
    }
    if (ec) {
      if (ec == errc::not_found) explain_not_found(cluster, name, d);
      return out;
    }
    out.found = res.status != 204;
    out.poller = arm::poller(cl, sent, res);
    return out;
  };
  detail::async_send_then<extension_deletion>(*arm_, std::move(req), diag, std::move(finish), std::move(handler));
}

extension_deletion extensions_client::begin_delete(const resource_id& cluster, std::string_view name, bool force) const {
  diagnostics diag;
  auto [ec, d] = arm::detail::run_blocking<extension_deletion>([&](auto handler) {
    async_begin_delete_erased(cluster, std::string(name), force, diag, std::move(handler));
  });
  throw_on_error(ec, diag);
  return std::move(d);
}

bool extensions_client::delete_(const resource_id& cluster, std::string_view name, bool force) const {
  auto d = begin_delete(cluster, name, force);
  if (d.found) d.poller.wait();
  return d.found;
}

}  // namespace amlk8s::model
