// The one convention for converting amlk8s model types to and from Boost.JSON.
//
// Model types provide the usual Boost.JSON customisation points found by ADL:
//   void tag_invoke(boost::json::value_from_tag, boost::json::value&, const T&);
//   T    tag_invoke(boost::json::value_to_tag<T>, const boost::json::value&);
// and write them with the helpers below, which fix two rules for every type:
//  - input: unknown members are ignored (services add fields; old clients must keep working), a
//    missing or null member leaves the field unset, and a member of the wrong type is an
//    amlk8s::error (errc::invalid_argument) that names the member's path;
//  - output: unset optional fields are omitted, never written as null.
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::json {

/// The JSON type name of `v` ("string", "object", ...), for error messages.
std::string_view kind_name(const boost::json::value& v) noexcept;

/// Builds the error for a member of the wrong type or shape at `path`.
error type_error(std::string_view path, std::string_view expected, const boost::json::value& got);

/// Reads `object[key]` into `out` when present and not null; leaves `out` unchanged otherwise.
/// Conversion failures become an amlk8s::error naming `key`.
template <class T>
void read(const boost::json::object& object, std::string_view key, T& out) {
  const auto* member = object.if_contains(key);
  if (member == nullptr || member->is_null()) return;
  try {
    out = boost::json::value_to<T>(*member);
  } catch (const amlk8s::error& e) {
    // Nested amlk8s errors already name the inner member; prefix the outer one.
    diagnostics d = e.diag();
    for (auto& issue : d.validation) issue.field = std::string(key) + (issue.field.empty() ? "" : "." + issue.field);
    if (d.validation.empty()) d.validation.push_back({std::string(key), e.diag().client_message, {}});
    throw error(e.code(), std::move(d));
  } catch (const std::exception&) {
    throw type_error(key, "a value of the expected type", *member);
  }
}

/// Reads an optional member: absent or null gives std::nullopt.
template <class T>
void read(const boost::json::object& object, std::string_view key, std::optional<T>& out) {
  const auto* member = object.if_contains(key);
  if (member == nullptr || member->is_null()) {
    out.reset();
    return;
  }
  T value{};
  read(object, key, value);
  out = std::move(value);
}

/// Writes `value` under `key`.
template <class T>
void write(boost::json::object& object, std::string_view key, const T& value) {
  object[key] = boost::json::value_from(value, object.storage());
}

/// Writes an optional member only when it is set.
template <class T>
void write(boost::json::object& object, std::string_view key, const std::optional<T>& value) {
  if (value) write(object, key, *value);
}

/// The object behind `v`, or an error naming `path` when `v` is not an object.
const boost::json::object& as_object(const boost::json::value& v, std::string_view path);

/// Parses `text` as JSON; a syntax error becomes an amlk8s::error naming `what` (e.g. a file name).
boost::json::value parse(std::string_view text, std::string_view what);

}  // namespace amlk8s::json
