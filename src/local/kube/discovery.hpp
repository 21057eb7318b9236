// Discovery, /version and OpenAPI (contracts/kubernetes.md §2.2, §2.3).
#pragma once

#include "state.hpp"

#include <amlk8s/http/message.hpp>

#include <string_view>

namespace amlk8s::local::kube::detail {

/// GET /version.
http::response version_response(const api_server::state& s);
/// GET /api (legacy APIVersions, or the aggregated list of the core group when asked for).
http::response core_versions(const api_server::state& s, const http::request& request);
/// GET /apis (APIGroupList, or the aggregated list when asked for).
http::response group_list(const api_server::state& s, const http::request& request);
/// GET /apis/{group}: APIGroup; throws api_error 404 for an unknown group.
http::response group(const api_server::state& s, std::string_view name);
/// GET /api/v1 and /apis/{group}/{version}: APIResourceList; throws api_error 404 when not served.
http::response resource_list(const api_server::state& s, std::string_view group, std::string_view version);
/// GET /openapi/v2: the protobuf blob, or its JSON form for a client that asks only for JSON.
http::response openapi_v2(const http::request& request);

}  // namespace amlk8s::local::kube::detail
