// The Entra authority and token endpoint (contracts/aml-workspace-and-auth.md §4.1).
#pragma once

#include <amlk8s/core/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::auth::detail {

/// The parts of an absolute http(s) URL that the checks below need.
struct url_parts {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6
  std::string rest;    // ":port/path?query", may be empty
};

/// Splits an absolute URL; nullopt when it is not http(s)://host....
std::optional<url_parts> split_url(std::string_view url);

/// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host) noexcept;

/// The authority host to use: `configured`, else AZURE_AUTHORITY_HOST, else the public cloud; with no
/// trailing slash. Must be https, or http to a loopback host. Returns the rejection as a validation issue.
std::optional<std::string> resolve_authority(std::string_view configured, std::optional<validation_issue>& rejected);

/// Checks a tenant id for the client-credentials flow; nullopt when it is fine.
std::optional<validation_issue> check_tenant(std::string_view tenant, std::string field);

/// {authority}/{tenant}/oauth2/v2.0/token, or /oauth2/token for ADFS.
std::string token_endpoint(std::string_view authority, std::string_view tenant);

}  // namespace amlk8s::auth::detail
