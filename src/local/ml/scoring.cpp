// The scoring front end of Kubernetes online endpoints (azureml-fe and the inference server, as
// far as a client sees them): contracts/aml-workspace-and-auth.md §2.5 "Scoring". The wire shape
// of every answer lives here.
//
//   POST /api/v1/endpoint/{endpoint}/score
//     Authorization: Bearer <key | token>        required (401 otherwise)
//     azureml-model-deployment: <deployment>     optional: bypasses the traffic split
//     body: JSON                                 (400 otherwise)
//   200 {"deployment", "model", "instance_type", "pod", "input"} + header azureml-model-deployment
//   401 wrong or missing credential, 404 unknown endpoint or deployment, 405 other methods,
//   503 nothing to route to (no traffic, or no Running pod of the chosen deployment).
//   Errors are {"error": {"code", "message"}}.
//
//   GET /api/v1/endpoint/{endpoint}/swagger.json   (same credentials): an OpenAPI 2.0 document.
#include "local/ml/online_state.hpp"

#include "local/common/respond.hpp"
#include "local/common/text.hpp"
#include "local/ml/cluster_target.hpp"
#include "local/ml/wire.hpp"

#include <amlk8s/model/workload_labels.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace amlk8s::local {

namespace {

using boost::json::object;
namespace labels = model::workload_labels;

constexpr std::string_view route_prefix = "/api/v1/endpoint/";
constexpr std::string_view deployment_header = "azureml-model-deployment";

const object* object_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::string string_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

http::response error(int status, std::string_view code, std::string message) {
  return detail::json_response(status, object{{"error", object{{"code", code}, {"message", std::move(message)}}}});
}

// Compares without stopping at the first difference (keys are secrets).
bool same_secret(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

// Whether `presented` is a credential the endpoint takes (§2.5): a key (Key), an unexpired token of
// the token action (AMLToken), or an Entra ID token for https://ml.azure.com (AADToken).
bool accepted(azure_api& azure, std::string_view mode, const object& secrets, std::string_view presented,
              std::int64_t now) {
  if (mode == ml::auth_key) {
    for (const auto* key : {"primaryKey", "secondaryKey"}) {
      const auto k = string_at(secrets, key);
      if (!k.empty() && same_secret(k, presented)) return true;
    }
    return false;
  }
  if (mode == ml::auth_aml_token) {
    if (const auto* tokens = secrets.if_contains("tokens"); tokens != nullptr && tokens->is_array())
      for (const auto& t : tokens->as_array()) {
        if (!t.is_object()) continue;
        const auto* exp = t.as_object().if_contains("expiresOn");
        if (exp != nullptr && exp->is_number() && exp->to_number<std::int64_t>() > now &&
            same_secret(string_at(t.as_object(), "token"), presented))
          return true;
      }
    return false;
  }
  const auto check = azure.tokens().verify_token(presented);
  auto audience = check.claims.audience;
  while (!audience.empty() && audience.back() == '/') audience.pop_back();
  return static_cast<bool>(check) && audience == ml::aad_scoring_audience;
}

// An OpenAPI 2.0 document for the endpoint's one operation.
object swagger(std::string_view endpoint, std::string_view scheme, std::string_view host) {
  const object any{{"type", "object"}, {"additionalProperties", true}};
  const object answer{
      {"type", "object"},
      {"properties", object{{"deployment", object{{"type", "string"}}},
                            {"model", object{{"type", "string"}}},
                            {"instance_type", object{{"type", "string"}}},
                            {"pod", object{{"type", "string"}}},
                            {"input", any}}}};
  return object{
      {"swagger", "2.0"},
      {"info", object{{"title", endpoint}, {"description", "Kubernetes online endpoint (amlk8s local)"}, {"version", "1.0"}}},
      {"host", host},
      {"schemes", boost::json::array{boost::json::string(scheme)}},
      {"basePath", std::string(route_prefix) + std::string(endpoint)},
      {"securityDefinitions", object{{"Bearer", object{{"type", "apiKey"}, {"name", "Authorization"}, {"in", "header"}}}}},
      {"security", boost::json::array{object{{"Bearer", boost::json::array{}}}}},
      {"paths",
       object{{"/score",
               object{{"post",
                       object{{"operationId", "RunMLService"},
                              {"consumes", boost::json::array{"application/json"}},
                              {"produces", boost::json::array{"application/json"}},
                              {"parameters", boost::json::array{object{{"name", "body"}, {"in", "body"}, {"required", true},
                                                                       {"schema", any}}}},
                              {"responses", object{{"200", object{{"description", "The model's answer"}, {"schema", answer}}},
                                                   {"default", object{{"description", "An error"}}}}}}}}}}}};
}

}  // namespace

bool online_endpoints::owns(std::string_view path) noexcept { return path.starts_with(route_prefix); }

http::response online_endpoints::handle(const http::request& req) { return state_->handle(req); }

http::response online_endpoints::state::handle(const http::request& req) {
  auto& arm = azure->arm();
  arm.settle();  // operations due by now have completed, as ARM's own requests see them
  const auto parts = detail::split_target(req, "http");
  const auto segments = detail::split_path(parts.path);
  if (segments.size() != 5 || (segments[4] != "score" && segments[4] != "swagger.json"))
    return error(404, "NotFound", "The path '" + parts.path + "' is not served here: use " + std::string(route_prefix) +
                                      "{endpoint}/score or " + std::string(route_prefix) + "{endpoint}/swagger.json.");
  const auto& name = segments[3];
  const bool scoring = segments[4] == "score";

  std::string endpoint_id;
  for (const auto& id : arm.ids(ml::endpoint_type))
    if (http::iequals(ml::last_segment(id), name)) endpoint_id = id;
  const auto endpoint = endpoint_id.empty() ? std::nullopt : arm.get(endpoint_id);
  if (!endpoint) return error(404, "EndpointNotFound", "There is no online endpoint named '" + name + "'.");
  const auto endpoint_name = ml::last_segment(endpoint_id);

  const auto method_ok = scoring ? req.method == http::verb::post : (req.method == http::verb::get || req.method == http::verb::head);
  if (!method_ok) {
    auto res = error(405, "MethodNotAllowed", std::string(scoring ? "Scoring takes POST." : "The swagger document takes GET."));
    res.headers.set("Allow", scoring ? "POST" : "GET");
    return res;
  }

  // Credentials.
  const auto* props = object_at(*endpoint, "properties");
  const auto mode = props != nullptr ? string_at(*props, "authMode") : std::string(ml::auth_key);
  const auto header = req.headers.get("Authorization");
  auto unauthorized = [&](std::string message) {
    auto res = error(401, "Unauthorized", std::move(message));
    res.headers.set("WWW-Authenticate", "Bearer");
    return res;
  };
  const std::string_view bearer = "Bearer ";
  if (!header || header->size() <= bearer.size() || !http::iequals(header->substr(0, bearer.size()), bearer))
    return unauthorized("The request has no 'Authorization: Bearer <credential>' header. Endpoint '" + endpoint_name +
                        "' uses authMode " + mode + ": send " +
                        (mode == ml::auth_key        ? std::string("a key from listKeys")
                         : mode == ml::auth_aml_token ? std::string("a token from the endpoint's token action")
                                                      : std::string("an Entra ID token for https://ml.azure.com")) +
                        ".");
  const auto secrets = arm.secrets(endpoint_id).value_or(object{});
  if (!accepted(*azure, mode, secrets, header->substr(bearer.size()), detail::epoch_seconds(azure->time().now())))
    return unauthorized("The credential in the Authorization header is not valid for endpoint '" + endpoint_name +
                        "' (authMode " + mode + "); it may be expired or regenerated.");

  if (!scoring) {
    const auto at = parts.origin.find("://");
    const auto scheme = at == std::string::npos ? std::string("http") : parts.origin.substr(0, at);
    const auto host = at == std::string::npos ? parts.origin : parts.origin.substr(at + 3);
    return detail::json_response(200, swagger(endpoint_name, scheme, host));
  }

  // Which deployment: the header, else the traffic split.
  std::string deployment;
  std::vector<std::string> deployments;
  for (const auto& id : arm.ids(ml::deployment_type))
    if (http::iequals(ml::parent_id(id), endpoint_id)) deployments.push_back(ml::last_segment(id));
  if (const auto chosen = req.headers.get(deployment_header); chosen && !chosen->empty()) {
    const auto it = std::find_if(deployments.begin(), deployments.end(), [&](const std::string& d) { return http::iequals(d, *chosen); });
    if (it == deployments.end())
      return error(404, "DeploymentNotFound",
                   "Endpoint '" + endpoint_name + "' has no deployment named '" + std::string(*chosen) + "' (header " +
                       std::string(deployment_header) + ").");
    deployment = *it;
  } else {
    object traffic;
    if (props != nullptr)
      if (const auto* t = object_at(*props, "traffic")) traffic = *t;
    std::lock_guard lock(mutex);
    auto& r = routers[detail::to_lower(endpoint_id)];
    if (r.traffic != traffic) r = router{traffic, {}};
    // Smooth weighted round robin: every weight is added to its deployment's current value, the
    // largest current value wins (first name on a tie) and gives back the total. Deterministic,
    // and a 50/50 split alternates.
    std::int64_t total = 0;
    for (const auto& [d, w] : traffic) {
      const auto weight = w.is_number() ? w.to_number<std::int64_t>() : 0;
      if (weight <= 0) continue;
      total += weight;
      r.current[std::string(d)] += weight;
    }
    if (total == 0)
      return error(503, "NoTrafficAllocated",
                   "Endpoint '" + endpoint_name + "' sends no traffic to any deployment. Set its traffic (for example "
                   "{\"" + (deployments.empty() ? std::string("blue") : deployments.front()) +
                       "\": 100}), or name a deployment in the " + std::string(deployment_header) + " header.");
    auto best = r.current.end();
    for (auto it = r.current.begin(); it != r.current.end(); ++it)
      if (traffic.contains(it->first) && (best == r.current.end() || it->second > best->second)) best = it;
    best->second -= total;
    deployment = best->first;
  }

  // The chosen deployment's Running pods, round robin.
  const auto deployment_id = endpoint_id + "/deployments/" + deployment;
  const auto key = detail::to_lower(deployment_id);
  placement where;
  bool placed = false;
  {
    std::lock_guard lock(mutex);
    if (const auto it = placements.find(key); it != placements.end()) {
      where = it->second;
      placed = true;
    }
  }
  std::vector<std::string> running;
  if (const auto api = placed ? where.api.lock() : nullptr)
    for (const auto& pod : api->list(kube::resources::pods, where.ns,
                                     std::string(labels::endpoint) + "=" + where.endpoint + "," +
                                         std::string(labels::deployment) + "=" + where.deployment))
      if (const auto* st = object_at(pod, "status"); st != nullptr && string_at(*st, "phase") == "Running")
        running.push_back(string_at(pod.at("metadata").as_object(), "name"));
  if (running.empty())
    return error(503, "NoHealthyUpstream",
                 "no healthy upstream: deployment '" + deployment + "' of endpoint '" + endpoint_name +
                     "' has no Running pod. Check the deployment's provisioningState and its pods (" +
                     std::string(labels::deployment) + "=" + deployment + ").");
  std::string pod;
  {
    std::lock_guard lock(mutex);
    pod = running[turns[key]++ % running.size()];
  }

  const auto d = arm.get(deployment_id);
  const auto* dprops = d ? object_at(*d, "properties") : nullptr;
  boost::system::error_code ec;
  auto input = boost::json::parse(req.body, ec);
  if (ec) {
    auto res = error(400, "BadRequest", "The request body is not JSON (" + ec.message() + "); send the model's input as JSON.");
    res.headers.set(deployment_header, deployment);
    return res;
  }
  boost::json::value model = nullptr;
  if (dprops != nullptr)
    if (const auto* m = dprops->if_contains("model"); m != nullptr && m->is_string()) model = *m;
  auto res = detail::json_response(200, object{{"deployment", deployment},
                                               {"model", std::move(model)},
                                               {"instance_type", dprops != nullptr ? string_at(*dprops, "instanceType") : ""},
                                               {"pod", pod},
                                               {"input", std::move(input)}});
  res.headers.set(deployment_header, deployment);
  return res;
}

}  // namespace amlk8s::local
