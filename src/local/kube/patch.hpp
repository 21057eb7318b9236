// PATCH bodies (contracts/kubernetes.md §2.5): JSON merge patch (RFC 7386), JSON patch (RFC 6902),
// strategic merge patch for built-in kinds, and the merging that server-side apply builds on.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

/// RFC 7386: objects merge, null deletes a member, everything else (arrays too) replaces.
boost::json::value merge_patch(const boost::json::value& target, const boost::json::value& patch);

/// RFC 6902 operations applied in order; a failed `test` or a bad path throws api_error 422.
boost::json::value json_patch(boost::json::value document, const boost::json::value& operations);

/// Strategic merge patch: maps merge, null deletes, lists with a patch merge key (containers, env,
/// volumes, ports, ... by field name) merge by that key, `$patch: replace|delete`, `$retainKeys`,
/// `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` (ignored: order is the original's).
/// Throws api_error 400 for malformed directives.
boost::json::value strategic_merge(const boost::json::value& original, const boost::json::value& patch);

/// The merge key of list field `field` with elements like `sample`, or "" for lists that are replaced.
std::string merge_key_for(std::string_view field, const boost::json::value& sample);

/// Server-side apply, simplified (see apply.cpp): the manager's previous configuration's fields that
/// the new one drops are removed, then the new configuration is merged in.
struct apply_outcome {
  boost::json::object object;
  std::vector<std::pair<std::string, std::string>> conflicts;  ///< (manager, ".path") when not forced
};

/// Applies `config` for `manager` over `live` (empty when creating). `previous` holds every apply
/// manager's last configuration; `strategic` merges keyed lists (built-in kinds) instead of replacing.
apply_outcome server_side_apply(const boost::json::object& live, const boost::json::object& config, std::string_view manager,
                                const std::map<std::string, boost::json::object>& previous, bool strategic, bool force);

}  // namespace amlk8s::local::kube::detail
