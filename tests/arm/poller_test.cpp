// The poller driving real (scripted) requests and timers: completion, failure, progress, resume
// tokens, timeout and cancellation. Delays are set to zero or a millisecond so that nothing here
// depends on wall-clock time.
#include <amlk8s/arm/poller.hpp>

#include "fake_sender.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace {

namespace arm = amlk8s::arm;
namespace asio = boost::asio;
namespace http = amlk8s::http;
using amlk8s::diagnostics;
using amlk8s::errc;
using amlk8s::error_code;
using amlk8s::test::answer;
using amlk8s::test::fake_sender;
using amlk8s::test::json_answer;
using std::chrono::milliseconds;

const std::string ext_path =
    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/"
    "Microsoft.KubernetesConfiguration/extensions/azureml";
const std::string ext_url = "https://management.azure.com" + ext_path + "?api-version=2024-11-01";
const std::string status_url = "https://management.azure.com" + ext_path + "/operations/op1?api-version=2024-11-01";

arm::client_options fast_options() {
  arm::client_options o;
  o.polling.timing = arm::lro_timing{milliseconds(0), milliseconds(0)};
  return o;
}

arm::request put_request() {
  return arm::request{.method = http::verb::put,
                      .path = ext_path,
                      .body = boost::json::parse(R"({"properties":{"extensionType":"microsoft.azureml.kubernetes"}})")};
}

struct Poller : ::testing::Test {
  asio::io_context ioc;
  fake_sender sender{ioc.get_executor()};
  arm::client client{sender, fast_options()};
  diagnostics diag;

  // Runs async_begin to completion.
  arm::poller begin(arm::request req, error_code expected = {}) {
    arm::poller out;
    bool called = false;
    arm::async_begin(client, std::move(req), diag, [&](error_code ec, arm::poller p) {
      called = true;
      EXPECT_EQ(ec, expected) << diag.to_string();
      out = std::move(p);
    });
    ioc.run();
    ioc.restart();
    EXPECT_TRUE(called);
    return out;
  }

  // Runs async_wait to completion.
  std::pair<error_code, boost::json::value> wait(arm::poller& p) {
    std::pair<error_code, boost::json::value> out;
    bool called = false;
    p.async_wait([&](error_code ec, boost::json::value v) {
      called = true;
      out = {ec, std::move(v)};
    });
    EXPECT_FALSE(called) << "completed inside the initiating call";
    ioc.run();
    ioc.restart();
    EXPECT_TRUE(called);
    return out;
  }

  void script_create_with_async_operation() {
    sender.push(json_answer(201, R"({"properties":{"provisioningState":"Creating"}})",
                            {{"Azure-AsyncOperation", status_url}, {"Retry-After", "15"}}));
    sender.push(json_answer(200, R"({"status":"Creating"})"));
    sender.push(json_answer(200, R"({"status":"InProgress"})"));
    sender.push(json_answer(200, R"({"status":"Succeeded"})"));
    sender.push(json_answer(200, R"({"name":"azureml","properties":{"provisioningState":"Succeeded"}})"));
  }
};

TEST_F(Poller, WaitsThroughAsyncOperationAndFinalGet) {
  script_create_with_async_operation();
  auto p = begin(put_request());
  ASSERT_TRUE(p.valid());
  EXPECT_FALSE(p.done());
  EXPECT_EQ(p.status(), "Creating");

  std::vector<std::string> seen;
  p.options().on_progress = [&](std::string_view status, milliseconds elapsed) {
    EXPECT_GE(elapsed.count(), 0);
    seen.emplace_back(status);
  };
  auto [ec, result] = wait(p);
  ASSERT_FALSE(ec) << p.diag().to_string();
  EXPECT_EQ(result.at("name"), "azureml");
  EXPECT_TRUE(p.done());
  EXPECT_TRUE(p.succeeded());
  EXPECT_EQ(p.result().at("name"), "azureml");
  EXPECT_EQ(seen, (std::vector<std::string>{"Creating", "InProgress", "Succeeded", "Succeeded"}));
  EXPECT_EQ(sender.urls(), (std::vector<std::string>{ext_url, status_url, status_url, status_url, ext_url}));
  EXPECT_EQ(sender.sent()[1].method, http::verb::get);
}

TEST_F(Poller, PollOnceTakesOneStep) {
  script_create_with_async_operation();
  auto p = begin(put_request());
  for (int i = 0; i < 4; ++i) {
    error_code ec = amlk8s::make_error_code(errc::protocol_error);
    p.async_poll_once([&](error_code e) { ec = e; });
    ioc.run();
    ioc.restart();
    EXPECT_FALSE(ec);
    EXPECT_EQ(sender.sent().size(), static_cast<std::size_t>(i + 2));
  }
  EXPECT_TRUE(p.succeeded());
}

TEST_F(Poller, FailedOperationReportsTheServiceError) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"Failed","error":{"code":"ExtensionOperationFailed","message":"helm"}})",
                          {{"x-ms-request-id", "rid"}}));
  auto p = begin(put_request());
  auto [ec, result] = wait(p);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::operation_failed));
  EXPECT_TRUE(result.is_null());
  EXPECT_TRUE(p.done());
  EXPECT_FALSE(p.succeeded());
  EXPECT_EQ(p.diag().service_code, "ExtensionOperationFailed");
  EXPECT_EQ(p.diag().request_id, "rid");
  // Waiting again gives the same answer without another request.
  auto again = wait(p);
  EXPECT_EQ(again.first, amlk8s::make_error_code(errc::operation_failed));
  EXPECT_EQ(sender.sent().size(), 2u);
}

TEST_F(Poller, PollErrorKeepsDiagnosticsOfTheHttpAnswer) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(answer{503, {{"x-ms-request-id", "r503"}}, "<html>upstream down</html>", {}, false});
  sender.push(json_answer(200, R"({"status":"Succeeded"})"));
  sender.push(json_answer(200, R"({"ok":1})"));
  auto p = begin(put_request());
  auto [ec, result] = wait(p);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::service_error));
  EXPECT_EQ(p.diag().http_status, 503);
  EXPECT_NE(p.diag().service_message.find("upstream down"), std::string::npos);
  EXPECT_FALSE(p.done());
  // A transient failure leaves the operation resumable.
  auto [ec2, result2] = wait(p);
  EXPECT_FALSE(ec2);
  EXPECT_EQ(result2.at("ok"), 1);
  EXPECT_TRUE(p.diag().empty());
}

TEST_F(Poller, FirstAnswerErrorCompletesBeginWithAFailedPoller) {
  sender.push(json_answer(409, R"({"error":{"code":"Conflict","message":"another operation is in progress"}})"));
  auto p = begin(put_request(), amlk8s::make_error_code(errc::conflict));
  ASSERT_TRUE(p.valid());
  EXPECT_TRUE(p.done());
  EXPECT_FALSE(p.succeeded());
  EXPECT_EQ(diag.service_code, "Conflict");
  EXPECT_EQ(p.diag().service_code, "Conflict");
}

TEST_F(Poller, TransportFailureOnBeginGivesAnEmptyPoller) {
  sender.push(answer{0, {}, "", amlk8s::make_error_code(errc::transport_error), false});
  auto p = begin(put_request(), amlk8s::make_error_code(errc::transport_error));
  EXPECT_FALSE(p.valid());
  EXPECT_THROW(p.async_wait([](error_code, boost::json::value) {}), amlk8s::error);
}

TEST_F(Poller, ImmediateSuccessNeedsNoPolling) {
  sender.push(json_answer(200, R"({"properties":{"provisioningState":"Succeeded"},"id":"x"})"));
  auto p = begin(put_request());
  EXPECT_TRUE(p.succeeded());
  auto [ec, result] = wait(p);  // still asynchronous, never inline
  EXPECT_FALSE(ec);
  EXPECT_EQ(result.at("id"), "x");
  EXPECT_EQ(sender.sent().size(), 1u);
}

TEST_F(Poller, DeleteWithLocation) {
  sender.push(answer{202, {{"Location", status_url}}, "", {}, false});
  sender.push(answer{202, {}, "", {}, false});
  sender.push(answer{204, {}, "", {}, false});
  auto p = begin(arm::client::make_request(http::verb::delete_, ext_path, nullptr));
  auto [ec, result] = wait(p);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(result.is_null());
  EXPECT_EQ(sender.urls(), (std::vector<std::string>{ext_url, status_url, status_url}));
}

TEST_F(Poller, ResumeTokenContinuesElsewhere) {
  sender.push(json_answer(201, R"({"properties":{"provisioningState":"Creating"}})",
                          {{"Azure-AsyncOperation", status_url}}));
  auto first = begin(put_request());
  std::string token = first.resume_token();

  // Another client (another process, as far as the poller knows) on another executor.
  asio::io_context other_ioc;
  fake_sender other_sender(other_ioc.get_executor());
  other_sender.push(json_answer(200, R"({"status":"Succeeded"})"));
  other_sender.push(json_answer(200, R"({"name":"azureml"})"));
  arm::client other_client(other_sender, fast_options());
  auto resumed = arm::poller::from_resume_token(other_client, token);
  EXPECT_EQ(resumed.status(), "Creating");
  boost::json::value result;
  resumed.async_wait([&](error_code ec, boost::json::value v) {
    EXPECT_FALSE(ec);
    result = std::move(v);
  });
  other_ioc.run();
  EXPECT_EQ(result.at("name"), "azureml");
  EXPECT_EQ(other_sender.urls(), (std::vector<std::string>{status_url, ext_url}));
  EXPECT_THROW(arm::poller::from_resume_token(other_client, "not-a-token"), amlk8s::error);
}

TEST_F(Poller, TimeoutStopsWaitingButKeepsTheOperation) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"InProgress"})"));
  sender.repeat_last();
  auto p = begin(put_request());
  p.options().timing = arm::lro_timing{milliseconds(1), milliseconds(1)};
  p.options().timeout = milliseconds(20);
  auto [ec, result] = wait(p);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::timeout));
  EXPECT_NE(p.diag().client_message.find("InProgress"), std::string::npos) << p.diag().client_message;
  EXPECT_FALSE(p.done());
  EXPECT_GE(sender.sent().size(), 2u);
}

TEST_F(Poller, TimeoutCancelsARequestInFlight) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(answer{0, {}, "", {}, true});
  auto p = begin(put_request());
  p.options().timeout = milliseconds(5);
  auto [ec, result] = wait(p);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::timeout));
  EXPECT_EQ(sender.cancellations(), 1);
  EXPECT_FALSE(sender.hanging());

  // The operation can still be waited for.
  sender.push(json_answer(200, R"({"status":"Succeeded"})"));
  sender.push(json_answer(200, R"({"done":true})"));
  p.options().timeout = milliseconds(0);
  auto [ec2, result2] = wait(p);
  EXPECT_FALSE(ec2) << p.diag().to_string();
  EXPECT_EQ(result2.at("done"), true);
}

TEST_F(Poller, CancellationReachesTheRequestInFlight) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(answer{0, {}, "", {}, true});
  auto p = begin(put_request());
  asio::cancellation_signal signal;
  error_code ec;
  bool called = false;
  p.async_wait(asio::bind_cancellation_slot(signal.slot(), [&](error_code e, boost::json::value) {
    called = true;
    ec = e;
  }));
  while (!sender.hanging()) ioc.run_one();
  signal.emit(asio::cancellation_type::terminal);
  ioc.run();
  ioc.restart();
  EXPECT_TRUE(called);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::cancelled));
  EXPECT_EQ(sender.cancellations(), 1);
  EXPECT_FALSE(p.done());
  EXPECT_NE(p.diag().client_message.find("cancelled"), std::string::npos);
}

TEST_F(Poller, CancellationStopsTheDelayBetweenPolls) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"InProgress"})", {{"Retry-After", "3600"}}));
  auto p = begin(put_request());
  // The first poll goes out at once; after it, the poller waits an hour unless cancelled.
  p.options().timing = arm::lro_timing{milliseconds(0), std::chrono::hours(2)};
  asio::cancellation_signal signal;
  p.options().on_progress = [&](std::string_view, milliseconds) {
    // Runs before the delay starts; the posted emit runs once the timer waits.
    asio::post(ioc, [&] { signal.emit(asio::cancellation_type::total); });
  };
  error_code ec;
  p.async_wait(asio::bind_cancellation_slot(signal.slot(), [&](error_code e, boost::json::value) { ec = e; }));
  ioc.run();
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::cancelled));
  EXPECT_EQ(sender.sent().size(), 2u);
  EXPECT_EQ(p.status(), "InProgress");
}

TEST_F(Poller, OneWaitAtATime) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"Succeeded"})"));
  sender.push(json_answer(200, R"({"n":1})"));
  auto p = begin(put_request());
  error_code first, second;
  p.async_wait([&](error_code e, boost::json::value) { first = e; });
  p.async_wait([&](error_code e, boost::json::value) { second = e; });
  ioc.run();
  EXPECT_FALSE(first);
  EXPECT_EQ(second, amlk8s::make_error_code(errc::invalid_argument));
}

TEST_F(Poller, AwaitableWait) {
  script_create_with_async_operation();
  boost::json::value result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        diagnostics d;
        arm::poller p = co_await arm::async_begin(client, put_request(), d, asio::use_awaitable);
        result = co_await p.async_wait(asio::use_awaitable);
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(result.at("name"), "azureml");
}

TEST_F(Poller, AwaitableFailureThrows) {
  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"Canceled"})"));
  bool threw = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        diagnostics d;
        arm::poller p = co_await arm::async_begin(client, put_request(), d, asio::use_awaitable);
        try {
          co_await p.async_wait(asio::use_awaitable);
        } catch (const boost::system::system_error& e) {
          threw = e.code() == amlk8s::make_error_code(errc::operation_failed);
        }
      },
      asio::detached);
  ioc.run();
  EXPECT_TRUE(threw);
}

TEST_F(Poller, BlockingBeginAndWait) {
  script_create_with_async_operation();
  auto guard = asio::make_work_guard(ioc);
  std::thread io([this] { ioc.run(); });
  arm::poller p = arm::begin(client, put_request());
  boost::json::value result = p.wait();
  EXPECT_EQ(result.at("name"), "azureml");

  sender.push(json_answer(201, "{}", {{"Azure-AsyncOperation", status_url}}));
  sender.push(json_answer(200, R"({"status":"Failed","error":{"code":"Boom","message":"it broke"}})"));
  arm::poller failing = arm::begin(client, put_request());
  try {
    failing.wait();
    ADD_FAILURE() << "no exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::operation_failed);
    EXPECT_EQ(e.diag().service_code, "Boom");
  }
  guard.reset();
  io.join();
}

}  // namespace
