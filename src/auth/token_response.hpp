// Reading token endpoint answers (Entra v2, IMDS, App Service, Arc) and turning failures into
// diagnostics without letting a secret through.
#pragma once

#include <amlk8s/auth/access_token.hpp>
#include <amlk8s/auth/secret_string.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::auth::detail {

using time_point = std::chrono::system_clock::time_point;

/// Parses a JSON token answer: access_token plus expires_in (number or numeric string) or expires_on
/// (epoch number or string, RFC 3339, RFC 1123), and refresh_in when present (§4.1, §4.2). Long-lived
/// tokens get a refresh_on at half-life (§4.6). On failure returns why (never quoting the body).
std::optional<access_token> parse_token_response(std::string_view body, time_point now, std::string& why);

/// Parses a time as an epoch number ("1700000000"), RFC 3339 or RFC 1123.
std::optional<time_point> parse_time(std::string_view text);

/// Parses "YYYY-MM-DD HH:MM:SS[.ffffff]" as local time (the Azure CLI's expiresOn).
std::optional<time_point> parse_local_time(std::string_view text);

/// The amlk8s condition for a failed token request: 400 and 401 are authentication failures.
error_code token_error_code(int http_status);

/// Fills `diag` from an error answer: status, the service's error code and description (Entra
/// `{error, error_description, trace_id, correlation_id}`, or `{error: {code, message}}`), request ids.
void read_error_response(const http::response& res, diagnostics& diag);

/// Replaces each secret, and anything shaped like a JWT, in every text of `diag` with "***".
void scrub(diagnostics& diag, std::initializer_list<const secret_string*> secrets = {});

/// `text` with each secret, and anything shaped like a JWT, replaced by "***".
std::string scrub_text(std::string text, std::initializer_list<const secret_string*> secrets = {});

}  // namespace amlk8s::auth::detail
