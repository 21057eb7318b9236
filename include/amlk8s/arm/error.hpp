// Reading ARM's error answers into amlk8s::diagnostics. All knowledge of the ARM error shape
// (contracts/arm-extensions.md §1.7, common-types v2 ErrorResponse) lives in src/arm/error.cpp.
//
// What is read:
//  - `{"error": {code, message, target, details[], additionalInfo[]}}`, and the flat
//    `{code, message, ...}` some resource providers send;
//  - `details` recursively, flattened in depth-first order; a nested detail's target is its
//    parents' targets joined with '/';
//  - `additionalInfo[]` entries as details whose code is "additionalInfo:<type>" and whose message
//    is the compact JSON of `info`;
//  - the top-level `target`, appended to the message as " (target: ...)" because diagnostics has
//    no field of its own for it;
//  - a body that is not JSON (a gateway's HTML page, plain text): whitespace collapsed, cut to a
//    few hundred characters;
//  - the request ids `x-ms-request-id`, `x-ms-correlation-request-id`, `x-ms-client-request-id`.
// Every text taken from the wire is redacted of anything that looks like a credential (bearer
// tokens, JWTs, SAS signatures, keys and passwords in connection strings, PEM blocks).
#pragma once

#include <amlk8s/arm/message.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

#include <boost/json/fwd.hpp>

#include <string_view>

namespace amlk8s::arm {

/// Copies the request ids of a response into `diag` (a field stays as it was when its header is absent).
void read_request_ids(const http::header_map& headers, diagnostics& diag);

/// Reads one ARM ErrorDetail object (the inside of `{"error": ...}`, an async status's `error`,
/// an extension's `properties.errorInfo`) into the service fields of `diag`.
/// Returns false when the object holds neither a code nor a message.
bool read_error_detail(const boost::json::object& detail, diagnostics& diag);

/// Reads an error body that was already parsed: the wrapped or the flat shape.
/// Returns false when the JSON holds no recognisable error.
bool read_error_json(const boost::json::value& body, diagnostics& diag);

/// Reads an error body as received: JSON in either shape, or a short redacted excerpt of any other text.
void read_error_body(std::string_view body, diagnostics& diag);

/// For an answer that is not 2xx: records status, request ids and the service error in `diag` and
/// returns errc_from_http_status(status). Returns an empty code, and leaves `diag` alone, for 2xx/3xx.
error_code error_from_response(const http::response& res, diagnostics& diag);

/// The same for an answer whose body the ARM client already parsed.
error_code error_from_response(const response& res, diagnostics& diag);

}  // namespace amlk8s::arm
