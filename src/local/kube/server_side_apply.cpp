// Server-side apply, simplified (contracts/kubernetes.md §2.5). Instead of managedFields, the server
// remembers each apply manager's last configuration. Applying again removes the fields that the
// manager's previous configuration set and the new one drops (unless another apply manager also set
// them), then merges the new configuration in. A conflict is a field that another apply manager set
// and this configuration changes. Fields written by updates (POST, PUT, non-apply PATCH) are not
// tracked, so they never conflict.
#include "patch.hpp"

#include <boost/json/serialize.hpp>

namespace amlk8s::local::kube::detail {

namespace {

using pointers = std::vector<const boost::json::value*>;

const boost::json::value* element_by_key(const boost::json::value* list, std::string_view key, const boost::json::value& id) {
  if (list == nullptr || !list->is_array()) return nullptr;
  for (const auto& e : list->get_array())
    if (const auto* o = e.if_object(); o && o->if_contains(key) && *o->if_contains(key) == id) return &e;
  return nullptr;
}

const boost::json::value* member(const boost::json::value* v, std::string_view key) {
  const auto* o = v ? v->if_object() : nullptr;
  return o ? o->if_contains(key) : nullptr;
}

std::string key_text(const boost::json::value& id) {
  return id.is_string() ? "\"" + std::string(id.get_string()) + "\"" : boost::json::serialize(id);
}

// Walks the leaves of `config`, reporting those another manager set and this one changes.
void find_conflicts(const boost::json::value& config, const boost::json::value* live,
                    const std::vector<std::pair<std::string, const boost::json::value*>>& others, const std::string& path,
                    std::string_view field, bool strategic, std::vector<std::pair<std::string, std::string>>& out) {
  if (config.is_object()) {
    for (const auto& [k, v] : config.get_object()) {
      std::vector<std::pair<std::string, const boost::json::value*>> next;
      for (const auto& [m, o] : others)
        if (const auto* c = member(o, k)) next.emplace_back(m, c);
      if (next.empty()) continue;
      find_conflicts(v, member(live, k), next, path + "." + std::string(k), k, strategic, out);
    }
    return;
  }
  std::string key = strategic && config.is_array() ? merge_key_for(field, config.get_array().empty() ? boost::json::value()
                                                                                                      : config.get_array().front())
                                                   : std::string();
  if (!key.empty()) {
    for (const auto& e : config.get_array()) {
      const auto* id = member(&e, key);
      if (id == nullptr) continue;
      std::vector<std::pair<std::string, const boost::json::value*>> next;
      for (const auto& [m, o] : others)
        if (const auto* c = element_by_key(o, key, *id)) next.emplace_back(m, c);
      if (next.empty()) continue;
      find_conflicts(e, element_by_key(live, key, *id), next, path + "[" + key + "=" + key_text(*id) + "]", {}, strategic, out);
    }
    return;
  }
  if (live != nullptr && *live == config) return;
  for (const auto& [m, o] : others)
    if (o != nullptr) out.emplace_back(m, path);
}

// Removes from `result` what `previous` set and `config` no longer sets, unless another manager does.
void prune(boost::json::object& result, const boost::json::object& previous, const boost::json::object* config,
           const pointers& others, bool strategic) {
  for (const auto& [k, prev] : previous) {
    const auto* now = config ? config->if_contains(k) : nullptr;
    pointers next;
    for (const auto* o : others)
      if (const auto* c = member(o, k)) next.push_back(c);
    auto* live = result.if_contains(k);
    if (live == nullptr) continue;
    if (now == nullptr) {
      if (next.empty()) result.erase(k);
      continue;
    }
    if (prev.is_object() && now->is_object() && live->is_object()) {
      prune(live->get_object(), prev.get_object(), &now->get_object(), next, strategic);
      continue;
    }
    if (!strategic || !prev.is_array() || !now->is_array() || !live->is_array()) continue;
    auto key = merge_key_for(k, prev.get_array().empty() ? boost::json::value() : prev.get_array().front());
    if (key.empty()) continue;
    auto& items = live->get_array();
    for (const auto& p : prev.get_array()) {
      const auto* id = member(&p, key);
      if (id == nullptr) continue;
      const auto* still = element_by_key(now, key, *id);
      pointers elements;
      for (const auto* o : next)
        if (const auto* c = element_by_key(o, key, *id)) elements.push_back(c);
      for (auto it = items.begin(); it != items.end(); ++it) {
        const auto* lid = member(&*it, key);
        if (lid == nullptr || *lid != *id) continue;
        if (still == nullptr && elements.empty()) items.erase(it);
        else if (still != nullptr && it->is_object() && p.is_object() && still->is_object())
          prune(it->get_object(), p.get_object(), &still->get_object(), elements, strategic);
        break;
      }
    }
  }
}

// Apply merges like a merge patch, except that keyed lists of built-in kinds merge by key.
boost::json::value merge(const boost::json::value& live, const boost::json::value& config, bool strategic) {
  return strategic ? strategic_merge(live, config) : merge_patch(live, config);
}

}  // namespace

apply_outcome server_side_apply(const boost::json::object& live, const boost::json::object& config, std::string_view manager,
                                const std::map<std::string, boost::json::object>& previous, bool strategic, bool force) {
  apply_outcome outcome;
  boost::json::value live_value(live);
  if (!force) {
    std::vector<std::pair<std::string, const boost::json::value*>> others;
    std::vector<boost::json::value> holders;
    holders.reserve(previous.size());
    for (const auto& [m, cfg] : previous) {
      if (m == manager) continue;
      holders.emplace_back(cfg);
      others.emplace_back(m, &holders.back());
    }
    if (!others.empty())
      find_conflicts(boost::json::value(config), &live_value, others, "", {}, strategic, outcome.conflicts);
    if (!outcome.conflicts.empty()) return outcome;
  }
  boost::json::object result = live;
  if (auto mine = previous.find(std::string(manager)); mine != previous.end()) {
    std::vector<boost::json::value> holders;
    holders.reserve(previous.size());
    pointers others;
    for (const auto& [m, cfg] : previous) {
      if (m == manager) continue;
      holders.emplace_back(cfg);
      others.push_back(&holders.back());
    }
    prune(result, mine->second, &config, others, strategic);
  }
  auto merged = merge(boost::json::value(std::move(result)), boost::json::value(config), strategic);
  outcome.object = merged.is_object() ? std::move(merged.get_object()) : boost::json::object();
  return outcome;
}

}  // namespace amlk8s::local::kube::detail
