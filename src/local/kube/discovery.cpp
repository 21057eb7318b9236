#include "discovery.hpp"

#include "media.hpp"
#include "status.hpp"
#include "store.hpp"
#include "url.hpp"
#include "wire.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace amlk8s::local::kube::detail {

namespace {

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const auto& s : v) out.push_back(boost::json::string(s));
  return out;
}

// Kubernetes version priority: GA before beta before alpha, higher numbers first, others last.
int version_rank(std::string_view v, long& major, long& minor) {
  major = 0;
  minor = 0;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return 3;
  std::size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) major = major * 10 + (v[i++] - '0');
  if (i == v.size()) return 0;
  auto rest = v.substr(i);
  int rank = rest.substr(0, 4) == "beta" ? 1 : rest.substr(0, 5) == "alpha" ? 2 : 3;
  if (rank == 3) return 3;
  rest.remove_prefix(rank == 1 ? 4 : 5);
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 3;
    minor = minor * 10 + (c - '0');
  }
  return rank;
}

bool version_before(const std::string& a, const std::string& b) {
  long am, an, bm, bn;
  int ra = version_rank(a, am, an), rb = version_rank(b, bm, bn);
  if (ra != rb) return ra < rb;
  if (ra == 3) return a < b;
  if (am != bm) return am > bm;
  return an > bn;
}

// Groups in discovery order (built-in first, then custom groups by name), each with its versions
// in priority order.
std::vector<std::pair<std::string, std::vector<std::string>>> served_groups(const api_server::state& s) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto add = [&](const resource_type& t) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == t.group; });
    if (it == out.end()) {
      out.emplace_back(t.group, std::vector<std::string>{});
      it = std::prev(out.end());
    }
    if (std::find(it->second.begin(), it->second.end(), t.version) == it->second.end()) it->second.push_back(t.version);
  };
  for (const auto& t : builtin_types())
    if (!t.group.empty()) add(t);
  auto types = served_types(s);
  std::vector<resource_type> custom;
  for (auto& t : types)
    if (!t.builtin) custom.push_back(t);
  std::sort(custom.begin(), custom.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
  for (const auto& t : custom) add(t);
  for (auto& g : out) std::sort(g.second.begin(), g.second.end(), version_before);
  return out;
}

boost::json::object group_version(std::string_view group, std::string_view version) {
  boost::json::object gv;
  gv["groupVersion"] = std::string(group) + "/" + std::string(version);
  gv["version"] = version;
  return gv;
}

boost::json::object api_group(const std::string& name, const std::vector<std::string>& versions) {
  boost::json::object g;
  g["name"] = name;
  boost::json::array vs;
  for (const auto& v : versions) vs.push_back(group_version(name, v));
  g["versions"] = std::move(vs);
  g["preferredVersion"] = group_version(name, versions.front());
  return g;
}

std::vector<std::string> subresource_verbs(std::string_view sub) {
  if (sub == "log") return {"get"};
  return {"get", "patch", "update"};
}

std::vector<resource_type> types_in(const api_server::state& s, std::string_view group, std::string_view version) {
  std::vector<resource_type> out;
  for (auto& t : served_types(s))
    if (t.group == group && t.version == version) out.push_back(std::move(t));
  return out;
}

// §2.2: one aggregated-discovery group entry.
boost::json::object discovery_group(const api_server::state& s, const std::string& name, const std::vector<std::string>& versions) {
  boost::json::object item;
  boost::json::object meta;
  meta["name"] = name;
  meta["creationTimestamp"] = nullptr;
  item["metadata"] = std::move(meta);
  boost::json::array vs;
  for (const auto& v : versions) {
    boost::json::array resources;
    for (const auto& t : types_in(s, name, v)) {
      boost::json::object r;
      r["resource"] = t.resource;
      boost::json::object kind;
      kind["group"] = t.group;
      kind["version"] = t.version;
      kind["kind"] = t.kind;
      r["responseKind"] = kind;
      r["scope"] = t.namespaced ? "Namespaced" : "Cluster";
      r["singularResource"] = t.singular;
      r["verbs"] = strings(verbs_of(t));
      if (!t.short_names.empty()) r["shortNames"] = strings(t.short_names);
      if (!t.categories.empty()) r["categories"] = strings(t.categories);
      if (!t.subresources.empty()) {
        boost::json::array subs;
        for (const auto& sub : t.subresources) {
          boost::json::object so;
          so["subresource"] = sub;
          if (sub == "log") {
            boost::json::object text;
            text["group"] = "";
            text["version"] = "";
            text["kind"] = "string";
            so["responseKind"] = text;
          } else {
            so["responseKind"] = kind;
          }
          so["verbs"] = strings(subresource_verbs(sub));
          subs.push_back(std::move(so));
        }
        r["subresources"] = std::move(subs);
      }
      resources.push_back(std::move(r));
    }
    boost::json::object vo;
    vo["version"] = v;
    vo["resources"] = std::move(resources);
    vo["freshness"] = "Current";
    vs.push_back(std::move(vo));
  }
  item["versions"] = std::move(vs);
  return item;
}

std::optional<std::string> wants_aggregated(const http::request& request) {
  return wants(request.headers.get("Accept").value_or(""), wire::discovery_as, wire::discovery_group, {"v2", "v2beta1"});
}

http::response aggregated(boost::json::array items, const std::string& version) {
  boost::json::object list;
  list["kind"] = "APIGroupDiscoveryList";
  list["apiVersion"] = "apidiscovery.k8s.io/" + version;
  list["metadata"] = boost::json::object();
  list["items"] = std::move(items);
  return json_response(200, list, version == "v2" ? wire::discovery_type_v2 : wire::discovery_type_v2beta1);
}

}  // namespace

http::response version_response(const api_server::state& s) {
  const auto& v = s.options.version;
  boost::json::object o;
  o["major"] = v.major;
  o["minor"] = v.minor;
  o["gitVersion"] = v.git_version;
  o["gitCommit"] = v.git_commit;
  o["gitTreeState"] = "clean";
  o["buildDate"] = v.build_date;
  o["goVersion"] = v.go_version;
  o["compiler"] = "gc";
  o["platform"] = v.platform;
  return json_response(200, o);
}

http::response core_versions(const api_server::state& s, const http::request& request) {
  if (auto v = wants_aggregated(request)) {
    boost::json::array items;
    items.push_back(discovery_group(s, "", {"v1"}));
    return aggregated(std::move(items), *v);
  }
  boost::json::object o;
  o["kind"] = "APIVersions";
  o["versions"] = boost::json::array{"v1"};
  boost::json::object cidr;
  cidr["clientCIDR"] = "0.0.0.0/0";
  auto address = authority_of(request.url);
  if (address.empty()) address = std::string(request.headers.get("Host").value_or(""));
  cidr["serverAddress"] = address;
  o["serverAddressByClientCIDRs"] = boost::json::array{cidr};
  return json_response(200, o);
}

http::response group_list(const api_server::state& s, const http::request& request) {
  auto groups = served_groups(s);
  if (auto v = wants_aggregated(request)) {
    boost::json::array items;
    for (const auto& [name, versions] : groups) items.push_back(discovery_group(s, name, versions));
    return aggregated(std::move(items), *v);
  }
  boost::json::object o;
  o["kind"] = "APIGroupList";
  o["apiVersion"] = "v1";
  boost::json::array arr;
  for (const auto& [name, versions] : groups) arr.push_back(api_group(name, versions));
  o["groups"] = std::move(arr);
  return json_response(200, o);
}

http::response group(const api_server::state& s, std::string_view name) {
  for (const auto& [g, versions] : served_groups(s)) {
    if (g != name) continue;
    auto o = api_group(g, versions);
    boost::json::object out;
    out["kind"] = "APIGroup";
    out["apiVersion"] = "v1";
    for (auto& [k, v] : o) out[k] = v;
    return json_response(200, out);
  }
  throw not_found_path();
}

http::response resource_list(const api_server::state& s, std::string_view group, std::string_view version) {
  auto types = types_in(s, group, version);
  if (types.empty()) throw not_found_path();
  boost::json::object o;
  o["kind"] = "APIResourceList";
  o["apiVersion"] = "v1";
  o["groupVersion"] = types.front().api_version();
  boost::json::array resources;
  for (const auto& t : types) {
    boost::json::object r;
    r["name"] = t.resource;
    r["singularName"] = t.singular;
    r["namespaced"] = t.namespaced;
    r["kind"] = t.kind;
    r["verbs"] = strings(verbs_of(t));
    if (!t.short_names.empty()) r["shortNames"] = strings(t.short_names);
    if (!t.categories.empty()) r["categories"] = strings(t.categories);
    resources.push_back(std::move(r));
    for (const auto& sub : t.subresources) {
      boost::json::object so;
      so["name"] = t.resource + "/" + sub;
      so["singularName"] = "";
      so["namespaced"] = t.namespaced;
      so["kind"] = t.kind;
      so["verbs"] = strings(subresource_verbs(sub));
      resources.push_back(std::move(so));
    }
  }
  o["resources"] = std::move(resources);
  return json_response(200, o);
}

http::response openapi_v2(const http::request& request) {
  auto accept = request.headers.get("Accept").value_or("");
  auto ranges = parse_accept(accept);
  bool json_only = !ranges.empty() && std::none_of(ranges.begin(), ranges.end(), [](const media_range& r) {
    return r.type.find("protobuf") != std::string::npos || r.type == "*/*";
  });
  if (json_only) {
    http::response r = json_response(200, boost::json::object());
    r.body = std::string(wire::openapi_v2_json);
    return r;
  }
  http::response r;
  r.status = 200;
  r.reason = "OK";
  r.headers.set("Content-Type", std::string(wire::openapi_v2_type));
  r.body.assign(reinterpret_cast<const char*>(wire::openapi_v2_blob), sizeof wire::openapi_v2_blob);
  return r;
}

}  // namespace amlk8s::local::kube::detail
