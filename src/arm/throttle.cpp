// Throttle and retry-after headers (contracts/arm-extensions.md §1.9: "parse all
// x-ms-ratelimit-remaining-* generically"; the `-resource` form is `Name;count,Name;count`).
#include <amlk8s/arm/throttle.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>

namespace amlk8s::arm {
namespace {

constexpr std::string_view ratelimit_prefix = "x-ms-ratelimit-remaining-";

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> to_int(std::string_view s) noexcept {
  s = trim(s);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// IMF-fixdate, the one HTTP date form servers must send: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) {
  s = trim(s);
  auto comma = s.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  s.remove_prefix(comma + 2);
  if (s.size() != 24 || s.substr(20) != " GMT") return std::nullopt;
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto number = [&](std::size_t at, std::size_t len) { return to_int(s.substr(at, len)); };
  auto day = number(0, 2), year = number(7, 4), hh = number(12, 2), mm = number(15, 2), ss = number(18, 2);
  if (!day || !year || !hh || !mm || !ss || s[2] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':' || s[17] != ':')
    return std::nullopt;
  auto month = std::find(std::begin(months), std::end(months), s.substr(3, 3));
  if (month == std::end(months)) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*year)),
                                  std::chrono::month(static_cast<unsigned>(month - std::begin(months) + 1)),
                                  std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(*hh) + std::chrono::minutes(*mm) + std::chrono::seconds(*ss);
}

}  // namespace

std::optional<std::int64_t> throttle_info::remaining(std::string_view scope, std::string_view name) const {
  for (const auto& q : quotas)
    if (http::iequals(q.scope, scope) && http::iequals(q.name, name)) return q.remaining;
  return std::nullopt;
}

std::optional<std::int64_t> throttle_info::lowest() const {
  std::optional<std::int64_t> low;
  for (const auto& q : quotas)
    if (!low || q.remaining < *low) low = q.remaining;
  return low;
}

throttle_info parse_throttle_headers(const http::header_map& headers) {
  throttle_info info;
  for (const auto& [name, value] : headers) {
    if (name.size() <= ratelimit_prefix.size() || !http::iequals(name.substr(0, ratelimit_prefix.size()), ratelimit_prefix))
      continue;
    std::string scope = to_lower(std::string_view(name).substr(ratelimit_prefix.size()));
    if (value.find(';') == std::string::npos) {
      if (auto n = to_int(value)) info.quotas.push_back({scope, {}, *n});
      continue;
    }
    // The resource-provider form: "Microsoft.Compute/HighCostGet3Min;107,Microsoft.Compute/HighCostGet30Min;587".
    std::string_view rest = value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      auto semi = item.rfind(';');
      if (semi == std::string_view::npos) continue;
      auto policy = trim(item.substr(0, semi));
      if (auto n = to_int(item.substr(semi + 1)); n && !policy.empty())
        info.quotas.push_back({scope, std::string(policy), *n});
    }
  }
  info.retry_after = parse_retry_after(headers);
  return info;
}

std::optional<std::chrono::milliseconds> parse_retry_after(const http::header_map& headers) {
  using std::chrono::milliseconds;
  for (auto name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (auto v = headers.get(name))
      if (auto n = to_int(*v); n && *n >= 0) return milliseconds(*n);
  }
  auto v = headers.get("retry-after");
  if (!v) return std::nullopt;
  if (auto n = to_int(*v)) {
    if (*n < 0) return std::nullopt;
    // Capped before multiplying so that absurd values cannot overflow; callers bound the real wait.
    return milliseconds(std::min<std::int64_t>(*n, std::numeric_limits<std::int32_t>::max()) * 1000);
  }
  auto at = parse_http_date(*v);
  if (!at) return std::nullopt;
  std::chrono::sys_seconds now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (auto date = headers.get("date"))
    if (auto server_now = parse_http_date(*date)) now = *server_now;
  if (*at <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(*at - now);
}

}  // namespace amlk8s::arm
