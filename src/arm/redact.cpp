#include "arm/redact.hpp"

#include <amlk8s/http/message.hpp>

#include <algorithm>
#include <array>

namespace amlk8s::arm::detail {
namespace {

constexpr std::string_view mask = "***";

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// Characters of base64, base64url and the usual token alphabets.
bool is_token_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~' || c == '+' || c == '/' || c == '=' || c == '%';
}

bool ends_with_ci(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && http::iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view prefix) noexcept {
  return s.size() - at >= prefix.size() && http::iequals(s.substr(at, prefix.size()), prefix);
}

// Names whose values are secrets when they appear as name=value or "name": "value".
bool is_secret_name(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 7> suffixes = {"key", "secret", "password", "pwd", "token", "sig",
                                                               "signature"};
  for (auto s : suffixes)
    if (ends_with_ci(name, s)) return true;
  return false;
}

// Replaces PEM blocks (BEGIN ... END lines included).
std::string redact_pem(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    auto begin = text.find("-----BEGIN ", pos);
    if (begin == std::string_view::npos) break;
    auto end = text.find("-----END ", begin);
    std::size_t stop = text.size();
    if (end != std::string_view::npos) {
      auto close = text.find("-----", end + 9);
      stop = close == std::string_view::npos ? text.size() : close + 5;
    }
    out.append(text.substr(pos, begin - pos));
    out.append("[redacted PEM]");
    pos = stop;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace

std::string redact(std::string_view input) {
  const std::string text = redact_pem(input);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // "Bearer <token>" (also "Basic"): keep the scheme word, hide the credential.
    if ((starts_with_ci(text, i, "bearer ") || starts_with_ci(text, i, "basic ")) &&
        (i == 0 || !is_name_char(text[i - 1]))) {
      std::size_t j = i + (starts_with_ci(text, i, "bearer ") ? 7 : 6);
      while (j < n && text[j] == ' ') ++j;
      std::size_t k = j;
      while (k < n && is_token_char(text[k])) ++k;
      if (k - j >= 8) {
        out.append(text, i, j - i);
        out.append(mask);
        i = k;
        continue;
      }
    }
    // A JWT: three base64url parts, the first one starting with {" encoded ("eyJ").
    if (text.compare(i, 3, "eyJ") == 0 && (i == 0 || !is_token_char(text[i - 1]))) {
      std::size_t k = i;
      int dots = 0;
      while (k < n && (is_token_char(text[k]))) {
        if (text[k] == '.') ++dots;
        ++k;
      }
      if (dots >= 1 && k - i >= 16) {
        out.append(mask);
        i = k;
        continue;
      }
    }
    // name=value and "name": "value" pairs with a secret-looking name.
    if (text[i] == '=' || text[i] == ':') {
      std::size_t name_end = out.size();
      bool quoted_name = name_end > 0 && (out[name_end - 1] == '"' || out[name_end - 1] == '\'');
      if (quoted_name) --name_end;
      std::size_t name_begin = name_end;
      while (name_begin > 0 && is_name_char(out[name_begin - 1])) --name_begin;
      std::string_view name(out.data() + name_begin, name_end - name_begin);
      if (!name.empty() && is_secret_name(name)) {
        out.push_back(text[i]);
        std::size_t j = i + 1;
        while (j < n && (text[j] == ' ' || text[j] == '\t')) out.push_back(text[j++]);
        char quote = (j < n && (text[j] == '"' || text[j] == '\'')) ? text[j] : '\0';
        if (quote != '\0') out.push_back(text[j++]);
        std::size_t k = j;
        if (quote != '\0') {
          while (k < n && text[k] != quote) k += (text[k] == '\\' && k + 1 < n) ? 2 : 1;
        } else {
          while (k < n && !is_space(text[k]) && text[k] != ';' && text[k] != '&' && text[k] != ',' && text[k] != '}' &&
                 text[k] != ')' && text[k] != '"' && text[k] != '\'')
            ++k;
        }
        if (k > j) out.append(mask);
        i = k;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

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
