// POST, PUT, PATCH and DELETE (contracts/kubernetes.md §2.5).
#include "handlers.hpp"
#include "media.hpp"
#include "object_rules.hpp"
#include "patch.hpp"
#include "selectors.hpp"
#include "status.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace amlk8s::local::kube::detail {

namespace {

boost::json::value parse_body(const resource_request& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.http.body, ec);
  if (ec) throw bad_request("the body of the request could not be decoded as JSON: " + ec.message());
  return v;
}

boost::json::object object_body(const resource_request& r) {
  auto v = parse_body(r);
  if (!v.is_object()) throw bad_request("the body of the request must be a JSON object");
  return std::move(v.get_object());
}

// dryRun and fieldValidation: the values the API server accepts.
write_options client_options(const resource_request& r) {
  write_options o;
  o.from_client = true;
  if (auto d = r.url.param("dryRun")) {
    if (*d != "All") throw bad_request("Invalid dryRun value: " + quoted(*d) + ": supported values: \"All\"");
    o.dry_run = true;
  }
  if (auto f = r.url.param("fieldValidation"); f && *f != "Strict" && *f != "Warn" && *f != "Ignore" && !f->empty())
    throw bad_request("fieldValidation parameter unsupported: " + std::string(*f));
  o.status_only = r.subresource == "status";
  return o;
}

http::response status_success(const resource_type& type, const boost::json::object& deleted) {
  boost::json::object s;
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = boost::json::object();
  s["status"] = "Success";
  auto details = object_details(type, meta_string(deleted, "name"));
  details["uid"] = meta_string(deleted, "uid");
  s["details"] = std::move(details);
  return json_response(200, s);
}

http::response apply(resource_request& r, write_options options) {
  auto manager = std::string(r.url.param_or("fieldManager", ""));
  if (manager.empty()) {
    resource_type options_type;
    options_type.group = "meta.k8s.io";
    options_type.kind = "PatchOptions";
    throw invalid(options_type, "", {{"FieldValueRequired", required_value("is required for apply patch"), "fieldManager"}});
  }
  auto force_text = r.url.param_or("force", "false");
  bool force = force_text == "true" || force_text == "True" || force_text == "1";
  // kubectl sends JSON, which is also YAML (§2.1); YAML proper is not read here.
  auto config = object_body(r);
  if (string_of(config, "apiVersion").empty() || string_of(config, "kind").empty())
    throw bad_request("invalid object type: apiVersion and kind are required for apply");
  auto& meta = metadata_of(config);
  auto body_name = string_of(meta, "name");
  if (!body_name.empty() && body_name != r.name)
    throw bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" + r.name + ")");
  meta["name"] = r.name;
  for (std::string_view server_field : {"uid", "creationTimestamp", "generation", "managedFields", "selfLink"})
    meta.erase(server_field);
  auto precondition = string_of(meta, "resourceVersion");
  meta.erase("resourceVersion");
  options.applied = std::make_pair(manager, config);

  auto* stored = find_object(*r.state, r.type, r.ns, r.name);
  if (stored == nullptr) {
    if (options.status_only) throw not_found(r.type, r.name);
    // §2.1: server-side apply creates a missing object.
    return object_response(r, create_object(*r.state, r.type, r.ns, config, options), 201);
  }
  auto outcome = server_side_apply(stored->object, config, manager, stored->applied, r.type.builtin, force);
  if (!outcome.conflicts.empty()) {
    std::string message = "Apply failed with " + std::to_string(outcome.conflicts.size()) +
                          (outcome.conflicts.size() == 1 ? " conflict: " : " conflicts: ");
    boost::json::array causes;
    for (std::size_t i = 0; i < outcome.conflicts.size(); ++i) {
      const auto& [other, path] = outcome.conflicts[i];
      auto text = "conflict with \"" + other + "\": " + path;
      message += (i ? "\n" : "") + text;
      boost::json::object cause;
      cause["reason"] = "FieldManagerConflict";
      cause["message"] = text;
      cause["field"] = path;
      causes.push_back(std::move(cause));
    }
    auto details = object_details(r.type, r.name);
    details["causes"] = std::move(causes);
    throw api_error(409, "Conflict", message, std::move(details));
  }
  metadata_of(outcome.object)["resourceVersion"] =
      precondition.empty() ? meta_string(stored->object, "resourceVersion") : precondition;
  return object_response(r, update_object(*r.state, r.type, r.ns, r.name, std::move(outcome.object), options), 200);
}

delete_options read_delete_options(const resource_request& r) {
  delete_options o;
  if (!r.http.body.empty()) {
    auto body = object_body(r);
    if (auto p = string_of(body, "propagationPolicy"); !p.empty()) o.propagation = p;
    if (const auto* pre = body.if_contains("preconditions"); pre && pre->is_object()) {
      if (auto uid = string_of(pre->get_object(), "uid"); !uid.empty()) o.uid = uid;
      if (auto rv = string_of(pre->get_object(), "resourceVersion"); !rv.empty()) o.resource_version = rv;
    }
    if (const auto* orphan = body.if_contains("orphanDependents"); orphan && orphan->is_bool() && orphan->get_bool())
      o.propagation = "Orphan";
    if (const auto* dry = body.if_contains("dryRun"); dry && dry->is_array() && !dry->get_array().empty()) o.dry_run = true;
  }
  if (auto p = r.url.param("propagationPolicy")) o.propagation = std::string(*p);
  if (auto d = r.url.param("dryRun"); d && *d == "All") o.dry_run = true;
  if (o.propagation != "Orphan" && o.propagation != "Background" && o.propagation != "Foreground")
    throw bad_request("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: " + quoted(o.propagation) +
                      ": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
  return o;
}

}  // namespace

http::response create(resource_request& r) {
  if (!r.subresource.empty()) throw method_not_allowed();
  auto options = client_options(r);
  return object_response(r, create_object(*r.state, r.type, r.ns, object_body(r), options), 201);
}

http::response update(resource_request& r) {
  auto options = client_options(r);
  options.require_resource_version = !r.type.builtin;
  return object_response(r, update_object(*r.state, r.type, r.ns, r.name, object_body(r), options), 200);
}

http::response patch(resource_request& r) {
  auto options = client_options(r);
  auto type = media_type_of(r.http.headers.get("Content-Type").value_or(""));
  if (type == wire::apply_patch_type) return apply(r, std::move(options));
  if (type != wire::merge_patch_type && type != wire::json_patch_type && type != wire::strategic_patch_type)
    throw unsupported_media_type(std::string(wire::unsupported_patch_message));
  // §2.5: strategic merge patch is for built-in kinds only.
  if (type == wire::strategic_patch_type && !r.type.builtin) throw unsupported_media_type(std::string(wire::unsupported_patch_message));
  const auto* stored = find_object(*r.state, r.type, r.ns, r.name);
  if (stored == nullptr) throw not_found(r.type, r.name);
  auto body = parse_body(r);
  boost::json::value current(stored->object);
  boost::json::value patched;
  if (type == wire::merge_patch_type) {
    if (!body.is_object()) throw bad_request("the body of a merge patch must be a JSON object");
    patched = merge_patch(current, body);
  } else if (type == wire::json_patch_type) {
    patched = json_patch(std::move(current), body);
  } else {
    patched = strategic_merge(current, body);
  }
  if (!patched.is_object()) throw bad_request("the patch did not produce an object");
  return object_response(r, update_object(*r.state, r.type, r.ns, r.name, std::move(patched.get_object()), options), 200);
}

http::response remove(resource_request& r) {
  auto result = delete_object(*r.state, r.type, r.ns, r.name, read_delete_options(r));
  // §2.5: custom resources answer a Status once gone; built-in kinds answer the object.
  if (!r.type.builtin && result.gone) return status_success(r.type, result.object);
  return object_response(r, std::move(result.object), 200);
}

http::response remove_collection(resource_request& r) {
  auto options = read_delete_options(r);
  auto labels = label_selector::parse(r.url.param_or("labelSelector", ""));
  auto fields = field_selector::parse(r.url.param_or("fieldSelector", ""), r.type);
  std::vector<object_key> targets;
  if (auto b = r.state->buckets.find(r.type.key()); b != r.state->buckets.end())
    for (const auto& [key, stored] : b->second)
      if ((!r.type.namespaced || r.ns.empty() || key.first == r.ns) && labels.matches(stored.object) && fields.matches(stored.object))
        targets.push_back(key);
  boost::json::array items;
  for (const auto& [ns, name] : targets) {
    if (find_object(*r.state, r.type, ns, name) == nullptr) continue;  // went with an earlier one
    auto result = delete_object(*r.state, r.type, ns, name, options);
    set_api_version(result.object, r.type);
    items.push_back(std::move(result.object));
  }
  boost::json::object list;
  list["kind"] = r.type.list_kind;
  list["apiVersion"] = r.type.api_version();
  boost::json::object meta;
  meta["resourceVersion"] = std::to_string(r.state->rv);
  list["metadata"] = std::move(meta);
  list["items"] = std::move(items);
  return json_response(200, list);
}

}  // namespace amlk8s::local::kube::detail
