#include <amlk8s/http/retry.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace amlk8s::http {
namespace {

using std::chrono::milliseconds;

// Far beyond any sane wait, and small enough that adding it to a time point cannot overflow.
constexpr std::int64_t max_wait_ms = std::int64_t{1} << 40;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A non-negative decimal integer with nothing around it.
std::optional<std::int64_t> parse_count(std::string_view s) noexcept {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > max_wait_ms) value = max_wait_ms;
  }
  return value;
}

bool is_cancellation(error_code ec) noexcept {
  return ec == errc::cancelled || ec == boost::asio::error::operation_aborted;
}

// ---- HTTP dates ----

std::optional<int> parse_digits(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<unsigned> parse_month(std::string_view s) noexcept {
  static constexpr std::array<std::string_view, 12> names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < names.size(); ++i)
    if (s == names[i]) return i + 1;
  return std::nullopt;
}

// "HH:MM:SS"
std::optional<std::chrono::seconds> parse_clock(std::string_view s) noexcept {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = parse_digits(s.substr(0, 2));
  auto m = parse_digits(s.substr(3, 2));
  auto sec = parse_digits(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return std::chrono::hours(*h) + std::chrono::minutes(*m) + std::chrono::seconds(*sec);
}

std::optional<std::chrono::system_clock::time_point> make_time(int year, unsigned month, int day,
                                                               std::chrono::seconds time_of_day) noexcept {
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + time_of_day;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    auto start = s.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    s.remove_prefix(start);
    auto end = std::min(s.find(' '), s.size());
    parts.push_back(s.substr(0, end));
    s.remove_prefix(end);
  }
  return parts;
}

}  // namespace

void validate(const retry_options& options) {
  std::vector<validation_issue> issues;
  if (options.max_retries < 0)
    issues.push_back({"retry_options.max_retries", "must not be negative, got " + std::to_string(options.max_retries),
                      "use 0 to turn retrying off"});
  if (options.base_delay.count() < 0)
    issues.push_back({"retry_options.base_delay", "must not be negative", "use a delay of 0 ms or more"});
  if (options.max_delay < options.base_delay)
    issues.push_back({"retry_options.max_delay", "must not be shorter than base_delay",
                      "raise max_delay or lower base_delay"});
  if (options.try_timeout.count() < 0)
    issues.push_back({"retry_options.try_timeout", "must not be negative", "use 0 for no limit per try"});
  if (options.operation_timeout.count() < 0)
    issues.push_back({"retry_options.operation_timeout", "must not be negative", "use 0 for no overall limit"});
  if (!issues.empty()) throw validation_error(std::move(issues));
}

bool is_safe_to_resend(const request& req) noexcept { return req.safe_to_retry.value_or(is_idempotent(req.method)); }

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) noexcept {
  try {
    text = trim(text);
    auto parts = split_spaces(text);
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (parts.size() == 6 && parts[0].size() == 4 && parts[0].back() == ',' && parts[5] == "GMT") {
      auto day = parse_digits(parts[1]);
      auto month = parse_month(parts[2]);
      auto year = parse_digits(parts[3]);
      auto clock = parse_clock(parts[4]);
      if (!day || parts[1].size() != 2 || !month || !year || parts[3].size() != 4 || !clock) return std::nullopt;
      return make_time(*year, *month, *day, *clock);
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (parts.size() == 4 && parts[0].size() > 1 && parts[0].back() == ',' && parts[3] == "GMT") {
      auto d = parts[1];
      if (d.size() != 9 || d[2] != '-' || d[6] != '-') return std::nullopt;
      auto day = parse_digits(d.substr(0, 2));
      auto month = parse_month(d.substr(3, 3));
      auto yy = parse_digits(d.substr(7, 2));
      auto clock = parse_clock(parts[2]);
      if (!day || !month || !yy || !clock) return std::nullopt;
      // RFC 9110: a two-digit year that appears more than 50 years ahead is in the past century.
      int year = 2000 + *yy;
      auto now_year = static_cast<int>(
          std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())).year());
      if (year > now_year + 50) year -= 100;
      return make_time(year, *month, *day, *clock);
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (parts.size() == 5 && parts[0].size() == 3) {
      auto month = parse_month(parts[1]);
      auto day = parse_digits(parts[2]);
      auto clock = parse_clock(parts[3]);
      auto year = parse_digits(parts[4]);
      if (!month || !day || parts[2].size() > 2 || !clock || !year || parts[4].size() != 4) return std::nullopt;
      return make_time(*year, *month, *day, *clock);
    }
  } catch (...) {
    // Only allocation can throw here; an unreadable date is treated as absent.
  }
  return std::nullopt;
}

std::optional<milliseconds> server_retry_delay(const header_map& headers, std::chrono::system_clock::time_point now) {
  for (std::string_view name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (auto v = headers.get(name))
      if (auto ms = parse_count(*v)) return milliseconds(*ms);
  }
  if (auto v = headers.get("Retry-After")) {
    if (auto seconds = parse_count(*v)) return milliseconds(std::min(*seconds * 1000, max_wait_ms));
    if (auto date = parse_http_date(*v)) {
      if (*date <= now) return milliseconds(0);
      auto wait = std::chrono::ceil<milliseconds>(*date - now);
      return milliseconds(std::min<std::int64_t>(wait.count(), max_wait_ms));
    }
  }
  return std::nullopt;
}

milliseconds backoff_delay(const retry_options& options, int retry, double jitter) noexcept {
  if (retry < 1) retry = 1;
  jitter = std::clamp(jitter, 0.0, 1.0);
  // In floating point: 2^(retry-1) overflows any integer long before the cap stops mattering.
  double window = static_cast<double>(options.base_delay.count()) * std::ldexp(1.0, std::min(retry - 1, 62));
  window = std::min(window, static_cast<double>(options.max_delay.count()));
  auto ms = static_cast<std::int64_t>(std::floor(window * jitter));
  return milliseconds(std::min<std::int64_t>(ms, options.max_delay.count()));
}

retry_decision decide_retry(const retry_options& options, const request& req, error_code ec, const response& resp,
                            const retry_state& state) {
  retry_decision d;
  if (!ec) {
    if (std::find(options.retry_statuses.begin(), options.retry_statuses.end(), resp.status) ==
        options.retry_statuses.end()) {
      d.reason = resp.status >= 200 && resp.status < 400 ? "success" : "status not retryable";
      return d;
    }
    if (!is_safe_to_resend(req)) {
      d.reason = "request not safe to resend";
      return d;
    }
    d.reason = "retryable status";
  } else if (ec == errc::connect_failed) {
    d.reason = "could not connect";
  } else if (ec == errc::transport_error || ec == errc::timeout) {
    if (!is_safe_to_resend(req)) {
      d.reason = "request not safe to resend";
      return d;
    }
    d.reason = ec == errc::timeout ? "try timed out" : "transport error";
  } else {
    d.reason = is_cancellation(ec) ? "cancelled" : "error not retryable";
    return d;
  }

  if (state.retries_done >= options.max_retries) {
    d.reason = "retries exhausted";
    return d;
  }
  std::optional<milliseconds> server = ec ? std::nullopt : server_retry_delay(resp.headers, state.now);
  milliseconds delay = server ? *server : backoff_delay(options, state.retries_done + 1, state.jitter);
  if (state.time_left && delay >= *state.time_left) {
    d.reason = "deadline would pass";
    return d;
  }
  d.retry = true;
  d.delay = delay;
  return d;
}

}  // namespace amlk8s::http
