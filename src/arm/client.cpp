#include <amlk8s/arm/client.hpp>

#include <amlk8s/arm/error.hpp>
#include <amlk8s/arm/path.hpp>
#include <amlk8s/arm/throttle.hpp>

#include "arm/blocking.hpp"
#include "arm/redact.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace amlk8s::arm {
namespace {

namespace asio = boost::asio;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "scheme://host[:port]" of an absolute URL, lower-cased, with the scheme's default port made
// explicit so that "https://h" and "https://h:443" compare equal. Empty when there is userinfo,
// which no ARM URL has.
std::string origin_of(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return {};
  std::string scheme = lower(url.substr(0, sep));
  auto rest = url.substr(sep + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  std::string host = lower(authority);
  // A port is present when the last ':' comes after any IPv6 literal's closing bracket.
  auto colon = host.rfind(':');
  auto bracket = host.rfind(']');
  bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  if (!has_port) host += scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  return scheme + "://" + host;
}

// True when a query string already carries api-version (the key compares case-insensitively:
// real ARM URLs have been seen with "api-Version", contracts/arm-extensions.md §1.6).
bool query_has_api_version(std::string_view query) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    if (http::iequals(item.substr(0, item.find('=')), "api-version")) return true;
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return false;
}

error_code reject(errc code, std::string message, diagnostics& diag) {
  diag.client_message = std::move(message);
  return make_error_code(code);
}

http::request to_http(const request& req, std::string url) {
  http::request out;
  out.method = req.method;
  out.url = std::move(url);
  out.headers = req.headers;
  if (!out.headers.contains("Accept")) out.headers.set("Accept", "application/json");
  if (req.body) {
    out.body = boost::json::serialize(*req.body);
    out.headers.set("Content-Type", "application/json");
  }
  out.body_is_secret = req.body_is_secret;
  out.safe_to_retry = req.safe_to_retry;
  return out;
}

// Turns the pipeline's answer into an arm::response; see client.hpp for the rules.
error_code to_arm(error_code ec, http::response res, response& out, diagnostics& diag) {
  out.status = res.status;
  out.headers = std::move(res.headers);
  if (ec) return ec;  // no usable answer; the sender filled diag
  out.throttle = parse_throttle_headers(out.headers);
  bool has_body = res.body.find_first_not_of(" \t\r\n") != std::string::npos;
  boost::system::error_code parse_ec;
  if (has_body) out.body = boost::json::parse(res.body, parse_ec);
  if (parse_ec) out.body = nullptr;

  if (out.status < 200 || out.status >= 300) {
    http::response view;
    view.status = out.status;
    view.headers = out.headers;
    view.body = std::move(res.body);
    if (auto err = error_from_response(view, diag)) return err;
    // 1xx/3xx: ARM does not redirect, so this is not an ARM answer.
    diag.http_status = out.status;
    read_request_ids(out.headers, diag);
    return reject(errc::protocol_error, "unexpected HTTP " + std::to_string(out.status) + " from ARM", diag);
  }
  if (parse_ec) {
    diag.http_status = out.status;
    read_request_ids(out.headers, diag);
    return reject(errc::protocol_error,
                  "ARM answered HTTP " + std::to_string(out.status) +
                      " with a body that is not JSON: " + detail::shorten(detail::redact(res.body), 200),
                  diag);
  }
  return {};
}

struct send_op {
  http::sender* sender;
  http::request req;
  diagnostics* diag;
  error_code early;  // the request was rejected before sending; complete after a post
  std::string client_request_id;  // reported on failure when the service does not echo it
  bool posted = false;

  template <class Self>
  void operator()(Self& self) {
    if (early) {
      // Never complete from inside the initiating call.
      if (!posted) {
        posted = true;
        auto ex = sender->get_executor();
        asio::post(ex, std::move(self));
        return;
      }
      self.complete(early, response{});
      return;
    }
    http::sender& s = *sender;
    diagnostics& d = *diag;
    http::async_send(s, std::move(req), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, http::response res) {
    response out;
    auto result = to_arm(ec, std::move(res), out, *diag);
    if (result && diag->client_request_id.empty()) diag->client_request_id = std::move(client_request_id);
    self.complete(result, std::move(out));
  }
};

}  // namespace

client::client(http::sender& sender, client_options options) : sender_(&sender), options_(std::move(options)) {
  while (options_.endpoint.size() > 1 && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

error_code client::url_for(const request& req, std::string& url, diagnostics& diag) const {
  if (is_absolute_url(req.path)) {
    if (!options_.allow_other_hosts && origin_of(req.path) != origin_of(options_.endpoint)) {
      // The pipeline attaches the ARM token to every request; it must not travel to another host.
      return reject(req.verbatim ? errc::protocol_error : errc::invalid_argument,
                    "refusing to send an ARM request to '" + detail::shorten(req.path, 200) +
                        "': not on the endpoint " + options_.endpoint +
                        " (set client_options::allow_other_hosts to permit other hosts)",
                    diag);
    }
    url = req.path;
    return {};
  }
  if (req.path.empty() || req.path.front() != '/')
    return reject(errc::invalid_argument,
                  "ARM request target '" + req.path + "' must be an ARM path starting with '/' or an absolute URL", diag);
  if (req.verbatim) {
    url = options_.endpoint + req.path;
    return {};
  }

  std::string_view path = req.path;
  std::string_view query;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  std::string encoded;
  try {
    encoded = encode_path(path);
  } catch (const error& e) {
    diag = e.diag();
    return e.code();
  }

  bool explicit_version = query_has_api_version(query);
  for (const auto& [name, value] : req.query) explicit_version = explicit_version || http::iequals(name, "api-version");
  std::string_view version = req.api_version;
  if (version.empty() && !explicit_version) {
    auto provider = provider_of(path);
    auto known = options_.versions.find(provider);
    if (!known)
      return reject(errc::invalid_argument,
                    "no api-version known for provider '" + std::string(provider) + "' (path " + std::string(path) +
                        "); set it with client_options::versions.set(\"" + std::string(provider) +
                        "\", \"<version>\") or request::api_version",
                    diag);
    version = *known;
  }

  url = options_.endpoint + encoded;
  char sep = '?';
  if (!query.empty()) {
    url += sep;
    url += query;
    sep = '&';
  }
  if (!version.empty() && !explicit_version) {
    url += sep;
    url += "api-version=" + encode_query_component(version);
    sep = '&';
  }
  for (const auto& [name, value] : req.query) {
    url += sep;
    url += encode_query_component(name) + "=" + encode_query_component(value);
    sep = '&';
  }
  return {};
}

std::string client::url_for(const request& req) const {
  std::string url;
  diagnostics diag;
  throw_on_error(url_for(req, url, diag), diag);
  return url;
}

void client::async_send_erased(request req, diagnostics& diag, handler_type handler) const {
  diag.clear();
  std::string url;
  error_code early = url_for(req, url, diag);
  std::string client_request_id(req.headers.get("x-ms-client-request-id").value_or(""));
  send_op op{sender_, early ? http::request{} : to_http(req, std::move(url)), &diag, early, std::move(client_request_id)};
  asio::async_compose<handler_type, signature>(std::move(op), handler, sender_->get_executor());
}

request client::make_request(http::verb method, std::string path, boost::json::value body) {
  request r;
  r.method = method;
  r.path = std::move(path);
  if (!body.is_null()) r.body = std::move(body);
  return r;
}

response client::send(request req) const {
  diagnostics diag;
  auto [ec, res] = detail::run_blocking<response>(
      [&](auto handler) { async_send_erased(std::move(req), diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(res);
}

response client::get(std::string path) const { return send(make_request(http::verb::get, std::move(path), nullptr)); }

response client::put(std::string path, boost::json::value body) const {
  return send(make_request(http::verb::put, std::move(path), std::move(body)));
}

response client::patch(std::string path, boost::json::value body) const {
  return send(make_request(http::verb::patch, std::move(path), std::move(body)));
}

response client::post(std::string path, boost::json::value body) const {
  return send(make_request(http::verb::post, std::move(path), std::move(body)));
}

response client::delete_(std::string path) const {
  return send(make_request(http::verb::delete_, std::move(path), nullptr));
}

}  // namespace amlk8s::arm
