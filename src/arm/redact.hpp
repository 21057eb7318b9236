// Text that comes from ARM, made fit for diagnostics: redacted through the core helper
// (core/redact.hpp) and shortened.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace amlk8s::arm::detail {

/// Replaces what looks like a credential with "***" (amlk8s::redact_text).
std::string redact(std::string_view text);

/// Collapses runs of whitespace to one space, trims, and cuts to `max_chars` with a trailing "...".
std::string shorten(std::string_view text, std::size_t max_chars);

}  // namespace amlk8s::arm::detail
