#include "local/ml/wire.hpp"

namespace amlk8s::local::ml {

namespace {

boost::json::object quantities(const std::map<std::string, quantity>& m) {
  boost::json::object out;
  for (const auto& [name, q] : m) out[name] = q.to_string();  // §1.5: strings on the ARM side
  return out;
}

}  // namespace

boost::json::object instance_type_schema(const model::instance_type& type) {
  boost::json::value selector = nullptr;
  if (!type.node_selector.empty()) {
    boost::json::object s;
    for (const auto& [k, v] : type.node_selector) s[k] = v;
    selector = std::move(s);
  }
  return {{"nodeSelector", std::move(selector)},
          {"resources", boost::json::object{{"requests", quantities(type.requests)}, {"limits", quantities(type.limits)}}}};
}

boost::json::object instance_types_map(const std::vector<model::instance_type>& types) {
  boost::json::object out;
  for (const auto& t : types) out[t.name] = instance_type_schema(t);
  if (!out.contains(model::default_instance_type_name))
    out[model::default_instance_type_name] = instance_type_schema(model::instance_type::virtual_default(default_profile));
  return out;
}

}  // namespace amlk8s::local::ml
