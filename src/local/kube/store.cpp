#include "store.hpp"

#include "encoding.hpp"
#include "object_rules.hpp"
#include "status.hpp"
#include "watch_impl.hpp"
#include "wire.hpp"

#include <algorithm>
#include <cstdio>

namespace amlk8s::local::kube {

api_server::state::state(api_server_options opts)
    : options(std::move(opts)), rng(options.seed != 0 ? options.seed : std::random_device{}()) {}

std::chrono::system_clock::time_point api_server::state::now() const {
  return options.clock ? options.clock() : std::chrono::system_clock::now();
}

namespace detail {

locked::locked(api_server::state& s) : state_(s), lock_(s.mutex), start_rv_(s.rv) {}

locked::~locked() {
  bool changed = state_.rv != start_rv_;
  lock_.unlock();
  if (!changed) return;
  try {
    notify_watchers(state_);
  } catch (...) {
    // A notify hook only schedules a poll; its failure must not undo a write that is done.
  }
}

namespace {

const std::string crd_key = "apiextensions.k8s.io/customresourcedefinitions";

std::string new_uid(api_server::state& s) {
  std::uniform_int_distribution<unsigned> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(byte(s.rng));
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::string generated_suffix(api_server::state& s) {
  std::uniform_int_distribution<std::size_t> pick(0, wire::generate_name_alphabet.size() - 1);
  std::string out;
  for (int i = 0; i < 5; ++i) out += wire::generate_name_alphabet[pick(s.rng)];
  return out;
}

void record(api_server::state& s, std::string type, const resource_type& rt, boost::json::object object,
            const boost::json::object* previous) {
  event_record e;
  e.rv = s.rv;
  e.type = std::move(type);
  e.key = rt.key();
  e.object = std::make_shared<const boost::json::object>(std::move(object));
  if (previous) e.previous = std::make_shared<const boost::json::object>(*previous);
  s.log.push_back(std::move(e));
  while (s.log.size() > std::max<std::size_t>(s.options.event_log_capacity, 1)) {
    s.compacted_rv = s.log.front().rv;
    s.log.pop_front();
  }
}

// apiVersion and kind must match the URL's; missing ones are filled in (§2.5).
void check_type_meta(const resource_type& type, boost::json::object& object) {
  auto api_version = string_of(object, "apiVersion");
  if (!api_version.empty() && api_version != type.api_version())
    throw bad_request("the API version in the data (" + api_version + ") does not match the expected API version (" +
                      type.api_version() + ")");
  auto kind = string_of(object, "kind");
  if (!kind.empty() && kind != type.kind)
    throw bad_request("the kind in the data (" + kind + ") does not match the expected kind (" + type.kind + ")");
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  if (const auto* m = object.if_contains("metadata"); m && !m->is_object() && !m->is_null())
    throw bad_request("metadata must be an object");
}

// Everything that is not metadata or status: a change here bumps metadata.generation.
bool spec_changed(const boost::json::object& a, const boost::json::object& b) {
  auto strip = [](boost::json::object o) {
    o.erase("metadata");
    o.erase("status");
    return o;
  };
  return strip(a) != strip(b);
}

bool same_ignoring_version(const boost::json::object& a, const boost::json::object& b) {
  auto strip = [](boost::json::object o) {
    auto& m = metadata_of(o);
    m.erase("resourceVersion");
    m.erase("managedFields");
    return o;
  };
  return strip(a) == strip(b);
}

bool has_finalizers(const boost::json::object& object) {
  const auto* m = object.if_contains("metadata");
  const auto* f = m && m->is_object() ? m->get_object().if_contains("finalizers") : nullptr;
  return f && f->is_array() && !f->get_array().empty();
}

std::optional<resource_type> type_for_key(const api_server::state& s, const std::string& key) {
  for (auto& t : served_types(s))
    if (t.key() == key) return t;
  return std::nullopt;
}

bool owned_by(const boost::json::object& object, std::string_view uid) {
  const auto* m = object.if_contains("metadata");
  const auto* refs = m && m->is_object() ? m->get_object().if_contains("ownerReferences") : nullptr;
  if (refs == nullptr || !refs->is_array()) return false;
  for (const auto& r : refs->get_array())
    if (const auto* ro = r.if_object(); ro && string_of(*ro, "uid") == uid) return true;
  return false;
}

// Deletes what hangs off a deleted object: its dependents (ownerReferences), the contents of a
// namespace, the custom resources of a CRD.
void cascade(api_server::state& s, const resource_type& type, const boost::json::object& deleted) {
  std::vector<std::tuple<std::string, std::string, std::string>> targets;  // bucket key, ns, name
  auto uid = meta_string(deleted, "uid");
  auto name = meta_string(deleted, "name");
  std::vector<std::string> crd_keys;
  if (type.key() == crd_key)
    for (const auto& t : types_from_crd(deleted)) crd_keys.push_back(t.key());
  for (const auto& [key, objects] : s.buckets) {
    bool whole_bucket = std::find(crd_keys.begin(), crd_keys.end(), key) != crd_keys.end();
    for (const auto& [k, stored] : objects) {
      if (whole_bucket || (type.resource == "namespaces" && type.group.empty() && k.first == name && !name.empty()) ||
          (!uid.empty() && owned_by(stored.object, uid)))
        targets.emplace_back(key, k.first, k.second);
    }
  }
  for (const auto& [key, ns, n] : targets) {
    auto t = type_for_key(s, key);
    if (!t) {
      // The CRD is already gone, so its type is no longer served: drop the bucket's objects directly.
      auto b = s.buckets.find(key);
      if (b == s.buckets.end()) continue;
      auto it = b->second.find({ns, n});
      if (it == b->second.end()) continue;
      ++s.rv;
      auto last = it->second.object;
      metadata_of(last)["resourceVersion"] = std::to_string(s.rv);
      resource_type gone;
      auto slash = key.find('/');
      gone.group = key.substr(0, slash);
      gone.resource = key.substr(slash + 1);
      auto previous = it->second.object;
      b->second.erase(it);
      record(s, "DELETED", gone, std::move(last), &previous);
      continue;
    }
    if (find_object(s, *t, ns, n) == nullptr) continue;
    delete_object(s, *t, ns, n, {});
  }
}

}  // namespace

std::optional<resource_type> find_type(const api_server::state& s, std::string_view group, std::string_view version,
                                       std::string_view resource) {
  if (const auto* t = find_builtin(group, version, resource)) return *t;
  auto crds = s.buckets.find(crd_key);
  if (crds == s.buckets.end()) return std::nullopt;
  for (const auto& [k, stored] : crds->second)
    for (auto& t : types_from_crd(stored.object))
      if (t.group == group && t.version == version && t.resource == resource) return t;
  return std::nullopt;
}

std::vector<resource_type> served_types(const api_server::state& s) {
  std::vector<resource_type> out = builtin_types();
  if (auto crds = s.buckets.find(crd_key); crds != s.buckets.end())
    for (const auto& [k, stored] : crds->second)
      for (auto& t : types_from_crd(stored.object)) out.push_back(std::move(t));
  return out;
}

const stored_object* find_object(const api_server::state& s, const resource_type& type, std::string_view ns,
                                 std::string_view name) {
  auto b = s.buckets.find(type.key());
  if (b == s.buckets.end()) return nullptr;
  auto it = b->second.find({type.namespaced ? std::string(ns) : std::string(), std::string(name)});
  return it == b->second.end() ? nullptr : &it->second;
}

stored_object* find_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name) {
  return const_cast<stored_object*>(find_object(static_cast<const api_server::state&>(s), type, ns, name));
}

void set_api_version(boost::json::object& object, const resource_type& type) {
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
}

boost::json::object create_object(api_server::state& s, const resource_type& type, std::string_view url_ns,
                                  boost::json::object object, const write_options& options) {
  check_type_meta(type, object);
  auto& meta = metadata_of(object);
  std::string ns = string_of(meta, "namespace");
  if (type.namespaced) {
    if (!url_ns.empty() && !ns.empty() && ns != url_ns)
      throw bad_request(std::string(wire::namespace_mismatch_message));
    if (!url_ns.empty()) ns = std::string(url_ns);
    if (ns.empty()) ns = "default";
    meta["namespace"] = ns;
  } else {
    ns.clear();
    meta.erase("namespace");
  }
  std::string name = string_of(meta, "name");
  if (name.empty()) {
    auto prefix = string_of(meta, "generateName");
    if (prefix.empty())
      throw invalid(type, "", {{"FieldValueRequired", required_value(wire::name_required_detail), "metadata.name"}});
    name = prefix + generated_suffix(s);
    meta["name"] = name;
  }
  validate_object(type, object);
  if (type.namespaced) {
    const auto* namespace_object = find_object(s, *find_builtin("", "v1", "namespaces"), "", ns);
    if (namespace_object == nullptr) throw namespace_not_found(ns);
    if (!meta_string(namespace_object->object, "deletionTimestamp").empty()) throw namespace_terminating(type, name, ns);
  }
  if (find_object(s, type, ns, name) != nullptr) throw already_exists(type, name);

  meta["uid"] = new_uid(s);
  meta["creationTimestamp"] = format_rfc3339(s.now());
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  meta.erase("managedFields");
  meta.erase("selfLink");
  if (type.has_generation) meta["generation"] = 1;
  else meta.erase("generation");
  if (options.from_client && type.has_status) object.erase("status");
  apply_defaults(s, type, object, nullptr);
  if (options.dry_run) {
    metadata_of(object).erase("resourceVersion");
    return object;
  }
  ++s.rv;
  metadata_of(object)["resourceVersion"] = std::to_string(s.rv);
  stored_object stored{object, {}};
  if (options.applied) stored.applied.insert(*options.applied);
  s.buckets[type.key()].insert_or_assign(object_key{ns, name}, std::move(stored));
  record(s, "ADDED", type, object, nullptr);
  return object;
}

boost::json::object update_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name,
                                  boost::json::object object, const write_options& options) {
  auto* found = find_object(s, type, ns, name);
  if (found == nullptr) throw not_found(type, name);
  const boost::json::object current = found->object;
  check_type_meta(type, object);
  auto& meta = metadata_of(object);
  auto body_name = string_of(meta, "name");
  if (body_name.empty()) meta["name"] = name;
  else if (body_name != name)
    throw bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" + std::string(name) + ")");
  if (type.namespaced) {
    auto body_ns = string_of(meta, "namespace");
    if (!body_ns.empty() && body_ns != ns)
      throw bad_request(std::string(wire::namespace_mismatch_message));
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  auto current_rv = meta_string(current, "resourceVersion");
  auto body_rv = string_of(meta, "resourceVersion");
  if (body_rv.empty()) {
    // §2.5: custom resources need the precondition on PUT; built-in kinds allow an unconditional update.
    if (options.require_resource_version)
      throw invalid(type, name,
                    {{"FieldValueInvalid", invalid_value("0x0", wire::rv_required_detail), "metadata.resourceVersion"}});
  } else if (body_rv != current_rv) {
    throw conflict(type, name, wire::conflict_modified_why);
  }

  boost::json::object result;
  if (options.status_only) {
    result = current;
    if (const auto* st = object.if_contains("status")) result["status"] = *st;
    else result.erase("status");
  } else {
    result = std::move(object);
    auto& rm = metadata_of(result);
    const auto& cm = current.at("metadata").as_object();
    for (std::string_view keep : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      if (const auto* v = cm.if_contains(keep)) rm[keep] = *v;
      else rm.erase(keep);
    }
    rm.erase("managedFields");
    rm.erase("selfLink");
    if (options.from_client && type.has_status) {
      if (const auto* st = current.if_contains("status")) result["status"] = *st;
      else result.erase("status");
    }
  }
  validate_object(type, result);
  apply_defaults(s, type, result, &current);
  auto& rm = metadata_of(result);
  if (type.has_generation) {
    auto gen = current.at("metadata").as_object().if_contains("generation");
    std::int64_t g = gen && gen->is_int64() ? gen->get_int64() : 1;
    rm["generation"] = spec_changed(result, current) ? g + 1 : g;
  } else {
    rm.erase("generation");
  }
  rm["resourceVersion"] = current_rv;

  auto* stored = found;
  if (same_ignoring_version(result, current)) {
    if (options.applied && !options.dry_run) stored->applied.insert_or_assign(options.applied->first, options.applied->second);
    return current;
  }
  if (options.dry_run) return result;
  ++s.rv;
  rm["resourceVersion"] = std::to_string(s.rv);
  if (!meta_string(result, "deletionTimestamp").empty() && !has_finalizers(result)) {
    // The last finalizer went away: the object is deleted now.
    s.buckets[type.key()].erase({type.namespaced ? std::string(ns) : std::string(), std::string(name)});
    record(s, "DELETED", type, result, &current);
    cascade(s, type, result);
    return result;
  }
  stored->object = result;
  if (options.applied) stored->applied.insert_or_assign(options.applied->first, options.applied->second);
  record(s, "MODIFIED", type, result, &current);
  return result;
}

delete_result delete_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name,
                            const delete_options& options) {
  auto* found = find_object(s, type, ns, name);
  if (found == nullptr) throw not_found(type, name);
  const boost::json::object current = found->object;
  auto uid = meta_string(current, "uid");
  auto rv = meta_string(current, "resourceVersion");
  if (options.uid && *options.uid != uid)
    throw conflict(type, name, "Precondition failed: UID in precondition: " + *options.uid + ", UID in object meta: " + uid);
  if (options.resource_version && *options.resource_version != rv)
    throw conflict(type, name,
                   "Precondition failed: ResourceVersion in precondition: " + *options.resource_version +
                       ", ResourceVersion in object meta: " + rv);
  if (has_finalizers(current)) {
    if (!meta_string(current, "deletionTimestamp").empty() || options.dry_run) return {current, false};
    boost::json::object marked = current;
    auto& m = metadata_of(marked);
    m["deletionTimestamp"] = format_rfc3339(s.now());
    m["deletionGracePeriodSeconds"] = 0;
    // A namespace waiting for its finalizers shows phase Terminating (kubectl's STATUS column).
    if (type.group.empty() && type.resource == "namespaces") {
      auto& status = marked["status"];
      if (!status.is_object()) status = boost::json::object();
      status.get_object()["phase"] = "Terminating";
    }
    ++s.rv;
    m["resourceVersion"] = std::to_string(s.rv);
    found->object = marked;
    record(s, "MODIFIED", type, marked, &current);
    return {marked, false};
  }
  if (options.dry_run) return {current, true};
  ++s.rv;
  boost::json::object last = current;
  metadata_of(last)["resourceVersion"] = std::to_string(s.rv);
  s.buckets[type.key()].erase({type.namespaced ? std::string(ns) : std::string(), std::string(name)});
  record(s, "DELETED", type, last, &current);
  if (options.propagation != "Orphan") cascade(s, type, last);
  return {last, true};
}

void notify_watchers(api_server::state& s) {
  std::vector<std::shared_ptr<watch_stream::impl>> live;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    std::erase_if(s.watchers, [](const auto& w) { return w.expired(); });
    for (const auto& w : s.watchers)
      if (auto p = w.lock()) live.push_back(std::move(p));
  }
  for (const auto& w : live) w->notify();
}

}  // namespace detail
}  // namespace amlk8s::local::kube
