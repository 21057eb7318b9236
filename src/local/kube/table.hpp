// Table output for `kubectl get` (contracts/kubernetes.md §2.4): column definitions per kind, one
// row per object with its cells and the row object kubectl reads labels from.
#pragma once

#include <amlk8s/local/kube/watch.hpp>

#include "registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace amlk8s::local::kube::detail {

/// What a Table answer looks like.
struct table_format {
  std::string api_version = "meta.k8s.io/v1";
  include_object include = include_object::metadata;
};

/// One column: its definition and how to compute its cell.
struct column {
  std::string name;
  std::string type;  ///< string, integer, number, boolean or date
  std::string format;
  std::string description;
  int priority = 0;
  std::function<boost::json::value(const boost::json::object& object, std::chrono::system_clock::time_point now)> cell;
};

/// The columns kubectl shows for a kind (priority 1 only with -o wide).
std::vector<column> columns_for(const resource_type& type);

/// A Table of `objects` (already in output form) with `metadata` as the list metadata.
boost::json::object make_table(const resource_type& type, const std::vector<boost::json::object>& objects,
                               const table_format& format, boost::json::object metadata,
                               std::chrono::system_clock::time_point now);

/// The AGE cell: the time since metadata.creationTimestamp in kubectl's short form.
std::string age_of(const boost::json::object& object, std::chrono::system_clock::time_point now);

}  // namespace amlk8s::local::kube::detail
