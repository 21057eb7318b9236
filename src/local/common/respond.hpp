// Building responses: status reasons and JSON bodies. Private to amlk8s_local.
#pragma once

#include <amlk8s/http/message.hpp>

#include <boost/json/value.hpp>

#include <string_view>

namespace amlk8s::local::detail {

/// The RFC 9110 reason phrase of `status` ("OK", "Accepted", ...).
std::string_view reason_phrase(int status) noexcept;

/// A response with `status` and no body.
http::response empty_response(int status);

/// A response with `status` and `body` serialized as `application/json; charset=utf-8`.
http::response json_response(int status, const boost::json::value& body);

}  // namespace amlk8s::local::detail
