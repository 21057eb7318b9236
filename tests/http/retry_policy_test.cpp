// The retry policy over a scripted transport: tries, waits, cancellation and deadlines.
#include <amlk8s/http/retry_policy.hpp>

#include "fakes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace {

using namespace amlk8s_test;
using amlk8s::errc;
using namespace std::chrono_literals;

// Small delays keep the tests fast; nothing here depends on how long a wait really took.
http::retry_options fast(int retries = 3) {
  http::retry_options o;
  o.max_retries = retries;
  o.base_delay = 1ms;
  o.max_delay = 5ms;
  return o;
}

struct RetryPolicy : ::testing::Test {
  asio::io_context ctx;
  fake_sender transport{ctx.get_executor()};
  amlk8s::diagnostics diag;
  result r;
};

TEST_F(RetryPolicy, RetriesTransientStatusesUntilSuccess) {
  transport.script = {answer(503), answer(500), answer(200)};
  http::retry_policy policy(transport, fast());
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(RetryPolicy, ReturnsTheLastResponseWhenRetriesRunOutOn429) {
  transport.script = {answer(429), answer(429), answer(429), answer(200)};
  http::retry_policy policy(transport, fast(2));
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.resp.status, 429);
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(RetryPolicy, ResendsTheSameRequest) {
  transport.script = {answer(503), answer(200)};
  http::retry_policy policy(transport, fast());
  auto req = get();
  req.headers.set("x-ms-client-request-id", "fixed-id");
  req.method = http::verb::put;
  req.body = R"({"a":1})";
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  ASSERT_EQ(transport.requests.size(), 2u);
  for (const auto& sent : transport.requests) {
    EXPECT_EQ(sent.headers, req.headers);
    EXPECT_EQ(sent.body, req.body);
    EXPECT_EQ(sent.url, req.url);
  }
}

TEST_F(RetryPolicy, NeverResendsAPostThatMayHaveArrived) {
  transport.script = {answer(503), answer(200)};
  http::retry_policy policy(transport, fast());
  http::async_send(policy, with_method(http::verb::post), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 503);
  EXPECT_EQ(transport.requests.size(), 1u);

  transport.requests.clear();
  transport.script = {failure(errc::transport_error, "connection reset by peer"), answer(200)};
  result r2;
  http::async_send(policy, with_method(http::verb::post), diag, capture(r2));
  ctx.restart();
  ctx.run();
  EXPECT_EQ(r2.ec, errc::transport_error);
  EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(RetryPolicy, ResendsAPostTheCallerMarkedSafe) {
  transport.script = {answer(503), failure(errc::transport_error), answer(202)};
  http::retry_policy policy(transport, fast());
  http::async_send(policy, with_method(http::verb::post, true), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 202);
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(RetryPolicy, ResendsAPostAfterAConnectFailure) {
  transport.script = {failure(errc::connect_failed, "connection refused"), answer(201)};
  http::retry_policy policy(transport, fast());
  http::async_send(policy, with_method(http::verb::post), diag, capture(r));
  ctx.run();
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.resp.status, 201);
  EXPECT_EQ(transport.requests.size(), 2u);
  // The failed try's message does not outlive it.
  EXPECT_TRUE(diag.client_message.empty()) << diag.client_message;
}

TEST_F(RetryPolicy, ReportsTheLastErrorWhenRetriesRunOut) {
  transport.script = {failure(errc::transport_error, "reset"), failure(errc::transport_error, "reset"),
                      failure(errc::transport_error, "reset again")};
  http::retry_policy policy(transport, fast(2));
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.ec, errc::transport_error);
  EXPECT_EQ(transport.requests.size(), 3u);
  EXPECT_NE(diag.client_message.find("reset again"), std::string::npos) << diag.client_message;
  EXPECT_NE(diag.client_message.find("gave up after 2 retries"), std::string::npos) << diag.client_message;
}

TEST_F(RetryPolicy, HonoursServerDelayHeaders) {
  transport.script = {answer(429, {{"retry-after-ms", "2"}}), answer(503, {{"x-ms-retry-after-ms", "1"}}),
                      answer(503, {{"Retry-After", "0"}}), answer(200)};
  http::retry_policy policy(transport, fast());
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_EQ(transport.requests.size(), 4u);
}

TEST_F(RetryPolicy, CancellationDuringBackOffEndsTheOperation) {
  transport.script = {answer(503), answer(200)};
  auto options = fast();
  options.base_delay = 30s;  // only a cancellation ends this wait before the test times out
  options.max_delay = 60s;
  http::retry_policy policy(transport, options);
  asio::cancellation_signal signal;
  http::async_send(policy, get(), diag, asio::bind_cancellation_slot(signal.slot(), capture(r)));
  // Run until the first try is answered and the back-off timer is waiting.
  while (transport.requests.empty()) ctx.run_one();
  ctx.poll();
  ASSERT_FALSE(r.done);
  signal.emit(asio::cancellation_type::terminal);
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, errc::cancelled);
  EXPECT_EQ(transport.requests.size(), 1u);
  signal.emit(asio::cancellation_type::terminal);  // after completion: nothing left to cancel
}

TEST_F(RetryPolicy, CancellationDuringATryReachesTheTransport) {
  transport.script = {hang()};
  http::retry_policy policy(transport, fast());
  asio::cancellation_signal signal;
  http::async_send(policy, get(), diag, asio::bind_cancellation_slot(signal.slot(), capture(r)));
  ctx.poll();
  ASSERT_EQ(transport.requests.size(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  ctx.restart();  // poll ran out of work, which stops an io_context
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, errc::cancelled);
  EXPECT_EQ(transport.cancellations, 1);
  EXPECT_EQ(transport.requests.size(), 1u);  // a cancelled try is not retried
}

TEST_F(RetryPolicy, ATryThatTakesTooLongIsCancelledAndRetried) {
  transport.script = {hang(), hang()};
  auto options = fast(1);
  options.try_timeout = 5ms;
  http::retry_policy policy(transport, options);
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.ec, errc::timeout);
  EXPECT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(transport.cancellations, 2);
}

TEST_F(RetryPolicy, NoRetryWhoseWaitWouldPassTheOperationDeadline) {
  transport.script = {answer(503, {{"Retry-After", "3600"}}), answer(200)};
  auto options = fast();
  options.operation_timeout = 10s;
  http::retry_policy policy(transport, options);
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.resp.status, 503);
  EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(RetryPolicy, TheOperationDeadlineCancelsARunningTry) {
  transport.script = {hang()};
  auto options = fast();
  options.operation_timeout = 5ms;
  http::retry_policy policy(transport, options);
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.ec, errc::timeout);
  EXPECT_EQ(transport.requests.size(), 1u);
  EXPECT_NE(diag.client_message.find("operation timed out"), std::string::npos) << diag.client_message;
}

TEST_F(RetryPolicy, CompletesOnTheHandlersExecutor) {
  transport.script = {answer(503), answer(200)};
  http::retry_policy policy(transport, fast());
  // The handler belongs to another io_context, run by another thread; the transport and the timers
  // stay on ctx.
  asio::io_context other;
  auto ctx_work = asio::make_work_guard(ctx);
  auto other_work = asio::make_work_guard(other);
  std::thread io_thread([this] { ctx.run(); });
  std::thread handler_thread([&] { other.run(); });
  const auto handler_thread_id = handler_thread.get_id();
  std::promise<std::thread::id> ran_on;
  http::async_send(policy, get(), diag, asio::bind_executor(other, [&](amlk8s::error_code ec, http::response resp) {
                     capture(r)(ec, std::move(resp));
                     ran_on.set_value(std::this_thread::get_id());
                   }));
  auto id = ran_on.get_future().get();
  ctx_work.reset();
  other_work.reset();
  io_thread.join();
  handler_thread.join();
  EXPECT_EQ(id, handler_thread_id);
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_EQ(transport.requests.size(), 2u);
}

TEST_F(RetryPolicy, LogsEachRetryWithoutSecrets) {
  transport.script = {failure(errc::transport_error, "reset while sending Bearer abc.def.ghi"), answer(200)};
  std::string log;
  http::retry_policy policy(transport, fast(), [&](amlk8s::log_level, std::string_view line) {
    log += line;
    log += '\n';
  });
  auto req = get("https://a.blob.core.windows.net/c/b?sig=SIGNATURE&api-version=1");
  req.headers.set("x-ms-client-request-id", "rid-7");
  diag.client_request_id = "rid-7";
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  EXPECT_NE(log.find("retry 1 of 3 for GET https://a.blob.core.windows.net/c/b?sig=***&api-version=1"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("rid-7"), std::string::npos) << log;
  EXPECT_EQ(log.find("SIGNATURE"), std::string::npos) << log;
  EXPECT_EQ(log.find("abc.def.ghi"), std::string::npos) << log;
}

TEST_F(RetryPolicy, WorksWithFuturesAndCoroutines) {
  transport.script = {answer(500), answer(200), answer(502), answer(204)};
  http::retry_policy policy(transport, fast());
  auto future = http::async_send(policy, get(), diag, asio::use_future);
  std::thread runner([this] { ctx.run(); });
  EXPECT_EQ(future.get().status, 200);
  runner.join();

  ctx.restart();
  int status = 0;
  asio::co_spawn(
      ctx,
      [&]() -> asio::awaitable<void> {
        amlk8s::diagnostics d;
        auto resp = co_await http::async_send(policy, get(), d, asio::use_awaitable);
        status = resp.status;
      },
      asio::detached);
  ctx.run();
  EXPECT_EQ(status, 204);
}

TEST(RetryPolicyOptions, InvalidOptionsAreRejectedAtConstruction) {
  asio::io_context ctx;
  fake_sender transport(ctx.get_executor());
  http::retry_options options;
  options.max_retries = -2;
  EXPECT_THROW(http::retry_policy(transport, options), amlk8s::error);
}

}  // namespace
