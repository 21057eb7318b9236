// Strategic merge patch for built-in kinds (contracts/kubernetes.md §2.5). Merge keys come from a
// table by field name instead of Go struct tags: the lists that matter for the kinds served here.
#include "patch.hpp"

#include "status.hpp"

#include <algorithm>
#include <optional>

namespace amlk8s::local::kube::detail {

namespace {

constexpr std::string_view directive_patch = "$patch";
constexpr std::string_view directive_retain = "$retainKeys";
constexpr std::string_view prefix_order = "$setElementOrder/";
constexpr std::string_view prefix_delete_primitive = "$deleteFromPrimitiveList/";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Lists of scalars that merge as sets (patchStrategy "merge" without a key).
bool is_primitive_merge_list(std::string_view field) { return field == "finalizers"; }

std::optional<boost::json::object> merge_map(const boost::json::object& original, const boost::json::object& patch);

boost::json::value merge_list(std::string_view field, const boost::json::value& original, const boost::json::array& patch) {
  // A {"$patch":"replace"} element replaces the whole list with the other elements.
  bool replace = std::any_of(patch.begin(), patch.end(), [](const boost::json::value& e) {
    const auto* o = e.if_object();
    const auto* d = o ? o->if_contains(directive_patch) : nullptr;
    return d && d->is_string() && d->get_string() == "replace";
  });
  const boost::json::array empty;
  const boost::json::array& base = original.is_array() && !replace ? original.get_array() : empty;

  if (is_primitive_merge_list(field)) {
    boost::json::array result = base;
    for (const auto& e : patch)
      if (std::find(result.begin(), result.end(), e) == result.end()) result.push_back(e);
    return result;
  }
  const boost::json::value& sample = !patch.empty() ? patch.front() : (base.empty() ? boost::json::value() : base.front());
  std::string key = merge_key_for(field, sample);
  if (key.empty() && !replace) return patch;

  boost::json::array result = base;
  for (const auto& e : patch) {
    const auto* element = e.if_object();
    if (element == nullptr) {
      result.push_back(e);
      continue;
    }
    const auto* d = element->if_contains(directive_patch);
    std::string directive = d && d->is_string() ? std::string(d->get_string()) : std::string();
    if (directive == "replace" && element->size() == 1) continue;
    const auto* id = key.empty() ? nullptr : element->if_contains(key);
    auto same = [&](const boost::json::value& candidate) {
      const auto* co = candidate.if_object();
      const auto* cid = co ? co->if_contains(key) : nullptr;
      return id != nullptr && cid != nullptr && *cid == *id;
    };
    auto it = std::find_if(result.begin(), result.end(), same);
    if (directive == "delete") {
      if (it != result.end()) result.erase(it);
      continue;
    }
    if (it != result.end() && it->is_object()) {
      auto merged = merge_map(it->get_object(), *element);
      if (merged) *it = std::move(*merged);
      else result.erase(it);
    } else {
      auto fresh = merge_map(boost::json::object(), *element);
      if (fresh) result.push_back(std::move(*fresh));
    }
  }
  return result;
}

// nullopt means "$patch: delete": the map itself goes away.
std::optional<boost::json::object> merge_map(const boost::json::object& original, const boost::json::object& patch) {
  if (const auto* d = patch.if_contains(directive_patch)) {
    if (!d->is_string()) throw bad_request("$patch must be a string");
    auto directive = d->get_string();
    if (directive == "delete") return std::nullopt;
    if (directive == "replace") {
      boost::json::object replaced = patch;
      replaced.erase(directive_patch);
      return merge_map(boost::json::object(), replaced);
    }
    if (directive != "merge") throw bad_request("Unknown patch type: " + std::string(directive));
  }
  boost::json::object result = original;
  for (const auto& [key, value] : patch) {
    if (key == directive_patch || key == directive_retain || starts_with(key, prefix_order)) continue;
    if (starts_with(key, prefix_delete_primitive)) {
      auto field = key.substr(prefix_delete_primitive.size());
      if (auto* list = result.if_contains(field); list && list->is_array() && value.is_array()) {
        auto& arr = list->get_array();
        for (const auto& drop : value.get_array())
          arr.erase(std::remove(arr.begin(), arr.end(), drop), arr.end());
      }
      continue;
    }
    if (value.is_null()) {
      result.erase(key);
    } else if (value.is_object()) {
      const auto* current = result.if_contains(key);
      auto merged = merge_map(current && current->is_object() ? current->get_object() : boost::json::object(), value.get_object());
      if (merged) result[key] = std::move(*merged);
      else result.erase(key);
    } else if (value.is_array()) {
      const auto* current = result.if_contains(key);
      result[key] = merge_list(key, current ? *current : boost::json::value(), value.get_array());
    } else {
      result[key] = value;
    }
  }
  if (const auto* retain = patch.if_contains(directive_retain)) {
    if (!retain->is_array()) throw bad_request("$retainKeys must be a list");
    const auto& keep = retain->get_array();
    for (auto it = result.begin(); it != result.end();) {
      bool kept = std::any_of(keep.begin(), keep.end(),
                              [&](const boost::json::value& k) { return k.is_string() && k.get_string() == it->key(); });
      it = kept ? std::next(it) : result.erase(it);
    }
  }
  return result;
}

}  // namespace

std::string merge_key_for(std::string_view field, const boost::json::value& sample) {
  // Patch merge keys of the core/v1, apps/v1, batch/v1 and meta/v1 types (their patchMergeKey tags).
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "volumes" ||
      field == "env" || field == "imagePullSecrets" || field == "resourceClaims")
    return "name";
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "ports") {
    const auto* o = sample.if_object();
    return o && !o->contains("containerPort") && o->contains("port") ? "port" : "containerPort";
  }
  if (field == "hostAliases") return "ip";
  if (field == "conditions") return "type";
  if (field == "ownerReferences") return "uid";
  if (field == "topologySpreadConstraints") return "topologyKey";
  return {};
}

boost::json::value strategic_merge(const boost::json::value& original, const boost::json::value& patch) {
  if (!patch.is_object()) throw bad_request("strategic merge patch must be a JSON object");
  auto merged = merge_map(original.is_object() ? original.get_object() : boost::json::object(), patch.get_object());
  return merged ? boost::json::value(std::move(*merged)) : boost::json::value(boost::json::object());
}

}  // namespace amlk8s::local::kube::detail
