// Per-kind rules the API server applies on writes: validation (422 Invalid) and defaulting.
#pragma once

#include "state.hpp"

#include <boost/json/object.hpp>

namespace amlk8s::local::kube::detail {

/// Checks metadata (name, labels) and kind-specific rules; throws api_error 422.
void validate_object(const resource_type& type, const boost::json::object& object);

/// Fills the defaults a real API server sets (pod phase, namespace phase, service clusterIP, CRD
/// conditions, ...). `previous` is the stored object on an update, null on a create.
void apply_defaults(api_server::state& s, const resource_type& type, boost::json::object& object,
                    const boost::json::object* previous);

/// The metadata object of `object`, made an object when missing.
boost::json::object& metadata_of(boost::json::object& object);
/// A string member of `object`, or "".
std::string string_of(const boost::json::object& object, std::string_view key);
/// metadata.<key> as a string, or "".
std::string meta_string(const boost::json::object& object, std::string_view key);

}  // namespace amlk8s::local::kube::detail
