#include "table.hpp"

#include "encoding.hpp"
#include "object_rules.hpp"

namespace amlk8s::local::kube::detail {

std::string age_of(const boost::json::object& object, std::chrono::system_clock::time_point now) {
  auto created = parse_rfc3339(meta_string(object, "creationTimestamp"));
  if (!created) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *created));
}

boost::json::object make_table(const resource_type& type, const std::vector<boost::json::object>& objects,
                               const table_format& format, boost::json::object metadata,
                               std::chrono::system_clock::time_point now) {
  auto columns = columns_for(type);
  boost::json::object table;
  table["kind"] = "Table";
  table["apiVersion"] = format.api_version;
  table["metadata"] = std::move(metadata);
  boost::json::array definitions;
  for (const auto& c : columns) {
    boost::json::object d;
    d["name"] = c.name;
    d["type"] = c.type;
    d["format"] = c.format;
    d["description"] = c.description;
    d["priority"] = c.priority;
    definitions.push_back(std::move(d));
  }
  table["columnDefinitions"] = std::move(definitions);
  boost::json::array rows;
  for (const auto& object : objects) {
    boost::json::object row;
    boost::json::array cells;
    for (const auto& c : columns) cells.push_back(c.cell(object, now));
    row["cells"] = std::move(cells);
    // Completed pods carry this condition (kubectl uses it to hide them with some flags).
    if (type.group.empty() && type.resource == "pods") {
      const auto* status = object.if_contains("status");
      auto phase = status && status->is_object() ? string_of(status->get_object(), "phase") : std::string();
      if (phase == "Succeeded" || phase == "Failed") {
        boost::json::object condition;
        condition["type"] = "Completed";
        condition["status"] = "True";
        condition["reason"] = phase;
        condition["message"] = phase == "Succeeded" ? "The pod has completed successfully." : "The pod failed.";
        row["conditions"] = boost::json::array{condition};
      }
    }
    switch (format.include) {
      case include_object::none: break;
      case include_object::metadata: {
        boost::json::object partial;
        partial["kind"] = "PartialObjectMetadata";
        partial["apiVersion"] = "meta.k8s.io/v1";
        const auto* m = object.if_contains("metadata");
        partial["metadata"] = m ? *m : boost::json::object();
        row["object"] = std::move(partial);
        break;
      }
      case include_object::object: row["object"] = object; break;
    }
    rows.push_back(std::move(row));
  }
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace amlk8s::local::kube::detail
