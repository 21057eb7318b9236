#include <amlk8s/http/message.hpp>

#include <algorithm>

namespace amlk8s::http {

std::string_view to_string(verb v) noexcept {
  switch (v) {
    case verb::get: return "GET";
    case verb::head: return "HEAD";
    case verb::put: return "PUT";
    case verb::post: return "POST";
    case verb::patch: return "PATCH";
    case verb::delete_: return "DELETE";
  }
  return "GET";
}

bool is_idempotent(verb v) noexcept {
  return v == verb::get || v == verb::head || v == verb::put || v == verb::delete_;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::optional<std::string_view> header_map::get(std::string_view name) const {
  for (const auto& [key, value] : fields_)
    if (iequals(key, name)) return std::string_view(value);
  return std::nullopt;
}

void header_map::set(std::string_view name, std::string value) {
  erase(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void header_map::add(std::string_view name, std::string value) { fields_.emplace_back(std::string(name), std::move(value)); }

void header_map::erase(std::string_view name) {
  std::erase_if(fields_, [&](const value_type& f) { return iequals(f.first, name); });
}

}  // namespace amlk8s::http
