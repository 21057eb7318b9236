// The ARM request pipeline: bearer token, throttle, api-version, then the routes.
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

#include <algorithm>
#include <stdexcept>

namespace amlk8s::local {

using detail::arm_error;
using detail::request_context;

arm_api::state::state(arm_options o, std::shared_ptr<const token_service> t)
    : options(std::move(o)), tokens(std::move(t)), time(tokens->time()), throttle(options.throttle) {}

arm_api::arm_api(arm_options options, std::shared_ptr<const token_service> tokens) {
  if (!tokens) throw std::invalid_argument("arm_api needs a token_service");
  state_ = std::make_unique<state>(std::move(options), std::move(tokens));
}

arm_api::~arm_api() = default;

const arm_options& arm_api::options() const noexcept { return state_->options; }

bool arm_api::owns(std::string_view path) noexcept {
  const auto segments = detail::split_path(path);
  return !segments.empty() && http::iequals(segments[0], "subscriptions");
}

namespace {

// contracts/arm-extensions.md §1.9 and ARM's authentication errors: 401 with the §1.7 body and a
// WWW-Authenticate challenge that names the authority to get a token from.
http::response unauthorized(const request_context& rc, const token_check& check, std::string_view tenant,
                            const std::vector<std::string>& audiences) {
  arm_error e{401, "AuthenticationFailed", {}, {}};
  std::string description;
  switch (check.problem) {
    case token_problem::missing:
      e.message = "Authentication failed. The 'Authorization' header is missing.";
      description = "The authentication failed because of missing 'Authorization' header.";
      break;
    case token_problem::malformed_header:
      e.message = "Authentication failed. The 'Authorization' header is provided in an invalid format.";
      description = "The authentication failed because of an invalid 'Authorization' header.";
      break;
    case token_problem::expired:
      e.code = "ExpiredAuthenticationToken";
      e.message = "The access token expiry UTC time '" + detail::iso8601(check.claims.expires_at) +
                  "' is earlier than current UTC time '" + detail::iso8601(rc.now) + "'.";
      description = "The access token has expired.";
      break;
    case token_problem::none: {
      e.code = "InvalidAuthenticationTokenAudience";
      std::string allowed;
      for (const auto& a : audiences) allowed += (allowed.empty() ? "'" : ",'") + a + "'";
      e.message = "The access token has been obtained for wrong audience or resource '" + check.claims.audience +
                  "'. It should exactly match with one of the allowed audiences " + allowed + ".";
      description = "The access token has a wrong audience.";
      break;
    }
    case token_problem::invalid:
    case token_problem::not_yet_valid:
      e.code = "InvalidAuthenticationToken";
      e.message = "The access token is invalid.";
      description = "The access token is invalid.";
      break;
  }
  auto res = detail::error_response(e);
  res.headers.set("WWW-Authenticate", "Bearer authorization_uri=\"" + rc.origin + "/" + std::string(tenant) +
                                          "\", error=\"invalid_token\", error_description=\"" + description + "\"");
  return res;
}

bool valid_api_version(std::string_view v) {
  // A date, optionally with a suffix such as "-preview": 2024-11-01, 2024-11-02-preview.
  if (v.size() < 10) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) return false;
  }
  return v.size() == 10 || (v[10] == '-' && v.size() > 11);
}

request_class class_of(http::verb v) {
  switch (v) {
    case http::verb::get:
    case http::verb::head: return request_class::read;
    case http::verb::delete_: return request_class::delete_;
    default: return request_class::write;
  }
}

}  // namespace

http::response arm_api::handle(const http::request& req) {
  std::lock_guard lock(state_->mutex);
  auto& st = *state_;
  request_context rc;
  rc.req = &req;
  const auto parts = detail::split_target(req, st.options.scheme);
  rc.origin = st.options.base_url.empty() ? parts.origin : st.options.base_url;
  rc.path = parts.path;
  rc.query = detail::parse_query(parts.query);
  rc.segments = detail::split_path(parts.path);
  rc.now = st.time->now();

  http::response res;
  std::optional<throttle_decision> quota;
  try {
    st.settle_locked();
    const auto check = st.tokens->verify(req.headers.get("Authorization"));
    const bool audience_ok =
        st.options.audiences.empty() ||
        std::any_of(st.options.audiences.begin(), st.options.audiences.end(),
                    [&](const std::string& a) { return http::iequals(a, check.claims.audience); });
    if (!check || !audience_ok) {
      res = unauthorized(rc, check, st.tokens->options().tenant_id, st.options.audiences);
    } else {
      rc.caller = check.claims.client_id;
      if (st.throttle.options().enabled && rc.segments.size() >= 2 && http::iequals(rc.segments[0], "subscriptions")) {
        quota = st.throttle.take(rc.segments[1], class_of(req.method), rc.now);
      }
      if (quota && !quota->allowed) {
        const auto cls = class_of(req.method);
        const std::string kind = cls == request_class::read ? "read" : cls == request_class::write ? "write" : "delete";
        res = detail::error_response(
            {429, "SubscriptionRequestsThrottled",
             "Number of '" + kind + "' requests for subscription '" + rc.segments[1] +
                 "' exceeded the limit. Please try again after '" + std::to_string(quota->retry_after.count()) +
                 "' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling",
             {}});
        res.headers.set("Retry-After", std::to_string(quota->retry_after.count()));
      } else if (const auto version = detail::find_param(rc.query, "api-version"); !version || version->empty()) {
        res = detail::error_response(
            {400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.", {}});
      } else if (!valid_api_version(*version)) {
        res = detail::error_response({400, "InvalidApiVersionParameter",
                                      "The api-version '" + *version +
                                          "' is invalid. The api-version must be a date such as '2024-11-01', "
                                          "optionally followed by a suffix such as '-preview'.",
                                      {}});
      } else {
        rc.api_version = *version;
        res = st.dispatch(rc);
      }
    }
  } catch (const arm_error& e) {
    res = detail::error_response(e);
  } catch (const std::exception&) {
    // Never let an internal failure (or its text) reach the client.
    res = detail::error_response({500, "InternalServerError", "The server encountered an internal error.", {}});
  }
  if (quota) res.headers.set(arm_throttle::header_name(class_of(req.method)), std::to_string(quota->remaining));
  if (req.method == http::verb::head) {
    if (res.status == 200) res = detail::empty_response(204);
    res.body.clear();
  }
  st.stamp(res, rc);
  return res;
}

http::response arm_api::state::dispatch(request_context& rc) {
  const auto& s = rc.segments;
  if (s.size() <= 2) return subscription_routes(rc);
  if (http::iequals(s[2], "resourceGroups")) {
    if (s.size() <= 4) return group_routes(rc);
    if (http::iequals(s[4], "providers")) return resource_routes(rc);
  } else if (http::iequals(s[2], "providers")) {
    return provider_routes(rc);
  }
  throw arm_error{404, "NotFound", "The path '" + rc.path + "' is not served by this Azure Resource Manager endpoint.", {}};
}

// Correlation headers of contracts/arm-extensions.md §1.9, on every answer.
void arm_api::state::stamp(http::response& res, const request_context& rc) {
  const auto request_id = guids.next();
  res.headers.set("x-ms-request-id", request_id);
  const auto correlation = rc.req->headers.get("x-ms-correlation-request-id");
  res.headers.set("x-ms-correlation-request-id", correlation ? std::string(*correlation) : guids.next());
  std::string stamp = detail::iso8601(rc.now);  // 2024-05-01T10:11:12.0000000Z -> 20240501T101112Z
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  stamp = stamp.substr(0, 15) + "Z";
  res.headers.set("x-ms-routing-request-id", "LOCAL:" + stamp + ":" + request_id);
  if (const auto client = rc.req->headers.get("x-ms-client-request-id")) res.headers.set("x-ms-client-request-id", std::string(*client));
  res.headers.set("Cache-Control", "no-cache");
  res.headers.set("Pragma", "no-cache");
  res.headers.set("Expires", "-1");
}

void arm_api::on_change(resource_observer observer) {
  std::lock_guard lock(state_->mutex);
  state_->observers.push_back(std::move(observer));
}

void arm_api::on_start(resource_observer observer) {
  std::lock_guard lock(state_->mutex);
  state_->start_observers.push_back(std::move(observer));
}

void arm_api::on_read(resource_observer observer) {
  std::lock_guard lock(state_->mutex);
  state_->read_observers.push_back(std::move(observer));
}

void arm_api::set_provider_registered(std::string_view subscription, std::string_view provider_namespace,
                                      bool registered) {
  std::lock_guard lock(state_->mutex);
  const auto key = detail::to_lower(subscription) + "/" + detail::to_lower(provider_namespace);
  state_->registrations[key] = registered;
  state_->registering.erase(key);
}

void arm_api::set_throttle(const throttle_options& options) { state_->throttle.configure(options); }

void arm_api::on_settle(std::function<void()> hook) {
  std::lock_guard lock(state_->mutex);
  state_->settle_hooks.push_back(std::move(hook));
}

void arm_api::settle() {
  std::lock_guard lock(state_->mutex);
  state_->settle_locked();
}

}  // namespace amlk8s::local
