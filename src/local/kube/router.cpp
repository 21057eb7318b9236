#include "discovery.hpp"
#include "handlers.hpp"
#include "status.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <amlk8s/core/error.hpp>

#include <algorithm>
#include <cctype>

namespace amlk8s::local::kube::detail {

namespace {

// The bearer token of the request, if any (scheme compared case-insensitively).
std::optional<std::string_view> bearer_token(const http::request& request) {
  auto header = request.headers.get("Authorization");
  if (!header || header->size() < 7 || !http::iequals(header->substr(0, 7), "Bearer ")) return std::nullopt;
  auto token = header->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

// The path below the configured prefix, or nullopt when the request is not under it.
std::optional<std::string> below_prefix(std::string path, std::string_view prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return path;
  if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  auto rest = path.substr(prefix.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return rest.empty() ? std::string("/") : rest;
}

http::response text_response(int code, std::string body) {
  http::response r;
  r.status = code;
  r.reason = std::string(reason_phrase(code));
  r.headers.set("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

http::response root_paths(const api_server::state& s) {
  boost::json::array paths{"/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/readyz", "/version"};
  for (const auto& t : served_types(s))
    if (!t.group.empty()) {
      auto g = "/apis/" + t.group;
      auto gv = g + "/" + t.version;
      if (std::find(paths.begin(), paths.end(), boost::json::value(g)) == paths.end()) paths.push_back(boost::json::string(g));
      if (std::find(paths.begin(), paths.end(), boost::json::value(gv)) == paths.end()) paths.push_back(boost::json::string(gv));
    }
  boost::json::object o;
  o["paths"] = std::move(paths);
  return json_response(200, o);
}

reply resource(const std::shared_ptr<api_server::state>& s, const http::request& request, const target& url,
               std::string_view group, std::string_view version, std::vector<std::string> rest) {
  bool legacy_watch = false;
  if (!rest.empty() && rest.front() == "watch") {
    legacy_watch = true;
    rest.erase(rest.begin());
  }
  std::string ns;
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    auto inner = find_type(*s, group, version, rest[2]);
    if (inner && inner->namespaced) {
      ns = rest[1];
      rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  if (rest.empty() || rest.size() > 3) throw not_found_path();
  auto type = find_type(*s, group, version, rest[0]);
  if (!type) throw not_found_path();
  resource_request r{request, url, s, *type, ns, rest.size() > 1 ? rest[1] : std::string(), rest.size() > 2 ? rest[2] : std::string(),
                     legacy_watch || watch_flag(url)};
  if (!type->namespaced && !ns.empty()) throw not_found_path();
  if (type->namespaced && ns.empty() && !r.name.empty()) throw not_found_path();
  if (!r.subresource.empty() &&
      std::find(type->subresources.begin(), type->subresources.end(), r.subresource) == type->subresources.end())
    throw not_found_path();

  auto method = request.method;
  if (r.name.empty()) {
    if (method == http::verb::get || method == http::verb::head) return list_or_watch(r);
    if (method == http::verb::post) {
      if (type->namespaced && ns.empty()) throw method_not_allowed();
      return {create(r), nullptr};
    }
    if (method == http::verb::delete_) return {remove_collection(r), nullptr};
    throw method_not_allowed();
  }
  if (r.subresource == "log") {
    if (method != http::verb::get && method != http::verb::head) throw method_not_allowed();
    return {pod_log(r), nullptr};
  }
  switch (method) {
    case http::verb::get:
    case http::verb::head:
      if (r.watch && r.subresource.empty()) {
        // A watch of one object: the collection watch with its name pinned.
        return list_or_watch(r);
      }
      return {get(r), nullptr};
    case http::verb::put: return {update(r), nullptr};
    case http::verb::patch: return {patch(r), nullptr};
    case http::verb::delete_:
      if (!r.subresource.empty()) throw method_not_allowed();
      return {remove(r), nullptr};
    default: throw method_not_allowed();
  }
}

reply dispatch(const std::shared_ptr<api_server::state>& s, const http::request& request) {
  const auto& options = s->options;
  if (options.verify_token) {
    auto token = bearer_token(request);
    if (!token || !options.verify_token(*token)) throw unauthorized();
  }
  auto url = parse_target(request.url);
  auto path = below_prefix(url.path, options.path_prefix);
  if (!path) throw not_found_path();
  auto segments = split_path(*path);
  bool read = request.method == http::verb::get || request.method == http::verb::head;
  auto read_only = [&](auto&& make) -> reply {
    if (!read) throw method_not_allowed();
    return {make(), nullptr};
  };
  std::size_t n = segments.size();
  if (n == 0) return read_only([&] { return root_paths(*s); });
  const auto& first = segments[0];
  if (n == 1 && first == "version") return read_only([&] { return version_response(*s); });
  if (n == 1 && (first == "healthz" || first == "livez" || first == "readyz"))
    return read_only([&] { return text_response(200, "ok"); });
  if (first == "openapi") {
    if (n == 2 && segments[1] == "v2") return read_only([&] { return openapi_v2(request); });
    throw not_found_path();  // §2.9: no v3; kubectl 1.27+ falls back to v2
  }
  if (first == "api") {
    if (n == 1) return read_only([&] { return core_versions(*s, request); });
    if (segments[1] != "v1") throw not_found_path();
    if (n == 2) return read_only([&] { return resource_list(*s, "", "v1"); });
    return resource(s, request, url, "", "v1", {segments.begin() + 2, segments.end()});
  }
  if (first == "apis") {
    if (n == 1) return read_only([&] { return group_list(*s, request); });
    if (n == 2) return read_only([&] { return group(*s, segments[1]); });
    if (n == 3) return read_only([&] { return resource_list(*s, segments[1], segments[2]); });
    return resource(s, request, url, segments[1], segments[2], {segments.begin() + 3, segments.end()});
  }
  throw not_found_path();
}

}  // namespace

bool watch_flag(const target& url) {
  auto v = url.param("watch");
  if (!v) return false;
  std::string lower(*v);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // §2.7: every value except "", "0" and "false" (any case) means true.
  return !(lower.empty() || lower == "0" || lower == "false");
}

reply route(const std::shared_ptr<api_server::state>& state, const http::request& request) {
  reply out;
  try {
    locked guard(*state);
    out = dispatch(state, request);
  } catch (const api_error& e) {
    out.response = error_response(e);
  } catch (const amlk8s::error& e) {
    out.response = error_response(bad_request(e.diag().to_string()));
  } catch (const std::exception& e) {
    out.response = error_response(internal_error(e.what()));
  }
  if (request.method == http::verb::head) out.response.body.clear();
  return out;
}

}  // namespace amlk8s::local::kube::detail
