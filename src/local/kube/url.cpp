#include "url.hpp"

namespace amlk8s::local::kube::detail {

std::optional<std::string_view> target::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string_view target::param_or(std::string_view name, std::string_view fallback) const {
  auto v = param(name);
  return v ? *v : fallback;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view strip_authority(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos || url.substr(0, scheme).find('/') != std::string_view::npos) return url;
  auto rest = url.substr(scheme + 3);
  auto slash = rest.find_first_of("/?");
  return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

target parse_target(std::string_view url) {
  target t;
  auto rest = strip_authority(url);
  auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  auto q = rest.find('?');
  auto path = rest.substr(0, q);
  t.path = path.empty() ? std::string(1, '/') : std::string(path);
  if (q == std::string_view::npos) return t;
  auto query = rest.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true);
    t.query.emplace_back(std::move(name), std::move(value));
  }
  return t;
}

std::string authority_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = url.substr(scheme + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) out.push_back(percent_decode(part, false));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return out;
}

}  // namespace amlk8s::local::kube::detail
