// The HTTP verbs on resources (contracts/kubernetes.md §2.5, §2.7): one call per request, with the
// state's mutex held by the router.
#pragma once

#include "state.hpp"
#include "url.hpp"

#include <amlk8s/http/message.hpp>

#include <memory>
#include <string>

namespace amlk8s::local::kube::detail {

/// A request aimed at a resource, parsed from its URL.
struct resource_request {
  const http::request& http;
  const target& url;
  std::shared_ptr<api_server::state> state;
  resource_type type;
  std::string ns;           ///< from /namespaces/{ns}/; empty otherwise
  std::string name;         ///< empty for the collection
  std::string subresource;  ///< "status", "log" or empty
  bool watch = false;       ///< ?watch=true or the legacy /watch/ path
};

/// Every request that reached the API: checks the token, strips the prefix, and dispatches.
reply route(const std::shared_ptr<api_server::state>& state, const http::request& request);

reply list_or_watch(resource_request& r);
http::response get(resource_request& r);
http::response pod_log(resource_request& r);
http::response create(resource_request& r);
http::response update(resource_request& r);
http::response patch(resource_request& r);
http::response remove(resource_request& r);
http::response remove_collection(resource_request& r);

/// An object answer: the object (apiVersion of the requested version), or a one-row Table when the
/// Accept header asks for one.
http::response object_response(const resource_request& r, boost::json::object object, int code);

/// True when `?watch=` holds a value the API server reads as true (§2.7).
bool watch_flag(const target& url);

}  // namespace amlk8s::local::kube::detail
