#include "core/id_text.hpp"

namespace amlk8s::detail {
namespace {
// Long enough for any real id or reference; keeps a runaway input from flooding a log line.
constexpr std::size_t max_quoted_length = 512;
}  // namespace

bool is_control(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string hex_byte(char c) {
  constexpr char digits[] = "0123456789ABCDEF";
  auto u = static_cast<unsigned char>(c);
  return {'0', 'x', digits[u >> 4], digits[u & 0xf]};
}

std::string quote(std::string_view text) {
  std::string out = "'";
  std::size_t n = 0;
  for (char c : text) {
    if (n++ == max_quoted_length) {
      out += "...";
      break;
    }
    if (is_control(c)) {
      out += "\\x" + hex_byte(c).substr(2);
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string segment_problem(std::string_view value) {
  if (value.empty()) return "is empty";
  for (char c : value) {
    if (c == '/') return "contains '/'";
    if (c == '?') return "contains '?'";
    if (c == '#') return "contains '#'";
    if (is_control(c)) return "contains a control character (" + hex_byte(c) + ")";
  }
  return {};
}

}  // namespace amlk8s::detail
