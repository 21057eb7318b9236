// Streamed responses (http::async_send_streaming): through the real client against the loopback
// server, through the pipeline's policies, and through a sender that cannot stream.
#include "http/fakes.hpp"

#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/local/http_server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

namespace {

using namespace amlk8s_test;
namespace local = amlk8s::local;
using namespace std::chrono_literals;
using amlk8s::errc;

constexpr auto deadline = 20s;

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

http::request get(const std::string& url) {
  http::request r;
  r.url = url;
  return r;
}

// What a sink received: each call's data, and the status of the heads it saw.
struct pieces {
  std::mutex mutex;
  std::vector<std::string> data;
  std::vector<int> statuses;
  http::body_sink sink() {
    return [this](const http::response& head, std::string_view piece) {
      std::lock_guard lock(mutex);
      data.emplace_back(piece);
      statuses.push_back(head.status);
    };
  }
  std::string joined() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& d : data) out += d;
    return out;
  }
  std::size_t calls() {
    std::lock_guard lock(mutex);
    return data.size();
  }
};

// A body that sends nothing and ends at its time limit (or never).
class silent_body final : public local::body_stream {
 public:
  explicit silent_body(std::optional<std::chrono::milliseconds> limit) : limit_(limit) {}
  std::vector<std::string> poll() override { return {}; }
  void on_ready(std::function<void()>) override {}
  bool finished() const override { return false; }
  std::optional<std::chrono::milliseconds> time_limit() const override { return limit_; }

 private:
  std::optional<std::chrono::milliseconds> limit_;
};

class HttpClientStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<local::http_server>(local::server_options{}, [](local::server_request r, local::responder res) {
      http::response out;
      out.status = 200;
      const auto& url = r.message.url;
      if (url == "/chunked") {
        out.headers.set("Transfer-Encoding", "chunked");
        out.body = pattern(100'000);
      } else if (url == "/missing") {
        out.status = 404;
        out.body = "no such thing";
      } else if (url == "/stream-for-a-while") {
        res.stream(std::move(out), std::make_unique<silent_body>(1500ms));
        return;
      } else if (url == "/stream-forever") {
        res.stream(std::move(out), std::make_unique<silent_body>(std::nullopt));
        return;
      } else {
        out.body = "hello";
      }
      res.send(std::move(out));
    });
  }
  std::string url(const std::string& path) const { return server_->url() + path; }

  std::unique_ptr<local::http_server> server_;
};

TEST_F(HttpClientStreaming, DeliversTheHeadThenTheBodyPieceByPiece) {
  http::client c;
  pieces got;
  amlk8s::diagnostics diag;
  auto head = http::async_send_streaming(c, get(url("/chunked")), diag, got.sink(), asio::use_future).get();
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers.get("Transfer-Encoding"), "chunked");
  ASSERT_GE(got.calls(), 2u);
  EXPECT_TRUE(got.data.front().empty());  // the head, before any body
  EXPECT_EQ(got.joined(), pattern(100'000));
  for (int s : got.statuses) EXPECT_EQ(s, 200);
  // The connection goes back to the pool once the body has ended.
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

TEST_F(HttpClientStreaming, AnErrorAnswerStreamsToo) {
  http::client c;
  pieces got;
  amlk8s::diagnostics diag;
  auto head = http::async_send_streaming(c, get(url("/missing")), diag, got.sink(), asio::use_future).get();
  EXPECT_EQ(head.status, 404);
  EXPECT_EQ(got.joined(), "no such thing");
}

TEST_F(HttpClientStreaming, RequestTimeoutCoversOnlyTheWaitForTheHead) {
  http::client_options o;
  o.request_timeout = 500ms;
  http::client c(o);
  pieces got;
  amlk8s::diagnostics diag;
  auto done = http::async_send_streaming(c, get(url("/stream-for-a-while")), diag, got.sink(), asio::use_future);
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(done.get().status, 200);
  // An ordinary request for the same answer still times out: its limit covers the whole body.
  amlk8s::error_code ec;
  c.send(get(url("/stream-forever")), ec, diag);
  EXPECT_EQ(ec, errc::timeout) << diag.client_message;
}

TEST_F(HttpClientStreaming, CancellationEndsAStreamedResponse) {
  http::client c;
  pieces got;
  amlk8s::diagnostics diag;
  asio::cancellation_signal stop;
  auto done = http::async_send_streaming(c, get(url("/stream-forever")), diag, got.sink(),
                                         asio::bind_cancellation_slot(stop.slot(), asio::use_future));
  for (auto until = std::chrono::steady_clock::now() + deadline; got.calls() == 0 && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(5ms);
  ASSERT_EQ(got.calls(), 1u);  // the head
  asio::post(c.get_executor(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  try {
    done.get();
    ADD_FAILURE() << "not cancelled";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), errc::cancelled);
  }
}

TEST(HttpStreamingFallback, ASenderThatCannotStreamHandsTheWholeBodyOverAtTheEnd) {
  asio::io_context io;
  fake_sender transport(io.get_executor());
  transport.script.push_back(answer(200, {{"Content-Type", "application/json"}}, "{\"a\":1}\n{\"a\":2}\n"));
  pieces got;
  amlk8s::diagnostics diag;
  result r;
  http::async_send_streaming(transport, get("https://example.test/x"), diag, got.sink(), capture(r));
  io.run();
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_TRUE(r.resp.body.empty());
  ASSERT_EQ(got.data.size(), 2u);
  EXPECT_TRUE(got.data[0].empty());
  EXPECT_EQ(got.data[1], "{\"a\":1}\n{\"a\":2}\n");
}

TEST(HttpStreamingPipeline, PoliciesSetTheirHeadersAndTheAuthenticationPolicyRetriesA401Once) {
  asio::io_context io;
  auto transport = std::make_shared<fake_sender>(io.get_executor());
  transport->script.push_back(answer(401, {}, "expired token"));
  transport->script.push_back(answer(200, {}, "line\n"));
  auto auth = std::make_shared<fake_authorizer>(io.get_executor(), std::vector<std::string>{"old", "new"});
  std::vector<std::string> log;
  http::pipeline_options po;
  po.logging.sink = [&log](amlk8s::log_level, std::string_view line) { log.emplace_back(line); };
  http::pipeline p(transport, po, auth);
  pieces got;
  amlk8s::diagnostics diag;
  result r;
  http::async_send_streaming(p, get("https://example.test/watch"), diag, got.sink(), capture(r));
  io.run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_EQ(got.joined(), "line\n");  // the 401's body never reached the sink
  for (int s : got.statuses) EXPECT_EQ(s, 200);
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[1].headers.get("Authorization"), "Bearer new");
  EXPECT_TRUE(transport->requests[1].headers.contains("User-Agent"));
  EXPECT_TRUE(transport->requests[1].headers.contains("x-ms-client-request-id"));
  EXPECT_EQ(auth->invalidations, 1);
  bool streamed_line = false;
  for (const auto& line : log) streamed_line = streamed_line || line.find("body bytes streamed") != std::string::npos;
  EXPECT_TRUE(streamed_line);
}

TEST(HttpStreamingPipeline, AStreamedRequestIsNeverRetried) {
  asio::io_context io;
  auto transport = std::make_shared<fake_sender>(io.get_executor());
  transport->script.push_back(answer(503, {{"Retry-After", "0"}}, "busy"));
  http::pipeline p(transport);
  pieces got;
  amlk8s::diagnostics diag;
  result r;
  http::async_send_streaming(p, get("https://example.test/watch"), diag, got.sink(), capture(r));
  io.run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.resp.status, 503);
  EXPECT_EQ(transport->requests.size(), 1u);
  EXPECT_EQ(got.joined(), "busy");
}

}  // namespace
