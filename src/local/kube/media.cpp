#include "media.hpp"

#include <algorithm>
#include <cctype>

namespace amlk8s::local::kube::detail {

namespace {

std::string trim_lower(std::string_view s, bool lower) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  if (lower) std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

media_range parse_range(std::string_view text) {
  media_range r;
  auto semi = text.find(';');
  r.type = trim_lower(text.substr(0, semi), true);
  while (semi != std::string_view::npos) {
    text.remove_prefix(semi + 1);
    semi = text.find(';');
    auto part = text.substr(0, semi);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    auto value = trim_lower(part.substr(eq + 1), false);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    r.params[trim_lower(part.substr(0, eq), true)] = value;
  }
  return r;
}

}  // namespace

std::string media_range::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::vector<media_range> parse_accept(std::string_view accept) {
  std::vector<media_range> out;
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto part = accept.substr(0, comma);
    if (!trim_lower(part, false).empty()) out.push_back(parse_range(part));
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return out;
}

std::string media_type_of(std::string_view content_type) { return parse_range(content_type).type; }

std::optional<std::string> wants(std::string_view accept, std::string_view as_kind, std::string_view group,
                                 const std::vector<std::string_view>& versions) {
  for (const auto& r : parse_accept(accept)) {
    if (r.type != "application/json" || r.param("as") != as_kind || r.param("g") != group) continue;
    auto v = r.param("v");
    if (std::find(versions.begin(), versions.end(), v) != versions.end()) return v;
  }
  return std::nullopt;
}

bool accepts_json(std::string_view accept) {
  auto ranges = parse_accept(accept);
  if (ranges.empty()) return true;
  return std::any_of(ranges.begin(), ranges.end(), [](const media_range& r) {
    return r.type == "application/json" || r.type == "*/*" || r.type == "application/*" || r.type == "application/yaml";
  });
}

}  // namespace amlk8s::local::kube::detail
