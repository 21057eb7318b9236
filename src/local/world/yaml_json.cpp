#include "local/world/yaml_json.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <yaml-cpp/yaml.h>

#include <string>

namespace amlk8s::local::detail {

namespace {

boost::json::value convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: {
      const auto& text = node.Scalar();
      // "?" marks a plain (unquoted) scalar; quoted "null" stays a string.
      if (node.Tag() == "?" && (text == "~" || text == "null" || text == "Null" || text == "NULL" || text.empty()))
        return nullptr;
      return boost::json::string(text);
    }
    case YAML::NodeType::Sequence: {
      boost::json::array out;
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      boost::json::object out;
      for (const auto& item : node) out[item.first.as<std::string>()] = convert(item.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

boost::json::value yaml_to_json(std::string_view text, std::string_view source_name) {
  try {
    return convert(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    throw validation_error({{std::string(source_name),
                             "is not valid YAML: " + e.msg + " at line " + std::to_string(e.mark.line + 1) +
                                 ", column " + std::to_string(e.mark.column + 1),
                             "fix the YAML syntax"}});
  }
}

}  // namespace amlk8s::local::detail
