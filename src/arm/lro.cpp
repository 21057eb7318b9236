// The long-running-operation algorithm. Wire facts: contracts/arm-extensions.md §1.6 (headers,
// status values, final GET, Retry-After and the 30 s default) and §1.7 (the error shape in a status
// resource), contracts/aml-workspace-and-auth.md §1.5 (provisioningErrors) and §1.6 (the order
// Azure-AsyncOperation, Location, provisioningState). lro.hpp says how they are combined.
#include <amlk8s/arm/lro.hpp>

#include <amlk8s/arm/error.hpp>
#include <amlk8s/arm/throttle.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>

namespace amlk8s::arm {
namespace {

namespace json = boost::json;

// The member at `path` of nested objects, or null.
const json::value* member(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->get_object().find(key);
    if (it == cur->get_object().end()) return nullptr;
    cur = &it->value();
  }
  return cur;
}

std::string string_at(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* m = member(v, path);
  return m && m->is_string() ? std::string(m->get_string()) : std::string();
}

std::string header(const response& r, std::string_view name) {
  auto v = r.headers.get(name);
  return v ? std::string(*v) : std::string();
}

bool is_status(std::string_view status, std::string_view value) { return http::iequals(status, value); }

bool is_failure_status(std::string_view status) {
  // "Cancelled" is not in the ARM contract, but an RP that spells it so must not leave us polling forever.
  return is_status(status, "Failed") || is_status(status, "Canceled") || is_status(status, "Cancelled");
}

bool writes_resource(http::verb m) { return m == http::verb::put || m == http::verb::patch; }

// The error object a resource in state Failed carries: the extension's properties.errorInfo
// (arm-extensions §1.3), the compute's properties.provisioningErrors[0].error (aml §1.5), or a
// top-level error.
const json::value* resource_error(const json::value& body) {
  if (auto* e = member(body, {"properties", "errorInfo"}); e && e->is_object()) return e;
  if (auto* list = member(body, {"properties", "provisioningErrors"}); list && list->is_array() &&
                                                                        !list->get_array().empty()) {
    const auto& first = list->get_array().front();
    if (auto* e = member(first, {"error"}); e && e->is_object()) return e;
    if (first.is_object()) return &first;
  }
  if (auto* e = member(body, {"error"}); e && e->is_object()) return e;
  return nullptr;
}

// --- resume token encoding: base64url (no padding) of a small JSON object -------------------------

constexpr std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    auto n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
             static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(b64[(n >> shift) & 0x3F]);
  }
  if (auto rest = in.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(b64[(n >> 18) & 0x3F]);
    out.push_back(b64[(n >> 12) & 0x3F]);
    if (rest == 2) out.push_back(b64[(n >> 6) & 0x3F]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    auto pos = b64.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

constexpr std::string_view token_prefix = "amlk8s-lro.";
constexpr std::int64_t token_version = 1;

constexpr std::array<http::verb, 6> all_verbs = {http::verb::get,  http::verb::head,  http::verb::put,
                                                 http::verb::post, http::verb::patch, http::verb::delete_};

}  // namespace

bool is_terminal_status(std::string_view status) noexcept {
  return is_status(status, "Succeeded") || is_failure_status(status);
}

lro_machine::lro_machine(http::verb method, std::string resource_url, lro_timing timing)
    : method_(method), resource_url_(std::move(resource_url)), timing_(timing) {}

lro_action lro_machine::poll_after(const response& answer) {
  auto delay = parse_retry_after(answer.headers).value_or(timing_.default_delay);
  delay = std::clamp(delay, std::chrono::milliseconds(0), std::max(timing_.max_delay, std::chrono::milliseconds(0)));
  next_ = lro_action{lro_action_kind::poll, poll_url_, delay, {}, {}};
  return next_;
}

lro_action lro_machine::succeed(json::value result) {
  result_ = std::move(result);
  if (!is_status(status_, "Succeeded")) status_ = "Succeeded";
  next_ = lro_action{lro_action_kind::done, {}, {}, {}, {}};
  return next_;
}

lro_action lro_machine::fail_terminal(error_code ec, diagnostics diag) {
  next_ = lro_action{lro_action_kind::failed, {}, {}, ec, std::move(diag)};
  return next_;
}

lro_action lro_machine::fail_http(const response& answer) {
  diagnostics diag;
  error_code ec = error_from_response(answer, diag);
  if (!ec) {
    diag.http_status = answer.status;
    ec = make_error_code(errc::protocol_error);
    diag.client_message = "unexpected HTTP " + std::to_string(answer.status) + " while following a long-running operation";
  }
  bool transient = answer.status == 408 || answer.status == 429 || answer.status >= 500;
  if (!transient) return fail_terminal(ec, std::move(diag));
  // Still running as far as we know: keep the pending request, honouring the answer's Retry-After.
  if (next_.kind == lro_action_kind::poll) {
    auto delay = parse_retry_after(answer.headers).value_or(timing_.default_delay);
    next_.delay = std::clamp(delay, std::chrono::milliseconds(0), std::max(timing_.max_delay, std::chrono::milliseconds(0)));
  }
  return lro_action{lro_action_kind::failed, {}, {}, ec, std::move(diag)};
}

lro_action lro_machine::fail_operation(std::string_view status, const json::value* error_detail, const response& answer) {
  diagnostics diag;
  read_request_ids(answer.headers, diag);
  if (error_detail && error_detail->is_object()) read_error_detail(error_detail->get_object(), diag);
  diag.client_message = "the long-running operation ended with status " + std::string(status);
  status_ = std::string(status);
  return fail_terminal(make_error_code(errc::operation_failed), std::move(diag));
}

lro_action lro_machine::from_provisioning_state(const response& answer) {
  std::string state = string_at(answer.body, {"properties", "provisioningState"});
  if (is_failure_status(state)) return fail_operation(state, resource_error(answer.body), answer);
  if (!state.empty()) status_ = state;
  return succeed(answer.body);
}

lro_action lro_machine::after_status_succeeded(const response& answer) {
  if (writes_resource(method_)) {
    next_ = lro_action{lro_action_kind::final_get, resource_url_, {}, {}, {}};
    return next_;
  }
  if (method_ == http::verb::post && !location_url_.empty()) {
    next_ = lro_action{lro_action_kind::final_get, location_url_, {}, {}, {}};
    return next_;
  }
  if (method_ == http::verb::delete_) return succeed(nullptr);
  // A POST with no Location: the status resource is all there is.
  return succeed(answer.body);
}

lro_action lro_machine::start(const response& initial) {
  mode_ = mode::none;
  result_ = nullptr;
  status_.clear();
  poll_url_.clear();
  location_url_ = header(initial, "Location");

  if (!initial.ok()) {
    lro_action a = fail_http(initial);
    return fail_terminal(a.error, std::move(a.diag));  // the operation never started
  }
  if (initial.status == 204) return succeed(nullptr);

  std::string state = string_at(initial.body, {"properties", "provisioningState"});
  if (auto aao = header(initial, "Azure-AsyncOperation"); !aao.empty()) {
    mode_ = mode::async_operation;
    poll_url_ = std::move(aao);
    status_ = state.empty() ? "InProgress" : state;
    return poll_after(initial);
  }
  if (!location_url_.empty() && (initial.status == 202 || (initial.status == 201 && !is_terminal_status(state)))) {
    mode_ = mode::location;
    poll_url_ = location_url_;
    status_ = "InProgress";
    return poll_after(initial);
  }
  if (writes_resource(method_) && !state.empty() && !is_terminal_status(state)) {
    mode_ = mode::provisioning_state;
    poll_url_ = resource_url_;
    status_ = state;
    return poll_after(initial);
  }
  return from_provisioning_state(initial);
}

lro_action lro_machine::resume(const response& answer) {
  if (done()) return next_;
  if (next_.kind == lro_action_kind::final_get) {
    if (!answer.ok()) return fail_http(answer);
    return succeed(answer.body);
  }
  switch (mode_) {
    case mode::async_operation: {
      if (!answer.ok()) return fail_http(answer);
      const json::value* status = member(answer.body, {"status"});
      if (!status || !status->is_string()) {
        diagnostics diag;
        diag.http_status = answer.status;
        read_request_ids(answer.headers, diag);
        diag.client_message = "the operation status resource has no 'status'";
        return lro_action{lro_action_kind::failed, {}, {}, make_error_code(errc::protocol_error), std::move(diag)};
      }
      status_ = std::string(status->get_string());
      if (is_status(status_, "Succeeded")) return after_status_succeeded(answer);
      if (is_failure_status(status_)) return fail_operation(status_, member(answer.body, {"error"}), answer);
      return poll_after(answer);
    }
    case mode::location: {
      if (!answer.ok()) return fail_http(answer);
      if (answer.status == 202) {
        if (auto moved = header(answer, "Location"); !moved.empty()) poll_url_ = std::move(moved);
        status_ = "InProgress";
        return poll_after(answer);
      }
      status_ = "Succeeded";
      if (writes_resource(method_)) {
        next_ = lro_action{lro_action_kind::final_get, resource_url_, {}, {}, {}};
        return next_;
      }
      return succeed(answer.body);
    }
    case mode::provisioning_state: {
      if (!answer.ok()) return fail_http(answer);
      std::string state = string_at(answer.body, {"properties", "provisioningState"});
      if (answer.status == 202 || (!state.empty() && !is_terminal_status(state))) {
        if (!state.empty()) status_ = state;
        return poll_after(answer);
      }
      return from_provisioning_state(answer);
    }
    case mode::none: break;
  }
  return next_;
}

std::string lro_machine::resume_token() const {
  std::string_view mode_name = mode_ == mode::async_operation      ? "async_operation"
                               : mode_ == mode::location           ? "location"
                               : mode_ == mode::provisioning_state ? "provisioning_state"
                                                                   : "none";
  json::object o;
  o["v"] = token_version;
  o["method"] = http::to_string(method_);
  o["resource"] = resource_url_;
  o["mode"] = mode_name;
  o["poll"] = poll_url_;
  o["location"] = location_url_;
  o["status"] = status_;
  if (next_.kind == lro_action_kind::final_get) o["final"] = next_.url;
  return std::string(token_prefix) + base64url_encode(json::serialize(o));
}

error_code lro_machine::from_resume_token(std::string_view token, lro_machine& out, diagnostics& diag,
                                          lro_timing timing) {
  auto bad = [&](std::string_view why) {
    diag.client_message = "not an amlk8s long-running operation resume token (" + std::string(why) + ")";
    return make_error_code(errc::invalid_argument);
  };
  if (token.substr(0, token_prefix.size()) != token_prefix) return bad("wrong prefix");
  auto text = base64url_decode(token.substr(token_prefix.size()));
  if (!text) return bad("not base64url");
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return bad("not JSON");
  if (auto* ver = member(v, {"v"}); !ver || !ver->is_int64() || ver->get_int64() != token_version)
    return bad("unknown version");

  lro_machine m;
  std::string method = string_at(v, {"method"});
  auto verb = std::find_if(all_verbs.begin(), all_verbs.end(), [&](http::verb x) { return http::to_string(x) == method; });
  if (verb == all_verbs.end()) return bad("unknown method");
  m.method_ = *verb;
  m.resource_url_ = string_at(v, {"resource"});
  m.timing_ = timing;
  std::string mode_name = string_at(v, {"mode"});
  if (mode_name == "async_operation") m.mode_ = mode::async_operation;
  else if (mode_name == "location") m.mode_ = mode::location;
  else if (mode_name == "provisioning_state") m.mode_ = mode::provisioning_state;
  else if (mode_name == "none") m.mode_ = mode::none;
  else return bad("unknown mode");
  m.poll_url_ = string_at(v, {"poll"});
  m.location_url_ = string_at(v, {"location"});
  m.status_ = string_at(v, {"status"});
  if (m.resource_url_.empty()) return bad("no resource URL");

  // The request to make first: the pending final GET, else the poll (again, if the operation had
  // already finished: the service answers with the same outcome), else the final GET of a PUT/PATCH.
  if (std::string final_url = string_at(v, {"final"}); !final_url.empty())
    m.next_ = lro_action{lro_action_kind::final_get, std::move(final_url), {}, {}, {}};
  else if (m.mode_ != mode::none && !m.poll_url_.empty())
    m.next_ = lro_action{lro_action_kind::poll, m.poll_url_, std::chrono::milliseconds(0), {}, {}};
  else if (writes_resource(m.method_))
    m.next_ = lro_action{lro_action_kind::final_get, m.resource_url_, {}, {}, {}};
  else
    m.next_ = lro_action{lro_action_kind::done, {}, {}, {}, {}};
  out = std::move(m);
  return {};
}

}  // namespace amlk8s::arm
