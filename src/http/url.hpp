// Splitting request and proxy URLs into what a connection needs (private to the transport).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::http::detail {

/// An absolute http(s) URL taken apart.
struct target_url {
  bool tls = false;         ///< https
  std::string scheme;       ///< "http" or "https", lower case
  std::string host;         ///< name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;   ///< explicit or the scheme's default
  std::string host_port;    ///< host:port, IPv6 in brackets (CONNECT target, pool key)
  std::string host_header;  ///< the Host header: like host_port, without a default port
  std::string target;       ///< origin form: path and query, "/" when empty; the fragment is dropped
};

/// Parses an absolute http:// or https:// URL; on failure returns nothing and says why in `why`.
std::optional<target_url> parse_target_url(std::string_view url, std::string& why);

/// A proxy taken apart.
struct proxy_url {
  std::string host;           ///< without IPv6 brackets
  std::uint16_t port = 80;
  std::string authorization;  ///< "Basic ..." when the URL carries user:password, else empty
};

/// Parses an http:// proxy URL (or host:port with no scheme); on failure says why in `why`.
std::optional<proxy_url> parse_proxy_url(std::string_view url, std::string& why);

/// Standard base64 of `data`, as Basic authentication needs.
std::string base64(std::string_view data);

}  // namespace amlk8s::http::detail
