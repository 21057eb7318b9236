// YAML for manifests (private to the model layer): documents read as JSON values with YAML's core
// schema (plain 1 is a number, "1" a string, null/~/empty are null), and JSON values written as
// block YAML that kubectl reads back to the same JSON.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model::detail {

/// Every document of a YAML stream (an empty document is null). A syntax error is an amlk8s::error
/// (errc::invalid_argument) naming `source`, the line and the column.
std::vector<boost::json::value> yaml_documents(std::string_view text, std::string_view source);

/// `v` (an object) as block YAML. Strings that YAML would read as something else are quoted.
std::string json_to_yaml(const boost::json::value& v);

}  // namespace amlk8s::model::detail
