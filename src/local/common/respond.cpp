#include "local/common/respond.hpp"

#include <boost/json/serialize.hpp>

namespace amlk8s::local::detail {

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Error";
  }
}

http::response empty_response(int status) {
  http::response res;
  res.status = status;
  res.reason = std::string(reason_phrase(status));
  return res;
}

http::response json_response(int status, const boost::json::value& body) {
  auto res = empty_response(status);
  res.headers.set("Content-Type", "application/json; charset=utf-8");
  res.body = boost::json::serialize(body);
  return res;
}

}  // namespace amlk8s::local::detail
