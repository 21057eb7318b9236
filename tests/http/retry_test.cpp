// The retry decisions, without I/O.
#include <amlk8s/http/retry.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace {

namespace http = amlk8s::http;
using amlk8s::errc;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

http::request make(http::verb method, std::optional<bool> safe = std::nullopt) {
  http::request r;
  r.method = method;
  r.url = "https://management.azure.com/x";
  r.safe_to_retry = safe;
  return r;
}

http::response status(int code) {
  http::response r;
  r.status = code;
  return r;
}

http::retry_state first_try() {
  http::retry_state s;
  s.now = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + 12h;
  s.jitter = 0.5;
  return s;
}

TEST(RetryDecision, StatusMethodAndSafeFlagTable) {
  struct row {
    int status;
    http::verb method;
    std::optional<bool> safe;
    bool retry;
  };
  const row rows[] = {
      {200, http::verb::get, {}, false},    {201, http::verb::put, {}, false},
      {400, http::verb::get, {}, false},    {401, http::verb::get, {}, false},
      {404, http::verb::get, {}, false},    {409, http::verb::put, {}, false},
      {408, http::verb::get, {}, true},     {429, http::verb::get, {}, true},
      {500, http::verb::get, {}, true},     {502, http::verb::head, {}, true},
      {503, http::verb::put, {}, true},     {504, http::verb::delete_, {}, true},
      {501, http::verb::get, {}, false},    {505, http::verb::get, {}, false},
      {503, http::verb::post, {}, false},   {429, http::verb::post, {}, false},
      {503, http::verb::patch, {}, false},  {503, http::verb::post, true, true},
      {429, http::verb::patch, true, true}, {503, http::verb::get, false, false},
      {503, http::verb::delete_, false, false},
  };
  http::retry_options options;
  for (const auto& r : rows) {
    auto d = http::decide_retry(options, make(r.method, r.safe), {}, status(r.status), first_try());
    EXPECT_EQ(d.retry, r.retry) << r.status << " " << http::to_string(r.method) << " safe="
                                << (r.safe ? (*r.safe ? "true" : "false") : "unset") << " (" << d.reason << ")";
  }
}

TEST(RetryDecision, TransportFailures) {
  http::retry_options options;
  auto decide = [&](errc e, http::verb method, std::optional<bool> safe = std::nullopt) {
    return http::decide_retry(options, make(method, safe), e, {}, first_try()).retry;
  };
  // Nothing reached the server: any method.
  EXPECT_TRUE(decide(errc::connect_failed, http::verb::post));
  EXPECT_TRUE(decide(errc::connect_failed, http::verb::get, false));
  // The bytes may have reached the server.
  EXPECT_TRUE(decide(errc::transport_error, http::verb::get));
  EXPECT_TRUE(decide(errc::timeout, http::verb::put));
  EXPECT_FALSE(decide(errc::transport_error, http::verb::post));
  EXPECT_FALSE(decide(errc::timeout, http::verb::patch));
  EXPECT_TRUE(decide(errc::transport_error, http::verb::post, true));
  // Never.
  EXPECT_FALSE(decide(errc::cancelled, http::verb::get));
  EXPECT_FALSE(decide(errc::tls_error, http::verb::get));
  EXPECT_FALSE(decide(errc::invalid_argument, http::verb::get));
}

TEST(RetryDecision, AttemptsRunOut) {
  http::retry_options options;
  options.max_retries = 2;
  auto state = first_try();
  for (int done = 0; done <= 3; ++done) {
    state.retries_done = done;
    auto d = http::decide_retry(options, make(http::verb::get), {}, status(503), state);
    EXPECT_EQ(d.retry, done < 2) << done;
  }
  options.max_retries = 0;
  EXPECT_FALSE(http::decide_retry(options, make(http::verb::get), {}, status(503), first_try()).retry);
}

TEST(RetryDecision, HonoursRetryAfterSeconds) {
  auto resp = status(429);
  resp.headers.add("Retry-After", "7");
  auto d = http::decide_retry({}, make(http::verb::get), {}, resp, first_try());
  ASSERT_TRUE(d.retry);
  EXPECT_EQ(d.delay, 7s);
}

TEST(RetryDecision, HonoursRetryAfterHttpDate) {
  auto state = first_try();
  auto resp = status(503);
  // 2024-05-01 12:00:30 GMT is 30 s after state.now.
  resp.headers.add("Retry-After", "Wed, 01 May 2024 12:00:30 GMT");
  auto d = http::decide_retry({}, make(http::verb::get), {}, resp, state);
  ASSERT_TRUE(d.retry);
  EXPECT_EQ(d.delay, 30s);
  // A date in the past: retry now.
  resp.headers.set("Retry-After", "Wed, 01 May 2024 11:00:00 GMT");
  EXPECT_EQ(http::decide_retry({}, make(http::verb::get), {}, resp, state).delay, 0ms);
}

TEST(RetryDecision, HonoursMillisecondHeadersFirst) {
  auto now = first_try().now;
  http::header_map h;
  h.add("Retry-After", "5");
  h.add("x-ms-retry-after-ms", "250");
  EXPECT_EQ(http::server_retry_delay(h, now), 250ms);
  h.add("retry-after-ms", "120");
  EXPECT_EQ(http::server_retry_delay(h, now), 120ms);
  // The server's value wins over the computed back-off, even past the cap.
  http::retry_options options;
  options.max_delay = 1s;
  http::response resp = status(503);
  resp.headers.add("Retry-After", "90");
  EXPECT_EQ(http::decide_retry(options, make(http::verb::get), {}, resp, first_try()).delay, 90s);
}

TEST(RetryDecision, IgnoresMalformedRetryAfter) {
  auto now = first_try().now;
  for (std::string_view bad : {"", "-3", "1.5", "soon", "Wed, 32 May 2024 12:00:00 GMT", "12 s"}) {
    http::header_map h;
    h.add("Retry-After", std::string(bad));
    EXPECT_FALSE(http::server_retry_delay(h, now).has_value()) << bad;
  }
  http::header_map h;
  h.add("retry-after-ms", "abc");
  h.add("Retry-After", "2");
  EXPECT_EQ(http::server_retry_delay(h, now), 2s);
}

TEST(RetryDecision, ParsesAllThreeHttpDateForms) {
  auto expected = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(http::parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_FALSE(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 PST").has_value());
  EXPECT_FALSE(http::parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(http::parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT").has_value());
}

TEST(RetryBackoff, FullJitterWindowDoublesUpToTheCap) {
  http::retry_options options;  // 800 ms base, 60 s cap
  EXPECT_EQ(http::backoff_delay(options, 1, 0.0), 0ms);
  EXPECT_EQ(http::backoff_delay(options, 1, 0.5), 400ms);
  EXPECT_EQ(http::backoff_delay(options, 2, 0.5), 800ms);
  EXPECT_EQ(http::backoff_delay(options, 3, 0.5), 1600ms);
  EXPECT_EQ(http::backoff_delay(options, 8, 0.5), 30s);   // 800 ms * 128 > 60 s: capped window
  EXPECT_EQ(http::backoff_delay(options, 200, 0.5), 30s);  // no overflow however many retries
  for (int retry = 1; retry <= 12; ++retry) {
    auto window = std::min<std::int64_t>(800LL << (retry - 1), 60'000);
    for (double jitter : {0.0, 0.1, 0.37, 0.5, 0.9, 0.999999}) {
      auto d = http::backoff_delay(options, retry, jitter).count();
      EXPECT_GE(d, 0) << retry << " " << jitter;
      EXPECT_LE(d, window) << retry << " " << jitter;
    }
  }
  options.base_delay = 10ms;
  options.max_delay = 25ms;
  EXPECT_EQ(http::backoff_delay(options, 3, 0.999999), 24ms);
}

TEST(RetryDecision, StopsWhenTheWaitWouldPassTheDeadline) {
  auto state = first_try();
  auto resp = status(503);
  resp.headers.add("Retry-After", "10");
  state.time_left = 5s;
  auto d = http::decide_retry({}, make(http::verb::get), {}, resp, state);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.reason, "deadline would pass");
  state.time_left = 11s;
  EXPECT_TRUE(http::decide_retry({}, make(http::verb::get), {}, resp, state).retry);
}

TEST(RetryOptions, InvalidValuesAreRejectedWithTheFieldName) {
  http::retry_options options;
  options.max_retries = -1;
  options.max_delay = 1ms;
  try {
    http::validate(options);
    FAIL() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_EQ(e.diag().validation.size(), 2u);
    EXPECT_EQ(e.diag().validation[0].field, "retry_options.max_retries");
    EXPECT_EQ(e.diag().validation[1].field, "retry_options.max_delay");
  }
  EXPECT_NO_THROW(http::validate(http::retry_options{}));
}

}  // namespace
