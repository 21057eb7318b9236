// Kubernetes online endpoints and deployments (contracts/aml-workspace-and-auth.md §2.5-2.6):
// bodies, YAML, and the client's calls, written as coroutines.
#include <amlk8s/model/online.hpp>

#include "model/coro.hpp"
#include "model/instance_type_yaml.hpp"
#include "model/ml_common.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/model/compute.hpp>
#include <amlk8s/model/fit.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace amlk8s::model {

namespace json = boost::json;
namespace asio = boost::asio;
using detail::check;
using detail::use_tuple;

namespace {

// §2.5 authMode.
std::optional<std::string_view> rest_auth_mode(std::string_view m) {
  if (m == "key") return "Key";
  if (m == "aml_token") return "AMLToken";
  if (m == "aad_token") return "AADToken";
  return std::nullopt;
}
std::string yaml_auth_mode(std::string_view m) {
  if (http::iequals(m, "Key")) return "key";
  if (http::iequals(m, "AMLToken")) return "aml_token";
  if (http::iequals(m, "AADToken")) return "aad_token";
  return std::string(m);
}

// Online endpoint names: 3-32 characters, a letter first, letters, digits and '-' (the service's rule).
bool valid_endpoint_name(std::string_view n) {
  if (n.size() < 3 || n.size() > 32 || !std::isalpha(static_cast<unsigned char>(n[0])) || n.back() == '-') return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

json::object string_object(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// ISO-8601 milliseconds, as requestSettings.requestTimeout is written.
std::string iso_ms(std::chrono::milliseconds d) {
  std::ostringstream os;
  os << "PT" << d.count() / 1000;
  if (d.count() % 1000) os << "." << std::setw(3) << std::setfill('0') << d.count() % 1000;
  os << "S";
  return os.str();
}

std::string scalar(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

json::value one_document(std::string_view text, std::string_view source) {
  auto docs = detail::yaml_documents(text, source);
  if (docs.size() != 1 || !docs.front().is_object())
    throw validation_error({{"(document)", "the file is not one YAML mapping", "keep one mapping per file"}});
  return docs.front();
}

online_deployment deployment_from(const detail::reader& r) {
  online_deployment d;
  d.name = r.string_or_empty("name");
  d.endpoint_name = r.string_or_empty("endpoint_name");
  d.description = r.string_or_empty("description");
  d.tags = r.string_map("tags");
  if (const auto* m = r.find("model")) {
    if (m->is_string()) {
      d.model = std::string(m->as_string());
    } else if (m->is_object()) {
      // The seed documents' inline form: {name, version, local_path}: a registered model by name and version.
      detail::reader mr(m->as_object(), r.path_of("model"));
      const auto name = mr.string_or_empty("name");
      const auto version = mr.find("version") ? scalar(*mr.find("version")) : std::string();
      if (!name.empty()) d.model = "azureml:" + name + (version.empty() ? std::string("@latest") : ":" + version);
    }
  }
  if (const auto* e = r.find("environment")) {
    if (e->is_string()) {
      d.environment = std::string(e->as_string());
    } else if (e->is_object()) {
      detail::reader er(e->as_object(), r.path_of("environment"));
      inline_environment env;
      env.image = er.string_or_empty("image");
      if (env.image.empty())
        if (auto docker = er.child("docker")) env.image = docker->string_or_empty("image");
      const auto name = er.string_or_empty("name");
      const auto version = er.find("version") ? scalar(*er.find("version")) : std::string();
      if (!env.image.empty())
        d.environment_inline = std::move(env);
      else if (!name.empty())
        d.environment = "azureml:" + name + (version.empty() ? std::string("@latest") : ":" + version);
    }
  }
  if (auto cc = r.child("code_configuration")) {
    d.scoring_script = cc->string_or_empty("scoring_script");
    if (const auto* code = cc->find("code")) {
      if (code->is_string()) d.code = std::string(code->as_string());
      else if (code->is_object()) d.code = detail::reader(code->as_object(), cc->path_of("code")).string_or_empty("local_path");
    }
  }
  d.instance_type = r.string_or_empty("instance_type");
  if (auto n = r.integer("instance_count")) d.instance_count = static_cast<int>(*n);
  d.environment_variables = r.string_map("environment_variables");
  if (auto b = r.boolean("app_insights_enabled")) d.app_insights_enabled = *b;
  if (auto rs = r.child("request_settings")) {
    if (auto n = rs->integer("max_concurrent_requests_per_instance")) d.max_concurrent_requests_per_instance = static_cast<int>(*n);
    if (auto n = rs->integer("request_timeout_ms")) d.request_timeout = std::chrono::milliseconds(*n);
  }
  return d;
}

}  // namespace

// ---- values ------------------------------------------------------------------------------------

std::vector<validation_issue> online_endpoint::validate() const {
  std::vector<validation_issue> out;
  if (!valid_endpoint_name(name))
    out.push_back({"name", "'" + name + "' is not a valid endpoint name",
                   "use 3 to 32 characters: a letter first, then letters, digits or '-' (not last)"});
  if (compute.empty())
    out.push_back({"compute", "a Kubernetes endpoint needs a compute", "set compute: azureml:<your Kubernetes compute>"});
  if (!rest_auth_mode(auth_mode))
    out.push_back({"auth_mode", "'" + auth_mode + "' is not an auth mode", "use key, aml_token or aad_token"});
  int sum = 0;
  for (const auto& [d, p] : traffic) {
    if (p < 0 || p > 100)
      out.push_back({"traffic." + d, std::to_string(p) + " is not a percentage", "use 0 to 100"});
    sum += p;
  }
  if (!traffic.empty() && sum != 100 && sum != 0)
    out.push_back({"traffic", "the percentages add up to " + std::to_string(sum), "make them add up to 100"});
  return out;
}

json::value online_endpoint::to_json(std::string_view compute_id) const {
  json::object p{{"compute", compute_id}, {"authMode", rest_auth_mode(auth_mode).value_or("Key")}};
  if (!description.empty()) p["description"] = description;
  json::object t;
  for (const auto& [d, pct] : traffic) t[d] = pct;
  p["traffic"] = std::move(t);
  json::object body{{"properties", std::move(p)}, {"identity", json::object{{"type", "SystemAssigned"}}}};
  if (!location.empty()) body["location"] = location;
  if (!tags.empty()) body["tags"] = string_object(tags);
  return body;
}

online_endpoint online_endpoint::from_json(const json::value& body) {
  const auto root = detail::reader::root(body, "online endpoint");
  online_endpoint e;
  e.name = root.string_or_empty("name");
  e.id = root.string_or_empty("id");
  e.location = root.string_or_empty("location");
  e.tags = root.string_map("tags");
  if (auto p = root.child("properties")) {
    e.compute = p->string_or_empty("compute");
    e.auth_mode = yaml_auth_mode(p->string_or_empty("authMode"));
    e.description = p->string_or_empty("description");
    e.provisioning_state = p->string_or_empty("provisioningState");
    e.scoring_uri = p->string_or_empty("scoringUri");
    e.swagger_uri = p->string_or_empty("swaggerUri");
    if (auto t = p->child("traffic"))
      for (const auto& [k, v] : t->object())
        if (auto n = t->integer(k)) e.traffic[std::string(k)] = static_cast<int>(*n);
  }
  return e;
}

online_endpoint online_endpoint::from_yaml(std::string_view text, std::string_view source) {
  const auto doc = one_document(text, source);
  detail::reader r(doc.as_object(), {});
  online_endpoint e;
  e.name = r.string_or_empty("name");
  e.compute = r.string_or_empty("compute");
  if (auto m = r.string("auth_mode")) e.auth_mode = *m;
  e.description = r.string_or_empty("description");
  e.tags = r.string_map("tags");
  if (auto t = r.child("traffic"))
    for (const auto& [k, v] : t->object())
      if (auto n = t->integer(k)) e.traffic[std::string(k)] = static_cast<int>(*n);
  return e;
}

std::vector<validation_issue> online_deployment::validate() const {
  std::vector<validation_issue> out;
  if (!valid_endpoint_name(name))
    out.push_back({"name", "'" + name + "' is not a valid deployment name",
                   "use 3 to 32 characters: a letter first, then letters, digits or '-'"});
  if (endpoint_name.empty()) out.push_back({"endpoint_name", "no endpoint is given", "name the endpoint to deploy to"});
  if (model.empty())
    out.push_back({"model", "the deployment has no model", "reference a registered model: azureml:<name>:<version>"});
  else if (!model.starts_with("/subscriptions/") && !azureml_reference::is_reference(model))
    out.push_back({"model", "'" + model + "' is not a model reference", "write azureml:<name>:<version>"});
  if (!environment.empty() && environment_inline)
    out.push_back({"environment", "both a reference and an inline image are given", "keep one of the two"});
  if (!code.empty() && !code.starts_with("/subscriptions/") && !azureml_reference::is_reference(code))
    out.push_back({"code_configuration.code", "'" + code + "' is a local folder; uploading code is not supported",
                   "register the code as a code version and reference it (azureml:<name>:<version>)"});
  if (!code.empty() && scoring_script.empty())
    out.push_back({"code_configuration.scoring_script", "code is given without a scoring script", "name the script, e.g. score.py"});
  if (instance_count < 1)
    out.push_back({"instance_count", std::to_string(instance_count) + " is not a positive count", "use 1 or more"});
  return out;
}

json::value online_deployment::to_json(std::string_view model_id, std::string_view environment_id,
                                       std::string_view code_id) const {
  // §2.6: endpointComputeType Kubernetes; sku.capacity is the instance count.
  json::object p{{"endpointComputeType", "Kubernetes"}, {"model", model_id}, {"appInsightsEnabled", app_insights_enabled}};
  if (!instance_type.empty()) p["instanceType"] = instance_type;
  if (!environment_id.empty()) p["environmentId"] = environment_id;
  if (!code_id.empty()) p["codeConfiguration"] = json::object{{"codeId", code_id}, {"scoringScript", scoring_script}};
  if (!environment_variables.empty()) p["environmentVariables"] = string_object(environment_variables);
  if (!description.empty()) p["description"] = description;
  p["scaleSettings"] = json::object{{"scaleType", "Default"}};
  if (max_concurrent_requests_per_instance || request_timeout) {
    json::object rs;
    if (max_concurrent_requests_per_instance) rs["maxConcurrentRequestsPerInstance"] = *max_concurrent_requests_per_instance;
    if (request_timeout) rs["requestTimeout"] = iso_ms(*request_timeout);
    p["requestSettings"] = std::move(rs);
  }
  json::object body{{"properties", std::move(p)}, {"sku", json::object{{"name", "Default"}, {"capacity", instance_count}}}};
  if (!tags.empty()) body["tags"] = string_object(tags);
  return body;
}

online_deployment online_deployment::from_json(const json::value& body) {
  const auto root = detail::reader::root(body, "online deployment");
  online_deployment d;
  d.name = root.string_or_empty("name");
  d.id = root.string_or_empty("id");
  d.tags = root.string_map("tags");
  if (auto sku = root.child("sku"))
    if (auto n = sku->integer("capacity")) d.instance_count = static_cast<int>(*n);
  if (!d.id.empty()) {
    const auto id = resource_id::parse(d.id);
    if (auto parent = id.parent()) d.endpoint_name = std::string(parent->name());
  }
  if (auto p = root.child("properties")) {
    d.model = p->string_or_empty("model");
    d.environment = p->string_or_empty("environmentId");
    d.instance_type = p->string_or_empty("instanceType");
    d.description = p->string_or_empty("description");
    d.provisioning_state = p->string_or_empty("provisioningState");
    d.environment_variables = p->string_map("environmentVariables");
    if (auto b = p->boolean("appInsightsEnabled")) d.app_insights_enabled = *b;
    if (auto cc = p->child("codeConfiguration")) {
      d.code = cc->string_or_empty("codeId");
      d.scoring_script = cc->string_or_empty("scoringScript");
    }
    if (auto rs = p->child("requestSettings"))
      if (auto n = rs->integer("maxConcurrentRequestsPerInstance")) d.max_concurrent_requests_per_instance = static_cast<int>(*n);
  }
  return d;
}

online_deployment online_deployment::from_yaml(std::string_view text, std::string_view source) {
  const auto doc = one_document(text, source);
  return deployment_from(detail::reader(doc.as_object(), {}));
}

std::vector<online_deployment> online_deployment::all_from_yaml(std::string_view text, std::string_view source) {
  const auto doc = one_document(text, source);
  detail::reader r(doc.as_object(), {});
  std::vector<online_deployment> out;
  const auto* list = r.array("deployments");
  if (list == nullptr) {
    out.push_back(deployment_from(r));
    return out;
  }
  const auto endpoint = r.string_or_empty("name");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    if (!item.is_object())
      throw validation_error({{"deployments[" + std::to_string(i) + "]", "is not a mapping", "write each deployment as keys"}});
    auto d = deployment_from(detail::reader(item.as_object(), "deployments[" + std::to_string(i) + "]"));
    if (d.endpoint_name.empty()) d.endpoint_name = endpoint;
    out.push_back(std::move(d));
  }
  return out;
}

std::string to_string(const online_endpoint& e) {
  std::ostringstream os;
  os << "online endpoint " << e.name;
  if (!e.provisioning_state.empty()) os << " (" << e.provisioning_state << ")";
  os << "\n  compute:     " << e.compute << "\n  auth mode:   " << e.auth_mode << "\n";
  if (!e.scoring_uri.empty()) os << "  scoring URI: " << e.scoring_uri << "\n";
  if (!e.traffic.empty()) {
    os << "  traffic:     ";
    bool first = true;
    for (const auto& [d, p] : e.traffic) {
      os << (first ? "" : ", ") << d << "=" << p << "%";
      first = false;
    }
    os << "\n";
  }
  return os.str();
}

std::string to_string(const online_deployment& d) {
  std::ostringstream os;
  os << "online deployment " << d.endpoint_name << "/" << d.name;
  if (!d.provisioning_state.empty()) os << " (" << d.provisioning_state << ")";
  os << "\n  model:         " << d.model << "\n  instance type: "
     << (d.instance_type.empty() ? std::string("(default)") : d.instance_type) << " x" << d.instance_count << "\n";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const online_endpoint& e) { return os << to_string(e); }
std::ostream& operator<<(std::ostream& os, const online_deployment& d) { return os << to_string(d); }

// ---- the client --------------------------------------------------------------------------------

online_client::online_client(arm::client& arm, http::sender& scoring, resource_id workspace)
    : arm_(&arm), scoring_(&scoring), workspace_(std::move(workspace)) {
  require_workspace_id(workspace_);
}

namespace {

std::string compute_id_of(const std::string& compute, const resource_id& ws) {
  return resolve_compute_target(compute, ws).id.to_string();
}

asio::awaitable<arm::poller> create_endpoint_coro(arm::client* arm, resource_id ws, online_endpoint e, diagnostics* diag) {
  if (auto issues = e.validate(); !issues.empty()) throw validation_error(std::move(issues));
  arm::request req;
  req.method = http::verb::put;
  req.path = online_endpoint_id(ws, e.name).to_string();
  req.body = e.to_json(compute_id_of(e.compute, ws));
  auto beginning = detail::ml_begin(*arm, std::move(req), *diag);
  co_return co_await std::move(beginning);
}

asio::awaitable<arm::poller> create_deployment_coro(arm::client* arm, resource_id ws, online_deployment d,
                                                    deployment_create_options options, diagnostics* diag) {
  if (auto issues = d.validate(); !issues.empty()) throw validation_error(std::move(issues));
  const auto endpoint = online_endpoint_id(ws, d.endpoint_name);
  if (options.check_compute) {
    auto reading = detail::ml_get(*arm, endpoint.to_string(), *diag);
    json::value body;
    try {
      body = co_await std::move(reading);
    } catch (const amlk8s::error& e) {
      if (e.code() != errc::not_found) throw;
      diag->clear();
      throw detail::precondition({"endpoint_name", "endpoint '" + d.endpoint_name + "' does not exist",
                                  "create the endpoint first (online_client::create_endpoint)"});
    }
    const auto ep = detail::read_or_throw<online_endpoint>(body, "online endpoint", *diag, &online_endpoint::from_json);
    auto computing = detail::ml_get(*arm, ep.compute, *diag);
    auto compute_body = co_await std::move(computing);
    const auto compute =
        detail::read_or_throw<kubernetes_compute>(compute_body, "compute", *diag, &kubernetes_compute::from_json);
    auto checking = detail::check_instance_type(compute, d.instance_type, options.k8s, "instance_type", *diag);
    co_await std::move(checking);
  }
  auto resolving_model = detail::resolve_asset(*arm, ws, d.model, azureml_asset_type::models, "model", *diag);
  const auto model_id = co_await std::move(resolving_model);
  std::string environment_id;
  if (d.environment_inline) {
    auto registering = detail::register_inline_environment(*arm, ws, *d.environment_inline, *diag);
    environment_id = co_await std::move(registering);
  } else {
    auto resolving = detail::resolve_asset(*arm, ws, d.environment, azureml_asset_type::environments, "environment", *diag);
    environment_id = co_await std::move(resolving);
  }
  auto resolving_code =
      detail::resolve_asset(*arm, ws, d.code, azureml_asset_type::codes, "code_configuration.code", *diag);
  const auto code_id = co_await std::move(resolving_code);
  arm::request req;
  req.method = http::verb::put;
  req.path = online_deployment_id(endpoint, d.name).to_string();
  req.body = d.to_json(model_id, environment_id, code_id);
  auto beginning = detail::ml_begin(*arm, std::move(req), *diag);
  co_return co_await std::move(beginning);
}

asio::awaitable<scoring_result> invoke_coro(arm::client* arm, http::sender* scoring, resource_id ws, std::string endpoint,
                                            std::string body, std::string deployment, diagnostics* diag) {
  const auto id = online_endpoint_id(ws, endpoint);
  auto reading = detail::ml_get(*arm, id.to_string(), *diag);
  auto ep_body = co_await std::move(reading);
  const auto ep = detail::read_or_throw<online_endpoint>(ep_body, "online endpoint", *diag, &online_endpoint::from_json);
  if (ep.scoring_uri.empty())
    throw detail::precondition({"endpoint", "endpoint '" + endpoint + "' has no scoring URI yet (" + ep.provisioning_state + ")",
                                "wait for the endpoint to be created"});
  // §2.5: key auth uses listKeys' primary key, token auth the `token` action's access token.
  arm::request cred;
  cred.method = http::verb::post;
  const bool key = ep.auth_mode == "key";
  cred.path = id.to_string() + (key ? "/listKeys" : "/token");
  cred.safe_to_retry = true;
  auto sending = detail::ml_send(*arm, std::move(cred), *diag);
  auto cred_res = co_await std::move(sending);
  secret_string secret;
  if (const auto* o = cred_res.body.if_object())
    if (const auto* v = o->if_contains(key ? "primaryKey" : "accessToken"); v && v->is_string())
      secret = secret_string(std::string(v->as_string()));
  http::request req;
  req.method = http::verb::post;
  req.url = ep.scoring_uri;
  req.headers.set("Authorization", "Bearer " + secret.reveal());
  req.headers.set("Content-Type", "application/json");
  if (!deployment.empty()) req.headers.set("azureml-model-deployment", deployment);
  req.body = std::move(body);
  auto op = http::async_send(*scoring, std::move(req), *diag, use_tuple);
  auto [ec, res] = co_await std::move(op);
  check(ec, *diag);
  scoring_result out;
  out.status = res.status;
  out.body = res.body;
  if (auto h = res.headers.get("azureml-model-deployment")) out.deployment = std::string(*h);
  if (res.status < 200 || res.status >= 300) {
    diag->http_status = res.status;
    diag->client_message = "the scoring endpoint answered HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300);
    throw amlk8s::error(make_error_code(errc_from_http_status(res.status)), *diag);
  }
  co_return out;
}

template <class T, class Read>
void spawn_read(arm::client& arm, std::string path, std::string_view what, Read read, diagnostics& diag,
                detail::handler<T> h) {
  diag.clear();
  detail::spawn(
      arm.get_executor(), diag,
      [](arm::client* a, std::string p, std::string w, Read r, diagnostics* dg) -> asio::awaitable<T> {
        auto reading = detail::ml_get(*a, std::move(p), *dg);
        auto body = co_await std::move(reading);
        co_return detail::read_or_throw<T>(body, w, *dg, r);
      }(&arm, std::move(path), std::string(what), read, &diag),
      std::move(h));
}

template <class T, class Read>
void spawn_list(arm::client& arm, std::string path, std::string_view what, Read read, diagnostics& diag,
                detail::handler<std::vector<T>> h) {
  diag.clear();
  detail::spawn(
      arm.get_executor(), diag,
      [](arm::client* a, std::string p, std::string w, Read r, diagnostics* dg) -> asio::awaitable<std::vector<T>> {
        auto listing = detail::ml_list(*a, std::move(p), *dg);
        auto items = co_await std::move(listing);
        std::vector<T> out;
        for (const auto& item : items) out.push_back(detail::read_or_throw<T>(item, w, *dg, r));
        co_return out;
      }(&arm, std::move(path), std::string(what), read, &diag),
      std::move(h));
}

void spawn_delete(arm::client& arm, std::string path, diagnostics& diag, detail::handler<arm::poller> h) {
  diag.clear();
  arm::request req;
  req.method = http::verb::delete_;
  req.path = std::move(path);
  detail::spawn(arm.get_executor(), diag, detail::ml_begin(arm, std::move(req), diag), std::move(h));
}

template <class T, class Read>
T blocking_read(arm::client& arm, std::string path, std::string_view what, Read read) {
  return detail::block<T>([&](diagnostics& d, auto h) { spawn_read<T>(arm, std::move(path), what, read, d, std::move(h)); });
}

json::value blocking_send(arm::client& arm, arm::request req) {
  return detail::block<json::value>([&](diagnostics& d, auto h) {
    detail::spawn(
        arm.get_executor(), d,
        [](arm::client* a, arm::request r, diagnostics* dg) -> asio::awaitable<json::value> {
          auto sending = detail::ml_send(*a, std::move(r), *dg);
          auto res = co_await std::move(sending);
          co_return std::move(res.body);
        }(&arm, std::move(req), &d),
        std::move(h));
  });
}

}  // namespace

void online_client::begin_create_endpoint_erased(online_endpoint e, diagnostics& diag, detail::handler<arm::poller> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, create_endpoint_coro(arm_, workspace_, std::move(e), &diag), std::move(h));
}

arm::poller online_client::begin_create_endpoint(const online_endpoint& e) const {
  return detail::block<arm::poller>([&](diagnostics& d, auto h) { begin_create_endpoint_erased(e, d, std::move(h)); });
}

online_endpoint online_client::create_endpoint(const online_endpoint& e) const {
  auto p = begin_create_endpoint(e);
  p.wait();
  return get_endpoint(e.name);
}

void online_client::get_endpoint_erased(std::string name, diagnostics& diag, detail::handler<online_endpoint> h) const {
  spawn_read<online_endpoint>(*arm_, online_endpoint_id(workspace_, name).to_string(), "online endpoint",
                              &online_endpoint::from_json, diag, std::move(h));
}

online_endpoint online_client::get_endpoint(std::string_view name) const {
  return detail::block<online_endpoint>([&](diagnostics& d, auto h) { get_endpoint_erased(std::string(name), d, std::move(h)); });
}

void online_client::list_endpoints_erased(diagnostics& diag, detail::handler<std::vector<online_endpoint>> h) const {
  spawn_list<online_endpoint>(*arm_, workspace_.to_string() + "/onlineEndpoints", "online endpoint",
                              &online_endpoint::from_json, diag, std::move(h));
}

std::vector<online_endpoint> online_client::list_endpoints() const {
  return detail::block<std::vector<online_endpoint>>([&](diagnostics& d, auto h) { list_endpoints_erased(d, std::move(h)); });
}

online_endpoint online_client::set_traffic(std::string_view endpoint, const std::map<std::string, int>& traffic) const {
  auto e = get_endpoint(endpoint);
  e.traffic = traffic;
  return create_endpoint(e);
}

void online_client::begin_delete_endpoint_erased(std::string name, diagnostics& diag, detail::handler<arm::poller> h) const {
  spawn_delete(*arm_, online_endpoint_id(workspace_, name).to_string(), diag, std::move(h));
}

arm::poller online_client::begin_delete_endpoint(std::string_view name) const {
  return detail::block<arm::poller>([&](diagnostics& d, auto h) { begin_delete_endpoint_erased(std::string(name), d, std::move(h)); });
}

void online_client::delete_endpoint(std::string_view name) const {
  auto p = begin_delete_endpoint(name);
  if (!p.done()) p.wait();
}

endpoint_keys online_client::get_keys(std::string_view endpoint) const {
  arm::request req;
  req.method = http::verb::post;
  req.path = online_endpoint_id(workspace_, endpoint).to_string() + "/listKeys";
  req.safe_to_retry = true;
  const auto body = blocking_send(*arm_, std::move(req));
  endpoint_keys k;
  if (const auto* o = body.if_object()) {
    if (const auto* v = o->if_contains("primaryKey"); v && v->is_string()) k.primary = secret_string(std::string(v->as_string()));
    if (const auto* v = o->if_contains("secondaryKey"); v && v->is_string())
      k.secondary = secret_string(std::string(v->as_string()));
  }
  return k;
}

endpoint_token online_client::get_token(std::string_view endpoint) const {
  arm::request req;
  req.method = http::verb::post;
  req.path = online_endpoint_id(workspace_, endpoint).to_string() + "/token";
  req.safe_to_retry = true;
  const auto body = blocking_send(*arm_, std::move(req));
  endpoint_token t;
  if (const auto* o = body.if_object()) {
    if (const auto* v = o->if_contains("accessToken"); v && v->is_string())
      t.access_token = secret_string(std::string(v->as_string()));
    if (const auto* v = o->if_contains("tokenType"); v && v->is_string()) t.token_type = v->as_string();
    if (const auto* v = o->if_contains("expiryTimeUtc"); v && v->is_int64()) t.expires_on = v->as_int64();
    if (const auto* v = o->if_contains("refreshAfterTimeUtc"); v && v->is_int64()) t.refresh_after = v->as_int64();
  }
  return t;
}

void online_client::begin_create_deployment_erased(online_deployment d, deployment_create_options options,
                                                   diagnostics& diag, detail::handler<arm::poller> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, create_deployment_coro(arm_, workspace_, std::move(d), options, &diag),
                std::move(h));
}

arm::poller online_client::begin_create_deployment(const online_deployment& d,
                                                   const deployment_create_options& options) const {
  return detail::block<arm::poller>(
      [&](diagnostics& diag, auto h) { begin_create_deployment_erased(d, options, diag, std::move(h)); });
}

online_deployment online_client::create_deployment(const online_deployment& d,
                                                   const deployment_create_options& options) const {
  auto p = begin_create_deployment(d, options);
  p.wait();
  return get_deployment(d.endpoint_name, d.name);
}

void online_client::get_deployment_erased(std::string endpoint, std::string name, diagnostics& diag,
                                          detail::handler<online_deployment> h) const {
  spawn_read<online_deployment>(*arm_, online_deployment_id(online_endpoint_id(workspace_, endpoint), name).to_string(),
                                "online deployment", &online_deployment::from_json, diag, std::move(h));
}

online_deployment online_client::get_deployment(std::string_view endpoint, std::string_view name) const {
  return detail::block<online_deployment>(
      [&](diagnostics& d, auto h) { get_deployment_erased(std::string(endpoint), std::string(name), d, std::move(h)); });
}

void online_client::list_deployments_erased(std::string endpoint, diagnostics& diag,
                                            detail::handler<std::vector<online_deployment>> h) const {
  spawn_list<online_deployment>(*arm_, online_endpoint_id(workspace_, endpoint).to_string() + "/deployments",
                                "online deployment", &online_deployment::from_json, diag, std::move(h));
}

std::vector<online_deployment> online_client::list_deployments(std::string_view endpoint) const {
  return detail::block<std::vector<online_deployment>>(
      [&](diagnostics& d, auto h) { list_deployments_erased(std::string(endpoint), d, std::move(h)); });
}

void online_client::begin_delete_deployment_erased(std::string endpoint, std::string name, diagnostics& diag,
                                                   detail::handler<arm::poller> h) const {
  spawn_delete(*arm_, online_deployment_id(online_endpoint_id(workspace_, endpoint), name).to_string(), diag, std::move(h));
}

arm::poller online_client::begin_delete_deployment(std::string_view endpoint, std::string_view name) const {
  return detail::block<arm::poller>([&](diagnostics& d, auto h) {
    begin_delete_deployment_erased(std::string(endpoint), std::string(name), d, std::move(h));
  });
}

void online_client::delete_deployment(std::string_view endpoint, std::string_view name) const {
  auto p = begin_delete_deployment(endpoint, name);
  if (!p.done()) p.wait();
}

void online_client::invoke_erased(std::string endpoint, std::string request_json, std::string deployment,
                                  diagnostics& diag, detail::handler<scoring_result> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag,
                invoke_coro(arm_, scoring_, workspace_, std::move(endpoint), std::move(request_json), std::move(deployment),
                            &diag),
                std::move(h));
}

scoring_result online_client::invoke(std::string_view endpoint, std::string_view request_json,
                                     std::string_view deployment) const {
  return detail::block<scoring_result>([&](diagnostics& d, auto h) {
    invoke_erased(std::string(endpoint), std::string(request_json), std::string(deployment), d, std::move(h));
  });
}

model_version online_client::create_model_version(const model_version& m) const {
  if (m.name.empty() || m.version.empty() || m.model_uri.empty())
    throw validation_error({{"model", "a model version needs a name, a version and a model URI",
                             "set name, version and model_uri (where the model's files are)"}});
  arm::request req;
  req.method = http::verb::put;
  req.path = asset_version_id(workspace_, azureml_asset_type::models, m.name, m.version).to_string();
  json::object p{{"modelUri", m.model_uri}, {"modelType", m.model_type}};
  if (!m.description.empty()) p["description"] = m.description;
  req.body = json::object{{"properties", std::move(p)}};
  blocking_send(*arm_, std::move(req));
  return get_model_version(m.name, m.version);
}

model_version online_client::get_model_version(std::string_view name, std::string_view version) const {
  return blocking_read<model_version>(
      *arm_, asset_version_id(workspace_, azureml_asset_type::models, name, version).to_string(), "model version",
      [](const json::value& body) {
        const auto root = detail::reader::root(body, "model version");
        model_version m;
        m.id = root.string_or_empty("id");
        m.version = root.string_or_empty("name");
        if (!m.id.empty())
          if (auto parent = resource_id::parse(m.id).parent()) m.name = std::string(parent->name());
        if (auto p = root.child("properties")) {
          m.model_uri = p->string_or_empty("modelUri");
          m.model_type = p->string_or_empty("modelType");
          m.description = p->string_or_empty("description");
        }
        return m;
      });
}

}  // namespace amlk8s::model
