#include "model/wire.hpp"

#include <cctype>

namespace amlk8s::model::detail {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

reader reader::root(const boost::json::value& body, std::string_view what) {
  if (const auto* object = body.if_object()) return reader(*object, {});
  throw json::type_error(what, "an object", body);
}

const boost::json::value* reader::find(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<std::string> reader::string(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw json::type_error(path_of(key), "a string", *v);
  return std::string(v->as_string());
}

std::optional<bool> reader::boolean(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) throw json::type_error(path_of(key), "a boolean", *v);
  return v->as_bool();
}

std::optional<std::int64_t> reader::integer(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) {
    const double d = v->as_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  throw json::type_error(path_of(key), "an integer", *v);
}

std::optional<reader> reader::child(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) throw json::type_error(path_of(key), "an object", *v);
  return reader(v->as_object(), path_of(key));
}

const boost::json::array* reader::array(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) throw json::type_error(path_of(key), "an array", *v);
  return &v->as_array();
}

std::map<std::string, std::string> reader::string_map(std::string_view key) const {
  std::map<std::string, std::string> out;
  auto map = child(key);
  if (!map) return out;
  for (const auto& [k, v] : map->object()) {
    if (v.is_null()) continue;
    if (!v.is_string()) throw json::type_error(map->path_of(k), "a string", v);
    out.emplace(std::string(k), std::string(v.as_string()));
  }
  return out;
}

std::vector<std::string> reader::strings(std::string_view key) const {
  std::vector<std::string> out;
  const auto* items = array(key);
  if (items == nullptr) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& v = (*items)[i];
    if (!v.is_string()) throw json::type_error(path_of(key) + "[" + std::to_string(i) + "]", "a string", v);
    out.emplace_back(v.as_string());
  }
  return out;
}

std::vector<std::string> reader::keys(std::string_view key) const {
  std::vector<std::string> out;
  if (auto map = child(key))
    for (const auto& member : map->object()) out.emplace_back(member.key());
  return out;
}

}  // namespace amlk8s::model::detail
