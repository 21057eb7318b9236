#include <amlk8s/core/json.hpp>

#include <boost/json/parse.hpp>

namespace amlk8s::json {

std::string_view kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "value";
}

error type_error(std::string_view path, std::string_view expected, const boost::json::value& got) {
  return validation_error({{std::string(path), "expected " + std::string(expected) + ", got " + std::string(kind_name(got)),
                            "send " + std::string(expected) + " for '" + std::string(path) + "'"}});
}

const boost::json::object& as_object(const boost::json::value& v, std::string_view path) {
  if (const auto* object = v.if_object()) return *object;
  throw type_error(path, "an object", v);
}

boost::json::value parse(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) {
    throw validation_error({{std::string(what), "is not valid JSON: " + ec.message(), "fix the JSON syntax"}});
  }
  return value;
}

}  // namespace amlk8s::json
