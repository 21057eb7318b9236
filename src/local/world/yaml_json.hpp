// YAML documents as Boost.JSON values, so that one reader serves both notations of a world file.
// Private to amlk8s_local.
#pragma once

#include <boost/json/value.hpp>

#include <string_view>

namespace amlk8s::local::detail {

/// Converts the first YAML document in `text`. Plain scalars `~`, `null` and empty become null;
/// every other scalar becomes a string (the reader decides what a member's type is, so that
/// `kubernetesVersion: 1.30` stays "1.30"). A syntax error is an amlk8s::error naming
/// `source_name`, the line and the column.
boost::json::value yaml_to_json(std::string_view text, std::string_view source_name);

}  // namespace amlk8s::local::detail
