// Which proxy a request goes through. Sans-I/O: the client asks select() once per connection it opens,
// and tests check the rules without a socket.
#pragma once

#include <string>
#include <string_view>

namespace amlk8s::http {

/// Proxy settings in the form of the usual environment variables.
///
/// Proxy URLs are `http://[user:password@]host[:port]` (the scheme may be left out; the port defaults
/// to 80). An https:// request goes through the proxy in a CONNECT tunnel, so TLS stays end to end;
/// an http:// request is sent to the proxy in absolute form. Loopback hosts (`localhost`, `*.localhost`,
/// 127.0.0.0/8, `::1`) never go through a proxy, whatever `no_proxy` says.
struct proxy_settings {
  std::string http_proxy;   ///< proxy for http:// requests; empty: direct
  std::string https_proxy;  ///< proxy for https:// requests; empty: direct
  /// Comma-separated hosts that bypass the proxy: `*` for all, a name matches itself and its
  /// subdomains (`example.com` and `.example.com` both match `api.example.com`), an IP literal
  /// matches itself; a `:port` suffix on an entry is ignored.
  std::string no_proxy;

  /// Reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY (upper case first, then lower case).
  static proxy_settings from_environment();

  /// The proxy URL for a request to `scheme://host`, or an empty string for a direct connection.
  std::string_view select(std::string_view scheme, std::string_view host) const;
};

/// True when `host` (a name or an IP literal, IPv6 with or without brackets) names this machine's
/// loopback interface, without asking DNS.
bool is_loopback_host(std::string_view host) noexcept;

/// True when `host` matches one entry of a NO_PROXY list (see proxy_settings::no_proxy).
bool matches_no_proxy(std::string_view host, std::string_view no_proxy) noexcept;

}  // namespace amlk8s::http
