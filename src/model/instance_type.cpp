// The InstanceType custom resource as JSON and YAML, its validation and the virtual default
// (contracts/kubernetes.md §1.2, §1.3, §2.1, §4.3). Wire names: src/model/instance_type_wire.hpp.
#include <amlk8s/model/instance_type.hpp>

#include "model/instance_type_wire.hpp"
#include "model/instance_type_yaml.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <fstream>
#include <sstream>

namespace amlk8s::model {

namespace {

namespace wire = instance_type_wire;
using boost::json::array;
using boost::json::object;
using boost::json::value;
using issues = std::vector<validation_issue>;

std::string join(std::string_view prefix, std::string_view field) {
  if (prefix.empty()) return std::string(field);
  return std::string(prefix) + "." + std::string(field);
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string kind_name(const value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "a list";
    case boost::json::kind::object: return "a map";
  }
  return "a value";
}

// A domain-prefixed resource name outside *kubernetes.io/ (§4.3 extended resources).
bool is_extended(std::string_view resource) {
  const auto slash = resource.find('/');
  if (slash == std::string_view::npos) return false;
  const auto domain = resource.substr(0, slash);
  return !(domain == "kubernetes.io" || domain.ends_with(".kubernetes.io"));
}

bool is_whole(const quantity& q) { return q == quantity::from_int(q.value()); }

std::optional<quantity> read_quantity(const value& v, const std::string& field, issues& out) {
  if (v.is_string()) {
    std::string_view text = v.as_string();
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    quantity_error kind = quantity_error::none;
    if (auto q = quantity::try_parse(text, kind)) return q;
    out.push_back({field, in_quotes(v.as_string()) + " is not a quantity: " + std::string(quantity_error_message(kind)),
                   "write a number with an optional suffix, e.g. \"500m\" for cpu or \"2Gi\" for memory"});
    return std::nullopt;
  }
  if (v.is_int64()) return quantity::from_int(v.as_int64());
  if (v.is_uint64() || v.is_double()) {
    try {
      return boost::json::value_to<quantity>(v);
    } catch (const std::exception&) {
      out.push_back({field, boost::json::serialize(v) + " is not a quantity", "write a smaller number"});
      return std::nullopt;
    }
  }
  out.push_back({field, "must be a string or a number, not " + kind_name(v), "write a quantity such as \"1\" or \"2Gi\""});
  return std::nullopt;
}

const object* object_member(const object& o, std::string_view key, const std::string& field, issues& out) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_object()) {
    out.push_back({field, "must be a map, not " + kind_name(*v), "write " + std::string(key) + " as a YAML map"});
    return nullptr;
  }
  return &v->as_object();
}

std::string string_member(const object& o, std::string_view key, const std::string& field, issues& out) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) {
    out.push_back({field, "must be a string, not " + kind_name(*v), "quote the value"});
    return {};
  }
  return std::string(v->as_string());
}

void read_resources(const object& spec, std::string_view section, const std::string& prefix,
                    std::map<std::string, quantity>& into, issues& out) {
  const auto* resources = object_member(spec, wire::resources, join(prefix, "resources"), out);
  if (resources == nullptr) return;
  const auto path = join(prefix, "resources." + std::string(section));
  const auto* map = object_member(*resources, section, path, out);
  if (map == nullptr) return;
  for (const auto& [name, v] : *map) {
    if (v.is_null()) continue;  // `nvidia.com/gpu: null`: unset
    if (auto q = read_quantity(v, join(path, name), out)) into[std::string(name)] = std::move(*q);
  }
}

toleration read_toleration(const value& v, const std::string& field, issues& out) {
  toleration t;
  if (!v.is_object()) {
    out.push_back({field, "must be a map, not " + kind_name(v), "write each toleration as {key, operator, value, effect}"});
    return t;
  }
  const auto& o = v.as_object();
  t.key = string_member(o, wire::toleration_key, join(field, wire::toleration_key), out);
  if (const auto* op = o.if_contains(wire::toleration_operator); op && !op->is_null())
    t.op = string_member(o, wire::toleration_operator, join(field, wire::toleration_operator), out);
  t.value = string_member(o, wire::toleration_value, join(field, wire::toleration_value), out);
  t.effect = string_member(o, wire::toleration_effect, join(field, wire::toleration_effect), out);
  if (const auto* s = o.if_contains(wire::toleration_seconds); s && !s->is_null()) {
    if (s->is_int64()) t.toleration_seconds = s->as_int64();
    else if (s->is_uint64() && s->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) t.toleration_seconds = static_cast<std::int64_t>(s->as_uint64());
    else out.push_back({join(field, wire::toleration_seconds), "must be a whole number, not " + kind_name(*s), "write seconds as an integer"});
  }
  return t;
}

// One InstanceType object; `prefix` locates it in a larger document ("items[1]").
instance_type read_object(const value& v, const std::string& prefix, issues& out) {
  instance_type it;
  if (!v.is_object()) {
    out.push_back({prefix.empty() ? "(document)" : prefix, "must be a map, not " + kind_name(v), "write an InstanceType object"});
    return it;
  }
  const auto& o = v.as_object();
  if (auto api = string_member(o, wire::api_version_member, join(prefix, wire::api_version_member), out);
      !api.empty() && api != wire::api_version)
    out.push_back({join(prefix, wire::api_version_member), in_quotes(api) + " is not the InstanceType API version",
                   "write apiVersion: " + std::string(wire::api_version)});
  if (auto kind = string_member(o, wire::kind_member, join(prefix, wire::kind_member), out); !kind.empty() && kind != wire::kind)
    out.push_back({join(prefix, wire::kind_member), in_quotes(kind) + " is not an InstanceType", "write kind: " + std::string(wire::kind)});
  if (const auto* meta = object_member(o, wire::metadata, join(prefix, wire::metadata), out))
    it.name = string_member(*meta, wire::name, join(prefix, "metadata.name"), out);
  const auto spec_path = join(prefix, wire::spec);
  const auto* spec = object_member(o, wire::spec, spec_path, out);
  if (spec == nullptr) return it;
  if (const auto* selector = object_member(*spec, wire::node_selector, join(spec_path, wire::node_selector), out))
    for (const auto& [k, val] : *selector) {
      const auto field = join(spec_path, std::string(wire::node_selector) + "." + std::string(k));
      if (val.is_string()) it.node_selector[std::string(k)] = std::string(val.as_string());
      else out.push_back({field, "must be a string, not " + kind_name(val), "quote the label value"});
    }
  read_resources(*spec, wire::requests, spec_path, it.requests, out);
  read_resources(*spec, wire::limits, spec_path, it.limits, out);
  if (const auto* t = spec->if_contains(wire::tolerations); t && !t->is_null()) {
    const auto field = join(spec_path, wire::tolerations);
    if (!t->is_array()) {
      out.push_back({field, "must be a list, not " + kind_name(*t), "write tolerations as a YAML list"});
    } else {
      std::size_t i = 0;
      for (const auto& item : t->as_array())
        it.tolerations.push_back(read_toleration(item, field + "[" + std::to_string(i++) + "]", out));
    }
  }
  return it;
}

// The instance types of one document (an object, an InstanceTypeList or a List).
void read_document(const value& doc, const std::string& prefix, std::vector<instance_type>& into, issues& out) {
  if (doc.is_null()) return;  // an empty YAML document
  if (!doc.is_object()) {
    out.push_back({prefix.empty() ? "(document)" : prefix, "must be a map, not " + kind_name(doc), "write an InstanceType object"});
    return;
  }
  const auto& o = doc.as_object();
  const auto* kind = o.if_contains(wire::kind_member);
  const std::string kind_text = kind && kind->is_string() ? std::string(kind->as_string()) : std::string();
  const bool typed_list = kind_text == wire::list_kind;
  if (!typed_list && kind_text != wire::core_list_kind) {
    into.push_back(read_object(doc, prefix, out));
    return;
  }
  const auto* api = o.if_contains(wire::api_version_member);
  const std::string api_text = api && api->is_string() ? std::string(api->as_string()) : std::string();
  const auto expected_api = typed_list ? wire::api_version : wire::core_list_api_version;
  if (!api_text.empty() && api_text != expected_api)
    out.push_back({join(prefix, wire::api_version_member), in_quotes(api_text) + " is not the API version of a " + kind_text,
                   "write apiVersion: " + std::string(expected_api)});
  const auto* items = o.if_contains(wire::items);
  if (items == nullptr || items->is_null()) return;
  if (!items->is_array()) {
    out.push_back({join(prefix, wire::items), "must be a list, not " + kind_name(*items), "write items as a YAML list"});
    return;
  }
  std::size_t i = 0;
  for (const auto& item : items->as_array()) {
    const auto path = join(prefix, "items[" + std::to_string(i++) + "]");
    if (typed_list && item.is_object()) {
      // §2.1: kubectl gives list items without apiVersion/kind those of the list (kind minus List).
      object copy = item.as_object();
      if (!copy.contains(wire::api_version_member)) copy[wire::api_version_member] = wire::api_version;
      if (!copy.contains(wire::kind_member)) copy[wire::kind_member] = wire::kind;
      into.push_back(read_object(copy, path, out));
    } else {
      into.push_back(read_object(item, path, out));
    }
  }
}

std::vector<instance_type> read_documents(const std::vector<value>& docs, std::string_view source) {
  std::vector<instance_type> types;
  issues out;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    std::string prefix;
    if (docs.size() > 1) prefix = "document " + std::to_string(i + 1);
    const auto before = out.size();
    read_document(docs[i], prefix, types, out);
    if (!source.empty())
      for (auto k = before; k < out.size(); ++k) out[k].field = std::string(source) + ": " + out[k].field;
  }
  if (!out.empty()) throw validation_error(std::move(out));
  return types;
}

value quantity_json(std::string_view resource, const quantity& q) {
  if (is_extended(resource) && is_whole(q)) return q.value();
  return boost::json::string(q.to_string());
}

object resource_map(const std::map<std::string, quantity>& m) {
  object out;
  for (const auto& [k, q] : m) out[k] = quantity_json(k, q);
  return out;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw validation_error({{path.string(), "cannot be read", "check the path and its permissions"}});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// --- validation ---------------------------------------------------------------------------------

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string res_field(std::string_view section, std::string_view resource) {
  return "spec.resources." + std::string(section) + "." + std::string(resource);
}

void check_required(const instance_type& it, issues& out) {
  for (const auto section : {wire::requests, wire::limits}) {
    const auto& m = section == wire::requests ? it.requests : it.limits;
    for (const auto res : {wire::cpu, wire::memory}) {
      const auto field = res_field(section, res);
      const auto example = res == wire::cpu ? std::string("\"500m\" or \"1\"") : std::string("\"2Gi\"");
      const auto found = m.find(std::string(res));
      if (found == m.end())
        out.push_back({field, "is required", "set " + field + ", e.g. " + example});
      else if (found->second.is_zero())
        out.push_back({field, "must not be zero", "set a value above zero, e.g. " + example});
    }
  }
}

void check_values(const instance_type& it, issues& out) {
  for (const auto section : {wire::requests, wire::limits}) {
    const auto& m = section == wire::requests ? it.requests : it.limits;
    for (const auto& [res, q] : m) {
      const auto field = res_field(section, res);
      if (q.sign() < 0) {
        out.push_back({field, in_quotes(q.to_string()) + " is negative", "use a value of zero or more"});
        continue;
      }
      if (res == wire::gpu && section == wire::requests) {
        out.push_back({field, "a GPU count may appear only in limits",
                       "move it to " + res_field(wire::limits, wire::gpu) + " (Kubernetes sets the request to the limit)"});
        continue;
      }
      if (is_extended(res) && !is_whole(q))
        out.push_back({field, in_quotes(q.to_string()) + " must be a whole number (" + res + " is counted in devices)",
                       "write an integer such as 1"});
    }
  }
}

void check_requests_within_limits(const instance_type& it, issues& out) {
  for (const auto& [res, request] : it.requests) {
    if (res == wire::gpu) continue;  // reported by check_values
    const auto limit = it.limits.find(res);
    if (is_extended(res)) {
      // §4.3: extended resources cannot be overcommitted.
      if (limit == it.limits.end())
        out.push_back({res_field(wire::requests, res), "a request needs a limit for non-overcommitable resources",
                       "set " + res_field(wire::limits, res) + " to the same value, or drop the request"});
      else if (limit->second != request)
        out.push_back({res_field(wire::requests, res),
                       in_quotes(request.to_string()) + " must be equal to the " + res + " limit " + in_quotes(limit->second.to_string()),
                       "drop the request; it defaults to the limit"});
      continue;
    }
    // A zero or negative limit is reported on its own.
    if (limit != it.limits.end() && limit->second.sign() > 0 && request > limit->second)
      out.push_back({res_field(wire::requests, res),
                     in_quotes(request.to_string()) + " is more than the limit " + in_quotes(limit->second.to_string()),
                     "lower the request or raise " + res_field(wire::limits, res)});
  }
}

void check_tolerations(const instance_type& it, issues& out) {
  for (std::size_t i = 0; i < it.tolerations.size(); ++i) {
    const auto& t = it.tolerations[i];
    const auto field = "spec.tolerations[" + std::to_string(i) + "].";
    const bool exists = t.op == wire::op_exists;
    if (!t.op.empty() && t.op != wire::op_equal && !exists)
      out.push_back({field + "operator", in_quotes(t.op) + " is not a toleration operator", "use Equal or Exists"});
    if (exists && !t.value.empty())
      out.push_back({field + "value", "must be empty when the operator is Exists", "drop the value, or use operator Equal"});
    if (t.key.empty() && !exists)
      out.push_back({field + "operator", "must be Exists when the key is empty (tolerating every taint)",
                     "set operator: Exists, or give a key"});
    if (!t.effect.empty() && t.effect != wire::effect_no_schedule && t.effect != wire::effect_prefer_no_schedule &&
        t.effect != wire::effect_no_execute)
      out.push_back({field + "effect", in_quotes(t.effect) + " is not a taint effect",
                     "use NoSchedule, PreferNoSchedule or NoExecute, or leave it empty for all effects"});
    if (t.toleration_seconds && t.effect != wire::effect_no_execute)
      out.push_back({field + "tolerationSeconds", "applies only to the NoExecute effect",
                     "set effect: NoExecute, or drop tolerationSeconds"});
  }
}

}  // namespace

// ---- reading ---------------------------------------------------------------------------------------

instance_type instance_type::from_json(const boost::json::value& o) {
  issues out;
  auto it = read_object(o, {}, out);
  if (!out.empty()) throw validation_error(std::move(out));
  return it;
}

std::vector<instance_type> instance_type::from_yaml(std::string_view text, std::string_view source) {
  return read_documents(detail::yaml_documents(text, source), source);
}

std::vector<instance_type> instance_type::from_json_text(std::string_view text, std::string_view source) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec)
    throw validation_error({{source.empty() ? std::string("(text)") : std::string(source), "is not valid JSON: " + ec.message(),
                             "fix the JSON syntax"}});
  return read_documents({std::move(v)}, source);
}

std::vector<instance_type> instance_type::load(std::string_view text, std::string_view source) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return from_json_text(text, source);
  return from_yaml(text, source);
}

std::vector<instance_type> instance_type::load_file(const std::filesystem::path& path) {
  return load(read_text_file(path), path.string());
}

// ---- writing ---------------------------------------------------------------------------------------

boost::json::object instance_type::to_json() const {
  object spec;
  if (!node_selector.empty()) {
    object selector;
    for (const auto& [k, v] : node_selector) selector[k] = v;
    spec[wire::node_selector] = std::move(selector);
  }
  object resources;
  if (!requests.empty()) resources[wire::requests] = resource_map(requests);
  if (!limits.empty()) resources[wire::limits] = resource_map(limits);
  if (!resources.empty()) spec[wire::resources] = std::move(resources);
  if (!tolerations.empty()) {
    array list;
    for (const auto& t : tolerations) {
      object o;
      if (!t.key.empty()) o[wire::toleration_key] = t.key;
      if (!t.op.empty()) o[wire::toleration_operator] = t.op;
      if (!t.value.empty()) o[wire::toleration_value] = t.value;
      if (!t.effect.empty()) o[wire::toleration_effect] = t.effect;
      if (t.toleration_seconds) o[wire::toleration_seconds] = *t.toleration_seconds;
      list.push_back(std::move(o));
    }
    spec[wire::tolerations] = std::move(list);
  }
  return object{{wire::api_version_member, wire::api_version},
                {wire::kind_member, wire::kind},
                {wire::metadata, object{{wire::name, name}}},
                {wire::spec, std::move(spec)}};
}

std::string instance_type::to_json_text() const { return boost::json::serialize(to_json()); }

std::string instance_type::to_yaml() const { return detail::json_to_yaml(to_json()); }

std::string to_yaml(const std::vector<instance_type>& types) {
  std::string out;
  for (const auto& t : types) {
    if (!out.empty()) out += "---\n";
    out += t.to_yaml();
  }
  return out;
}

// ---- validation ------------------------------------------------------------------------------------

bool is_dns1123_subdomain(std::string_view name) noexcept {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const auto label = name.substr(start, end - start);
    if (label.empty() || !is_alnum_lower(label.front()) || !is_alnum_lower(label.back())) return false;
    for (const char c : label)
      if (!is_label_char(c)) return false;
    start = end + 1;
  }
  return true;
}

std::vector<validation_issue> instance_type::validate() const {
  issues out;
  if (name.empty())
    out.push_back({"metadata.name", "is required", "name the instance type, e.g. gpu-small"});
  else if (!is_dns1123_subdomain(name))
    out.push_back({"metadata.name", in_quotes(name) + " is not a valid name (a DNS-1123 subdomain)",
                   "use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"});
  check_required(*this, out);
  check_values(*this, out);
  check_requests_within_limits(*this, out);
  check_tolerations(*this, out);
  for (const auto& [k, v] : node_selector)
    if (k.empty()) out.push_back({"spec.nodeSelector", "has an empty label key", "remove the entry or name the label"});
  return out;
}

void instance_type::validate_or_throw() const {
  if (auto found = validate(); !found.empty()) throw validation_error(std::move(found));
}

std::vector<validation_issue> instance_type::check_node_selector(
    const std::map<std::string, std::string>& extension_selector) const {
  issues out;
  if (extension_selector.empty()) return out;
  for (const auto& [k, v] : node_selector) {
    const auto field = "spec.nodeSelector." + k;
    const auto found = extension_selector.find(k);
    if (found == extension_selector.end())
      out.push_back({field, "label " + in_quotes(k) + " is not in the extension's nodeSelector",
                     "drop it, or add nodeSelector." + k + "=" + v + " to the extension's settings"});
    else if (found->second != v)
      out.push_back({field, in_quotes(v) + " conflicts with the extension's nodeSelector " + in_quotes(k + "=" + found->second) +
                                "; no node can match both",
                     "use " + in_quotes(found->second) + " or drop the label"});
  }
  return out;
}

// ---- the default -----------------------------------------------------------------------------------

instance_type instance_type::virtual_default(default_profile profile) {
  instance_type it;
  it.name = std::string(wire::default_name);
  it.is_virtual_default = true;
  const std::string cpu(wire::cpu), memory(wire::memory);
  if (profile == default_profile::legacy) {
    it.requests = {{cpu, quantity::parse("0.6")}, {memory, quantity::parse("1536Mi")}};
    it.limits = it.requests;
  } else {
    it.requests = {{cpu, quantity::parse("100m")}, {memory, quantity::parse("2Gi")}};
    it.limits = {{cpu, quantity::parse("2")}, {memory, quantity::parse("2Gi")}};
  }
  return it;
}

}  // namespace amlk8s::model
