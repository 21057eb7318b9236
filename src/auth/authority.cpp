#include "auth/authority.hpp"

#include "auth/encoding.hpp"
#include "auth/wire.hpp"

#include <amlk8s/http/message.hpp>

#include <algorithm>
#include <cctype>

namespace amlk8s::auth::detail {

std::optional<url_parts> split_url(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  url_parts parts;
  parts.scheme = std::string(url.substr(0, sep));
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no user info in an authority
  std::string_view host;
  std::string_view after;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    after = authority.substr(close + 1);
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    after = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (host.empty()) return std::nullopt;
  parts.host = std::string(host);
  parts.rest = std::string(after) + (authority_end == std::string_view::npos ? "" : std::string(rest.substr(authority_end)));
  return parts;
}

bool is_loopback_host(std::string_view host) noexcept {
  if (http::iequals(host, "localhost") || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  return only_chars(host, ".") && std::count(host.begin(), host.end(), '.') == 3;
}

std::optional<std::string> resolve_authority(std::string_view configured, std::optional<validation_issue>& rejected) {
  std::string field = "authority_host";
  std::string host(trim(configured));
  if (host.empty()) {
    if (auto from_env = env(wire::env_authority_host)) {
      host = std::string(trim(*from_env));
      field = std::string(wire::env_authority_host);
    }
  }
  if (host.empty()) host = std::string(wire::default_authority_host);
  while (!host.empty() && host.back() == '/') host.pop_back();
  auto parts = split_url(host);
  if (!parts) {
    rejected = validation_issue{field, "'" + host + "' is not an absolute http(s) URL",
                                "set it to the authority host, e.g. https://login.microsoftonline.com"};
    return std::nullopt;
  }
  if (parts->scheme != "https" && !is_loopback_host(parts->host)) {
    rejected = validation_issue{field, "'" + host + "' uses plain http to a host that is not loopback",
                                "use https (plain http is allowed only for 127.0.0.1, ::1 or localhost)"};
    return std::nullopt;
  }
  if (parts->rest.find_first_of("?#") != std::string::npos) {
    rejected = validation_issue{field, "'" + host + "' has a query or fragment", "give the authority host only"};
    return std::nullopt;
  }
  return host;
}

std::optional<validation_issue> check_tenant(std::string_view tenant, std::string field) {
  if (tenant.empty()) {
    return validation_issue{std::move(field), "is empty", "set the directory (tenant) id or a verified domain"};
  }
  if (!only_chars(tenant, wire::cli_tenant_extra_chars)) {
    return validation_issue{std::move(field), "'" + std::string(tenant) + "' has characters other than letters, digits, '.' and '-'",
                            "set the directory (tenant) id or a verified domain"};
  }
  for (std::string_view multi : {"common", "organizations", "consumers"}) {
    if (http::iequals(tenant, multi)) {
      return validation_issue{std::move(field), "'" + std::string(tenant) + "' is not a single tenant",
                              "the client-credentials flow needs the directory (tenant) id of the application"};
    }
  }
  return std::nullopt;
}

std::string token_endpoint(std::string_view authority, std::string_view tenant) {
  std::string url(authority);
  url += '/';
  url += url_encode(tenant);
  url += http::iequals(tenant, wire::adfs_tenant) ? wire::token_path_adfs : wire::token_path_v2;
  return url;
}

}  // namespace amlk8s::auth::detail
