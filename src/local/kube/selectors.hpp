// labelSelector and fieldSelector (contracts/kubernetes.md §2.7).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

struct resource_type;

/// A parsed labelSelector: ANDed requirements.
class label_selector {
 public:
  enum class op { equals, not_equals, in, not_in, exists, not_exists, greater, less };
  struct requirement {
    std::string key;
    op oper = op::exists;
    std::vector<std::string> values;
  };

  /// Parses the selector; throws api_error (400 BadRequest) when it is malformed.
  static label_selector parse(std::string_view text);

  /// True when the object's metadata.labels satisfy every requirement.
  bool matches(const boost::json::object& object) const;
  bool empty() const noexcept { return requirements_.empty(); }

 private:
  std::vector<requirement> requirements_;
};

/// A parsed fieldSelector over the fields a kind supports.
class field_selector {
 public:
  struct term {
    std::string field;
    bool negated = false;
    std::string value;
  };

  /// Parses the selector; throws api_error (400 BadRequest) for bad syntax or an unsupported field.
  static field_selector parse(std::string_view text, const resource_type& type);

  bool matches(const boost::json::object& object) const;
  bool empty() const noexcept { return terms_.empty(); }
  /// The value `metadata.name` must equal, when the selector pins one (a fast path for lookups).
  const std::string* pinned_name() const;

 private:
  std::vector<term> terms_;
};

/// The selectable value of `field` in `object` ("" when absent), as the API server compares it.
std::string field_value(const boost::json::object& object, std::string_view field);

}  // namespace amlk8s::local::kube::detail
