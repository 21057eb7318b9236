#include "http/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace amlk8s::http::detail {
namespace {

std::string bracketed(const boost::urls::url_view& u) {
  std::string host = u.host_address();
  return u.host_type() == boost::urls::host_type::ipv6 ? "[" + host + "]" : host;
}

}  // namespace

std::optional<target_url> parse_target_url(std::string_view url, std::string& why) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    why = "'" + std::string(url) + "' is not an absolute URL (" + parsed.error().message() + ")";
    return std::nullopt;
  }
  const auto& u = *parsed;
  target_url t;
  if (u.scheme_id() == boost::urls::scheme::https) {
    t.tls = true;
    t.scheme = "https";
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    t.scheme = "http";
  } else {
    why = "'" + std::string(url) + "' does not start with http:// or https://";
    return std::nullopt;
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    why = "'" + std::string(url) + "' has no host";
    return std::nullopt;
  }
  if (u.host_type() == boost::urls::host_type::ipvfuture) {
    why = "'" + std::string(url) + "' uses an IPvFuture host, which is not supported";
    return std::nullopt;
  }
  t.host = u.host_address();
  std::uint16_t default_port = t.tls ? 443 : 80;
  if (u.has_port() && !u.port().empty()) {
    if (u.port_number() == 0) {
      why = "'" + std::string(url) + "' has an invalid port";
      return std::nullopt;
    }
    t.port = u.port_number();
  } else {
    t.port = default_port;
  }
  auto host = bracketed(u);
  t.host_port = host + ":" + std::to_string(t.port);
  t.host_header = t.port == default_port ? host : t.host_port;
  t.target = u.encoded_target();
  if (t.target.empty() || t.target.front() != '/') t.target.insert(0, "/");
  return t;
}

std::optional<proxy_url> parse_proxy_url(std::string_view url, std::string& why) {
  std::string text(url);
  if (text.find("://") == std::string::npos) text.insert(0, "http://");
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty()) {
    why = "proxy '" + std::string(url) + "' is not of the form http://host:port";
    return std::nullopt;
  }
  const auto& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http) {
    why = "proxy '" + std::string(u.encoded_origin()) + "' uses scheme '" + std::string(u.scheme()) +
          "'; only http:// proxies are supported (https requests still go end to end through a CONNECT tunnel)";
    return std::nullopt;
  }
  proxy_url p;
  p.host = u.host_address();
  if (u.has_port() && !u.port().empty()) p.port = u.port_number();
  if (p.port == 0) {
    why = "proxy '" + std::string(u.encoded_origin()) + "' has an invalid port";
    return std::nullopt;
  }
  if (u.has_userinfo()) p.authorization = "Basic " + base64(std::string(u.user()) + ":" + std::string(u.password()));
  return p;
}

std::string base64(std::string_view data) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (std::size_t rest = data.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace amlk8s::http::detail
