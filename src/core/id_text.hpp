// Text helpers shared by the ARM id and azureml: reference parsers (private to src/core).
#pragma once

#include <string>
#include <string_view>

namespace amlk8s::detail {

/// True for ASCII control characters.
bool is_control(char c) noexcept;
/// "0x1F" for a byte.
std::string hex_byte(char c);
/// Quotes user input for a message: control characters escaped, very long input shortened.
std::string quote(std::string_view text);
/// What makes `value` unusable as one ARM id segment, or "" when it is fine.
std::string segment_problem(std::string_view value);

}  // namespace amlk8s::detail
