// GET: list (with selectors and chunking), get, watch, pods/log (contracts/kubernetes.md §2.4, §2.7).
#include "encoding.hpp"
#include "handlers.hpp"
#include "media.hpp"
#include "object_rules.hpp"
#include "selectors.hpp"
#include "status.hpp"
#include "store.hpp"
#include "table.hpp"
#include "watch_impl.hpp"
#include "wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace amlk8s::local::kube::detail {

namespace {

std::optional<table_format> table_requested(const resource_request& r) {
  auto v = wants(r.http.headers.get("Accept").value_or(""), wire::table_as, wire::table_group, {"v1", "v1beta1"});
  if (!v) return std::nullopt;
  table_format f;
  f.api_version = "meta.k8s.io/" + *v;
  auto include = r.url.param_or("includeObject", "");
  if (include.empty() || include == "Metadata") f.include = include_object::metadata;
  else if (include == "Object") f.include = include_object::object;
  else if (include == "None") f.include = include_object::none;
  else throw bad_request("includeObject: Unsupported value: " + quoted(include) + ": supported values: \"Metadata\", \"None\", \"Object\"");
  return f;
}

std::string_view table_content_type(const table_format& f) {
  return f.api_version == "meta.k8s.io/v1beta1" ? wire::table_type_v1beta1 : wire::table_type_v1;
}

void check_accept(const resource_request& r) {
  auto accept = r.http.headers.get("Accept").value_or("");
  if (!accepts_json(accept)) throw not_acceptable("only the following media types are accepted: application/json, application/yaml");
}

std::uint64_t parse_count(std::string_view text, std::string_view what) {
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) throw bad_request("invalid " + std::string(what) + ": " + quoted(text));
  return n;
}

// §2.7: continue tokens are opaque; ours are base64 of {"rv", "ns", "name"} of the last item sent.
std::string make_continue(std::uint64_t rv, const object_key& last) {
  boost::json::object o;
  o["rv"] = rv;
  o["ns"] = last.first;
  o["name"] = last.second;
  return base64_encode(boost::json::serialize(o));
}

std::pair<std::uint64_t, object_key> read_continue(std::string_view token) {
  auto decoded = base64_decode(token);
  boost::system::error_code ec;
  auto v = decoded ? boost::json::parse(*decoded, ec) : boost::json::value();
  const auto* o = !ec && decoded ? v.if_object() : nullptr;
  if (o == nullptr || !o->contains("rv") || !o->at("rv").is_number() || !o->contains("name"))
    throw bad_request("continue key is not valid: " + quoted(token));
  return {o->at("rv").to_number<std::uint64_t>(), {string_of(*o, "ns"), string_of(*o, "name")}};
}

}  // namespace

http::response object_response(const resource_request& r, boost::json::object object, int code) {
  set_api_version(object, r.type);
  if (code == 200 && r.http.method != http::verb::delete_) {
    if (auto table = table_requested(r)) {
      boost::json::object meta;
      meta["resourceVersion"] = meta_string(object, "resourceVersion");
      return json_response(code, make_table(r.type, {std::move(object)}, *table, std::move(meta), r.state->now()),
                           table_content_type(*table));
    }
  }
  return json_response(code, object);
}

reply list_or_watch(resource_request& r) {
  check_accept(r);
  auto& s = *r.state;
  auto label_text = std::string(r.url.param_or("labelSelector", ""));
  auto field_text = std::string(r.url.param_or("fieldSelector", ""));
  if (!r.name.empty()) field_text = "metadata.name=" + r.name + (field_text.empty() ? "" : "," + field_text);
  auto table = table_requested(r);

  if (r.watch) {
    watch_query q;
    q.resource = r.type.ref();
    q.ns = r.ns;
    q.label_selector = label_text;
    q.field_selector = field_text;
    q.resource_version = std::string(r.url.param_or("resourceVersion", ""));
    auto bookmarks = r.url.param_or("allowWatchBookmarks", "");
    q.allow_bookmarks = bookmarks == "true" || bookmarks == "True" || bookmarks == "1";
    auto initial = r.url.param_or("sendInitialEvents", "");
    q.send_initial_events = initial == "true" || initial == "True" || initial == "1";
    if (auto t = r.url.param("timeoutSeconds")) q.timeout = std::chrono::seconds(parse_count(*t, "timeoutSeconds"));
    if (table) {
      q.as_table = true;
      q.table_api_version = table->api_version;
      q.table_object = table->include;
    }
    reply out;
    out.stream = open_watch(r.state, r.type, q);
    out.response.status = 200;
    out.response.reason = "OK";
    // A Table watch says so in its Content-Type, as for a Table list: kubectl 1.27 prints no
    // event otherwise (newer ones do).
    out.response.headers.set("Content-Type", std::string(table ? table_content_type(*table) : wire::json_type));
    out.response.headers.set("Cache-Control", "no-cache, private");
    return out;
  }

  auto labels = label_selector::parse(label_text);
  auto fields = field_selector::parse(field_text, r.type);
  std::uint64_t limit = 0;
  if (auto l = r.url.param("limit"); l && !l->empty()) limit = parse_count(*l, "limit");
  std::uint64_t list_rv = s.rv;
  std::optional<object_key> after;
  if (auto c = r.url.param("continue"); c && !c->empty()) {
    auto [rv, key] = read_continue(*c);
    list_rv = rv;
    after = std::move(key);
  }

  std::vector<boost::json::object> items;
  std::optional<object_key> last;
  std::uint64_t remaining = 0;
  bool more = false;
  if (auto b = s.buckets.find(r.type.key()); b != s.buckets.end()) {
    auto it = after ? b->second.upper_bound(*after) : b->second.begin();
    for (; it != b->second.end(); ++it) {
      const auto& [key, stored] = *it;
      if (r.type.namespaced && !r.ns.empty() && key.first != r.ns) continue;
      if (!labels.matches(stored.object) || !fields.matches(stored.object)) continue;
      if (limit != 0 && items.size() == limit) {
        more = true;
        ++remaining;
        continue;
      }
      items.push_back(stored.object);
      last = key;
    }
  }

  boost::json::object meta;
  meta["resourceVersion"] = std::to_string(list_rv);
  if (more && last) {
    meta["continue"] = make_continue(list_rv, *last);
    if (labels.empty() && fields.empty()) meta["remainingItemCount"] = remaining;
  }
  if (table) {
    for (auto& item : items) set_api_version(item, r.type);
    return {json_response(200, make_table(r.type, items, *table, std::move(meta), s.now()), table_content_type(*table)), nullptr};
  }
  boost::json::array arr;
  for (auto& item : items) {
    // §2.7: custom resource items carry apiVersion and kind; built-in items omit them.
    if (r.type.builtin) {
      item.erase("apiVersion");
      item.erase("kind");
    } else {
      set_api_version(item, r.type);
    }
    arr.push_back(std::move(item));
  }
  boost::json::object list;
  list["kind"] = r.type.list_kind;
  list["apiVersion"] = r.type.api_version();
  list["metadata"] = std::move(meta);
  list["items"] = std::move(arr);
  return {json_response(200, list), nullptr};
}

http::response get(resource_request& r) {
  check_accept(r);
  const auto* found = find_object(*r.state, r.type, r.ns, r.name);
  if (found == nullptr) throw not_found(r.type, r.name);
  return object_response(r, found->object, 200);
}

http::response pod_log(resource_request& r) {
  const auto* found = find_object(*r.state, r.type, r.ns, r.name);
  if (found == nullptr) throw not_found(r.type, r.name);
  std::vector<std::string> containers;
  if (const auto* spec = found->object.if_contains("spec"); spec && spec->is_object())
    if (const auto* cs = spec->get_object().if_contains("containers"); cs && cs->is_array())
      for (const auto& c : cs->get_array())
        if (c.is_object()) containers.push_back(string_of(c.get_object(), "name"));
  std::string container(r.url.param_or("container", ""));
  if (container.empty()) {
    if (containers.size() != 1) {
      std::string names;
      for (const auto& c : containers) names += (names.empty() ? "" : " ") + c;
      throw bad_request("a container name must be specified for pod " + r.name + ", choose one of: [" + names + "]");
    }
    container = containers.front();
  } else if (std::find(containers.begin(), containers.end(), container) == containers.end()) {
    throw bad_request("container " + container + " is not valid for pod " + r.name);
  }
  std::string text;
  if (r.state->pod_logs) {
    auto log = r.state->pod_logs(r.ns, r.name, container);
    if (!log) throw bad_request("container " + container + " is not valid for pod " + r.name);
    text = std::move(*log);
  }
  http::response out;
  out.status = 200;
  out.reason = "OK";
  out.headers.set("Content-Type", "text/plain");
  out.body = std::move(text);
  return out;
}

}  // namespace amlk8s::local::kube::detail
