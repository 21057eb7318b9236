// Redaction of text that comes from ARM before it is kept in diagnostics. Private to the arm layer
// until core has its shared redaction (core/redact.hpp, named in core/error.hpp); then this goes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace amlk8s::arm::detail {

/// Replaces what looks like a credential with "***": bearer tokens, JWTs, PEM blocks, and the value
/// of any `name=value` / `"name": "value"` pair whose name ends in key, secret, password, pwd, token,
/// sig or signature (SAS URLs, storage and Service Bus connection strings, token responses).
std::string redact(std::string_view text);

/// Collapses runs of whitespace to one space, trims, and cuts to `max_chars` with a trailing "...".
std::string shorten(std::string_view text, std::size_t max_chars);

}  // namespace amlk8s::arm::detail
