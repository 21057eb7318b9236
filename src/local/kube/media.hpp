// Accept and Content-Type parsing: which representation a client asked for.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

/// One media range of an Accept header (or a Content-Type), lower-cased, with its parameters.
struct media_range {
  std::string type;  ///< "application/json"
  std::map<std::string, std::string> params;

  std::string param(std::string_view name) const;
};

/// Splits an Accept header into its ranges, in order.
std::vector<media_range> parse_accept(std::string_view accept);

/// The media type of a Content-Type header without parameters, lower-cased.
std::string media_type_of(std::string_view content_type);

/// The first Accept range that asks for `as=<as_kind>;g=<group>` with one of `versions`: its version.
std::optional<std::string> wants(std::string_view accept, std::string_view as_kind, std::string_view group,
                                 const std::vector<std::string_view>& versions);

/// True when the Accept header allows JSON (or says nothing).
bool accepts_json(std::string_view accept);

}  // namespace amlk8s::local::kube::detail
