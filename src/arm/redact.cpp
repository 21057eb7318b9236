#include "arm/redact.hpp"

#include <amlk8s/core/redact.hpp>

#include <algorithm>

namespace amlk8s::arm::detail {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

}  // namespace

std::string redact(std::string_view text) { return amlk8s::redact_text(text); }

std::string shorten(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars + 3));
  bool pending_space = false;
  for (char c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
    if (max_chars != 0 && out.size() > max_chars) {
      std::size_t cut = max_chars;
      // Never cut inside a UTF-8 sequence.
      while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
      out.resize(cut);
      out.append("...");
      return out;
    }
  }
  return out;
}

}  // namespace amlk8s::arm::detail
