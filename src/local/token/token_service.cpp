// Wire details of Entra ID's token endpoint follow contracts/aml-workspace-and-auth.md §4.1:
// form fields, the v2 success body and the error body with AADSTS codes.
#include <amlk8s/local/token_service.hpp>

#include "local/common/respond.hpp"
#include "local/common/text.hpp"
#include "local/token/jwt.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <cstdio>
#include <ctime>

namespace amlk8s::local {

namespace {

using detail::find_param;

// The v2 form of a client-assertion's type (RFC 7523).
constexpr std::string_view jwt_bearer_assertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Entra writes this timestamp form in its error bodies: "2024-05-01 10:11:12Z".
std::string entra_timestamp(clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf.data();
}

detail::guid_source& guids() {
  static detail::guid_source source;
  return source;
}

// The Entra error body (§4.1): error, error_description (AADSTS code first, then trace ids),
// error_codes, timestamp, trace_id, correlation_id, error_uri.
http::response entra_error(int status, std::string_view error, int code, std::string_view message,
                           const http::request& req, clock::time_point now) {
  const auto trace_id = guids().next();
  const auto correlation = req.headers.get("client-request-id").value_or(std::string_view{});
  const std::string correlation_id = correlation.empty() ? guids().next() : std::string(correlation);
  const auto timestamp = entra_timestamp(now);
  boost::json::object body;
  body["error"] = error;
  body["error_description"] = "AADSTS" + std::to_string(code) + ": " + std::string(message) + " Trace ID: " + trace_id +
                              " Correlation ID: " + correlation_id + " Timestamp: " + timestamp;
  body["error_codes"] = boost::json::array{code};
  body["timestamp"] = timestamp;
  body["trace_id"] = trace_id;
  body["correlation_id"] = correlation_id;
  body["error_uri"] = "https://login.microsoftonline.com/error?code=" + std::to_string(code);
  auto res = detail::json_response(status, body);
  res.headers.set("Cache-Control", "no-store, no-cache");
  return res;
}

std::string missing_parameter(std::string_view name) {
  return "The request body must contain the following parameter: '" + std::string(name) + "'.";
}

}  // namespace

token_service::token_service(token_options options, std::shared_ptr<local::clock> time)
    : options_(std::move(options)), clock_(std::move(time)) {
  key_ = options_.signing_key.empty() ? detail::random_bytes(32) : options_.signing_key;
  if (options_.register_dev_client) add_client(std::string(dev_client_id), std::string(dev_client_secret));
}

void token_service::add_client(std::string client_id, std::string client_secret) {
  std::lock_guard lock(mutex_);
  auto& c = clients_[detail::to_lower(client_id)];
  c.secret = std::move(client_secret);
  if (c.object_id.empty()) c.object_id = guids().next();
}

void token_service::add_client_certificate(const std::string& client_id, std::string_view pem) {
  std::lock_guard lock(mutex_);
  auto& c = clients_[detail::to_lower(client_id)];
  c.public_key_pem = std::string(pem);
  if (c.object_id.empty()) c.object_id = guids().next();
}

std::optional<token_service::client> token_service::find_client(std::string_view client_id) const {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(detail::to_lower(client_id));
  if (it == clients_.end()) return std::nullopt;
  return it->second;
}

bool token_service::owns(std::string_view path) noexcept {
  const auto segments = detail::split_path(path);
  if (segments.size() == 3 && segments[0] == "common" && segments[1] == "discovery" && segments[2] == "instance") return true;
  if (segments.size() == 4 && segments[1] == "oauth2" && segments[2] == "v2.0" && segments[3] == "token") return true;
  if (segments.size() == 3 && segments[1] == "oauth2" && segments[2] == "token") return true;
  return segments.size() == 4 && segments[1] == "v2.0" && segments[2] == ".well-known" &&
         segments[3] == "openid-configuration";
}

http::response token_service::handle(const http::request& req) const {
  const auto target = detail::split_target(req, options_.scheme);
  const auto segments = detail::split_path(target.path);
  const auto now = clock_->now();

  // MSAL asks for instance metadata before the first token unless discovery is disabled; answering
  // it keeps clients such as azure-identity working without a route to the real authority.
  if (segments.size() == 3 && segments[0] == "common" && segments[1] == "discovery") {
    const auto host = target.origin.substr(target.origin.find("://") == std::string::npos ? 0 : target.origin.find("://") + 3);
    boost::json::object body;
    body["tenant_discovery_endpoint"] = target.origin + "/" + options_.tenant_id + "/v2.0/.well-known/openid-configuration";
    body["api-version"] = "1.1";
    body["metadata"] = boost::json::array{boost::json::object{
        {"preferred_network", host}, {"preferred_cache", host}, {"aliases", boost::json::array{boost::json::value(host)}}}};
    return detail::json_response(200, body);
  }

  if (segments.size() == 4 && segments[2] == ".well-known") {
    if (!http::iequals(segments[0], options_.tenant_id))
      return entra_error(400, "invalid_tenant", 90002, "Tenant '" + segments[0] + "' not found.", req, now);
    const auto base = target.origin + "/" + options_.tenant_id;
    boost::json::object body;
    body["token_endpoint"] = base + "/oauth2/v2.0/token";
    body["authorization_endpoint"] = base + "/oauth2/v2.0/authorize";
    body["device_authorization_endpoint"] = base + "/oauth2/v2.0/devicecode";
    body["issuer"] = base + "/v2.0";
    body["jwks_uri"] = base + "/discovery/v2.0/keys";
    body["token_endpoint_auth_methods_supported"] =
        boost::json::array{"client_secret_post", "private_key_jwt", "client_secret_basic"};
    body["response_types_supported"] = boost::json::array{"code", "id_token", "code id_token", "id_token token"};
    body["scopes_supported"] = boost::json::array{"openid", "profile", "email", "offline_access"};
    body["subject_types_supported"] = boost::json::array{"pairwise"};
    body["id_token_signing_alg_values_supported"] = boost::json::array{"RS256"};
    body["tenant_region_scope"] = "NA";
    return detail::json_response(200, body);
  }

  if (segments.size() >= 3 && segments[1] == "oauth2") {
    if (req.method != http::verb::post)
      return entra_error(400, "invalid_request", 900561, "The endpoint only accepts POST requests.", req, now);
    return token_request(req, segments[0], segments.size() == 3);
  }
  return entra_error(404, "invalid_request", 900023, "The request path is not a token endpoint.", req, now);
}

http::response token_service::token_request(const http::request& req, std::string_view tenant, bool v1) const {
  const auto now = clock_->now();
  if (!http::iequals(tenant, options_.tenant_id))
    return entra_error(400, "invalid_request", 90002,
                       "Tenant '" + std::string(tenant) +
                           "' not found. Check to make sure you have the correct tenant ID and are signing into the "
                           "correct cloud.",
                       req, now);
  const auto form = detail::parse_query(req.body, true);
  const auto grant = find_param(form, "grant_type");
  if (!grant) return entra_error(400, "invalid_request", 900144, missing_parameter("grant_type"), req, now);
  if (*grant != "client_credentials")
    return entra_error(400, "unsupported_grant_type", 70003,
                       "The app requested an unsupported grant type '" + *grant + "'.", req, now);
  const auto client_id = find_param(form, "client_id");
  if (!client_id || client_id->empty())
    return entra_error(400, "invalid_request", 900144, missing_parameter("client_id"), req, now);

  // v2 names the audience with a `/.default` scope; v1 with `resource`.
  std::string audience;
  if (v1) {
    const auto resource = find_param(form, "resource");
    if (!resource) return entra_error(400, "invalid_request", 900144, missing_parameter("resource"), req, now);
    audience = *resource;
  } else {
    const auto scope = find_param(form, "scope");
    if (!scope) return entra_error(400, "invalid_request", 900144, missing_parameter("scope"), req, now);
    // One resource scope ending in /.default; OpenID Connect's reserved scopes may ride along.
    constexpr std::string_view suffix = "/.default";
    std::string resource_scope;
    int resource_scopes = 0;
    for (std::string_view rest = *scope; !rest.empty();) {
      const auto space = rest.find(' ');
      const auto item = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (item.empty() || item == "openid" || item == "profile" || item == "offline_access" || item == "email") continue;
      resource_scope = std::string(item);
      ++resource_scopes;
    }
    if (resource_scopes != 1 || !resource_scope.ends_with(suffix) || resource_scope.size() == suffix.size())
      return entra_error(400, "invalid_scope", 1002012,
                         "The provided value for scope " + *scope +
                             " is not valid. Client credential flows must have a scope value with /.default suffixed "
                             "to the resource identifier (application ID URI).",
                         req, now);
    audience = resource_scope.substr(0, resource_scope.size() - suffix.size());
  }

  const auto known = find_client(*client_id);
  if (!known)
    return entra_error(400, "unauthorized_client", 700016,
                       "Application with identifier '" + *client_id + "' was not found in the directory '" +
                           options_.tenant_id +
                           "'. This can happen if the application has not been installed by the administrator of the "
                           "tenant or consented to by any user in the tenant.",
                       req, now);

  const auto secret = find_param(form, "client_secret");
  const auto assertion = find_param(form, "client_assertion");
  if (secret) {
    if (known->secret.empty() || *secret != known->secret)
      return entra_error(401, "invalid_client", 7000215,
                         "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                         "secret value, not the client secret ID, for a secret added to app '" +
                             *client_id + "'.",
                         req, now);
  } else if (assertion) {
    if (find_param(form, "client_assertion_type").value_or("") != jwt_bearer_assertion)
      return entra_error(400, "invalid_request", 700025,
                         "Client assertion type must be '" + std::string(jwt_bearer_assertion) + "'.", req, now);
    const auto parts = detail::parse_jws(*assertion);
    auto claim = [&](std::string_view name) -> std::string {
      const auto* v = parts ? parts->payload.if_contains(name) : nullptr;
      return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    auto number = [&](std::string_view name) -> std::optional<std::int64_t> {
      const auto* v = parts ? parts->payload.if_contains(name) : nullptr;
      if (v != nullptr && v->is_int64()) return v->as_int64();
      if (v != nullptr && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
      return std::nullopt;
    };
    if (!parts || !http::iequals(claim("iss"), *client_id) || !http::iequals(claim("sub"), *client_id))
      return entra_error(401, "invalid_client", 700027,
                         "Client assertion contains an invalid signature or claims: iss and sub must be the client id.",
                         req, now);
    if (!known->public_key_pem.empty() && !detail::check_rsa_signature(*parts, known->public_key_pem))
      return entra_error(401, "invalid_client", 700027, "Client assertion failed signature validation.", req, now);
    const auto t = detail::epoch_seconds(now);
    const auto exp = number("exp");
    if (!exp || *exp <= t || number("nbf").value_or(t) > t + 300)
      return entra_error(401, "invalid_client", 700024, "Client assertion is not within its valid time range.", req,
                         now);
  } else {
    return entra_error(401, "invalid_client", 7000218,
                       "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                       req, now);
  }

  const auto token = issue(*client_id, audience);
  const auto lifetime = options_.lifetime.count();
  boost::json::object body;
  body["token_type"] = "Bearer";
  body["expires_in"] = lifetime;
  body["ext_expires_in"] = lifetime;
  if (v1) {
    // v1 writes its numbers as strings and adds absolute times and the resource.
    body["expires_in"] = std::to_string(lifetime);
    body["ext_expires_in"] = std::to_string(lifetime);
    body["expires_on"] = std::to_string(detail::epoch_seconds(now) + lifetime);
    body["not_before"] = std::to_string(detail::epoch_seconds(now));
    body["resource"] = audience;
  }
  body["access_token"] = token;
  auto res = detail::json_response(200, body);
  res.headers.set("Cache-Control", "no-store, no-cache");
  res.headers.set("Pragma", "no-cache");
  return res;
}

std::string token_service::issue(std::string_view client_id, std::string_view audience) const {
  const auto known = find_client(client_id);
  const auto now = clock_->now();
  const auto iat = detail::epoch_seconds(now);
  boost::json::object header{{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "amlk8s-local"}};
  boost::json::object payload;
  payload["aud"] = audience;
  payload["iss"] = "https://sts.windows.net/" + options_.tenant_id + "/";
  payload["iat"] = iat;
  payload["nbf"] = iat;
  payload["exp"] = iat + options_.lifetime.count();
  payload["appid"] = client_id;
  payload["appidacr"] = "1";
  payload["idtyp"] = "app";
  payload["oid"] = known ? known->object_id : std::string{};
  payload["sub"] = known ? known->object_id : std::string{};
  payload["tid"] = options_.tenant_id;
  payload["uti"] = guids().next();
  payload["ver"] = "1.0";
  return detail::sign_hs256(header, payload, key_);
}

token_check token_service::verify(std::optional<std::string_view> authorization) const {
  if (!authorization) return {token_problem::missing, {}};
  auto value = *authorization;
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size() || !http::iequals(value.substr(0, scheme.size()), scheme))
    return {token_problem::malformed_header, {}};
  value.remove_prefix(scheme.size());
  while (!value.empty() && (value.front() == ' ' || value.back() == ' '))
    value = value.front() == ' ' ? value.substr(1) : value.substr(0, value.size() - 1);
  return verify_token(value);
}

token_check token_service::verify_token(std::string_view token) const {
  const auto parts = detail::parse_jws(token);
  if (!parts || !detail::check_hs256(*parts, key_)) return {token_problem::invalid, {}};
  const auto& p = parts->payload;
  auto text = [&](std::string_view name) {
    const auto* v = p.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
  };
  auto number = [&](std::string_view name) -> std::int64_t {
    const auto* v = p.if_contains(name);
    return v != nullptr && v->is_int64() ? v->as_int64() : 0;
  };
  token_check check;
  check.claims.tenant_id = text("tid");
  check.claims.client_id = text("appid");
  check.claims.object_id = text("oid");
  check.claims.audience = text("aud");
  check.claims.issued_at = clock::time_point(std::chrono::seconds(number("iat")));
  check.claims.expires_at = clock::time_point(std::chrono::seconds(number("exp")));
  if (!http::iequals(check.claims.tenant_id, options_.tenant_id)) return {token_problem::invalid, {}};
  const auto now = clock_->now();
  if (now >= check.claims.expires_at) check.problem = token_problem::expired;
  else if (clock::time_point(std::chrono::seconds(number("nbf"))) > now + std::chrono::minutes(5))
    check.problem = token_problem::not_yet_valid;
  return check;
}

}  // namespace amlk8s::local
