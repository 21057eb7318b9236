#include <amlk8s/local/request_log.hpp>

#include <amlk8s/http/message.hpp>

#include "local/common/text.hpp"

#include <array>

namespace amlk8s::local {

std::string loggable_target(std::string_view url) {
  // Query parameters whose values are never secret (contracts: ARM paging, LRO and delete options).
  static constexpr std::array<std::string_view, 12> allowed{
      "api-version", "$skipToken", "$skip", "$top", "$filter", "$expand",
      "forceDelete", "underlyingResourceAction", "listViewType", "jobType", "operationId", "timeout"};
  http::request req;
  req.url = std::string(url);
  const auto parts = detail::split_target(req, "http");
  std::string out = parts.path;
  std::string_view query = parts.query;
  char sep = '?';
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto name = item.substr(0, eq);
    const auto decoded = detail::percent_decode(name);
    bool safe = false;
    for (const auto a : allowed) safe = safe || http::iequals(a, decoded);
    out += sep;
    sep = '&';
    out += std::string(name);
    if (eq != std::string_view::npos) out += "=" + (safe ? std::string(item.substr(eq + 1)) : std::string("REDACTED"));
  }
  return out;
}

}  // namespace amlk8s::local
