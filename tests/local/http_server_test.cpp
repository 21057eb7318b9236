#include <amlk8s/http/client.hpp>
#include <amlk8s/local/http_server.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = amlk8s::http;
namespace local = amlk8s::local;
using namespace std::chrono_literals;
using amlk8s::errc;

http::request get(const std::string& url) {
  http::request r;
  r.url = url;
  return r;
}

http::response text(std::string body, int status = 200) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

template <class F>
bool eventually(F condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// Sends raw bytes on a fresh connection and returns everything the server sends until it closes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(bytes));
  std::string out;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(out), ec);
  return out;
}

TEST(HttpServer, ListensOnAFreeLoopbackPort) {
  local::http_server server({}, local::synchronous([](const local::server_request&) { return text("ok"); }));
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()));
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "ok");
}

TEST(HttpServer, RefusesNonLoopbackAddresses) {
  local::server_options options;
  options.address = "0.0.0.0";
  try {
    local::http_server server(options, local::synchronous([](const local::server_request&) { return text(""); }));
    FAIL() << "expected an exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("server_options.address"), std::string::npos) << e.what();
  }
}

TEST(HttpServer, ReportsAPortInUse) {
  auto handler = local::synchronous([](const local::server_request&) { return text(""); });
  local::http_server first({}, handler);
  local::server_options options;
  options.port = first.port();
  try {
    local::http_server second(options, handler);
    FAIL() << "expected an exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::transport_error);
  }
}

TEST(HttpServer, TellsHandlersTheConnectionAndSequence) {
  local::http_server server({}, local::synchronous([](const local::server_request& r) {
    return text(std::to_string(r.connection_id) + "/" + std::to_string(r.sequence) + " " + r.message.url);
  }));
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/a?b=c")).body, "1/1 /a?b=c");
  EXPECT_EQ(c.send(get(server.url() + "/d")).body, "1/2 /d");
}

TEST(HttpServer, HandlersMayAnswerLaterFromAnotherThread) {
  std::mutex mutex;
  std::vector<std::thread> workers;
  local::http_server server({}, [&](local::server_request req, local::responder res) {
    std::lock_guard lock(mutex);
    workers.emplace_back([req = std::move(req), res = std::move(res)]() mutable {
      res.send(text("later " + req.message.url));
    });
  });
  {
    http::client c;
    EXPECT_EQ(c.send(get(server.url() + "/x")).body, "later /x");
    EXPECT_EQ(c.send(get(server.url() + "/y")).body, "later /y");
  }
  std::lock_guard lock(mutex);
  for (auto& t : workers) t.join();
}

TEST(HttpServer, DroppedResponderOrThrowingHandlerAnswers500) {
  local::http_server server({}, [](local::server_request req, local::responder res) {
    if (req.message.url == "/throw") throw std::runtime_error("boom");
    (void)res;  // dropped unanswered
  });
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/drop")).status, 500);
  EXPECT_EQ(c.send(get(server.url() + "/throw")).status, 500);
  EXPECT_EQ(server.stats().connections_accepted, 1u);
}

TEST(HttpServer, ConnectionCloseFromTheHandlerClosesTheConnection) {
  local::http_server server({}, local::synchronous([](const local::server_request&) {
    auto r = text("bye");
    r.headers.set("Connection", "close");
    return r;
  }));
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "bye");
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "bye");
  EXPECT_EQ(server.stats().connections_accepted, 2u);
}

TEST(HttpServer, AnswersUnknownMethodsWith501AndNormalisesAbsoluteTargets) {
  local::http_server server({}, local::synchronous([](const local::server_request& r) { return text(r.message.url); }));
  auto answer = raw_exchange(server.port(), "OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 501")) << answer;
  answer = raw_exchange(server.port(), "GET http://x.test/p?q=1 HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n/p?q=1")) << answer;
}

TEST(HttpServer, FaultsCanChangeWhileServing) {
  local::http_server server({}, local::synchronous([](const local::server_request&) { return text("ok"); }));
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/")).status, 200);
  local::fault_rule unavailable;
  unavailable.unavailable_fraction = 1;
  unavailable.retry_after = 2s;
  server.set_faults({1, {unavailable}});
  auto res = c.send(get(server.url() + "/"));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.headers.get("Retry-After"), "2");
  EXPECT_NE(res.body.find("ServiceUnavailable"), std::string::npos);
  server.set_faults({});
  EXPECT_EQ(c.send(get(server.url() + "/")).status, 200);
}

TEST(HttpServer, RequestLogSeesEveryAnswerIncludingFaultsWithSecretQueryValuesRedacted) {
  std::mutex mutex;
  std::vector<local::request_log_entry> entries;
  local::server_options options;
  options.on_request = [&](const local::request_log_entry& e) {
    std::lock_guard lock(mutex);
    entries.push_back(e);
  };
  local::http_server server(options, local::synchronous([](const local::server_request&) {
    auto res = text("ok");
    res.headers.set("x-ms-request-id", "rid-1");
    return res;
  }));
  http::client c;
  auto req = get(server.url() + "/subscriptions/s1?api-version=2021-04-01&sig=s3cr3t");
  req.headers.set("Authorization", "Bearer t0k3n");
  EXPECT_EQ(c.send(req).status, 200);
  local::fault_rule throttle;
  throttle.throttle_fraction = 1;
  throttle.max_hits = 1;
  server.set_faults({1, {throttle}});
  EXPECT_EQ(c.send(get(server.url() + "/a")).status, 429);
  local::fault_rule drop;
  drop.drop_fraction = 1;
  server.set_faults({1, {drop}});
  EXPECT_EQ(raw_exchange(server.port(), "DELETE /b HTTP/1.1\r\nHost: x\r\n\r\n"), "");

  std::lock_guard lock(mutex);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].method, "GET");
  EXPECT_EQ(entries[0].target, "/subscriptions/s1?api-version=2021-04-01&sig=***");
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].request_id, "rid-1");
  EXPECT_EQ(entries[1].target, "/a");
  EXPECT_EQ(entries[1].status, 429);
  EXPECT_EQ(entries[2].method, "DELETE");
  EXPECT_EQ(entries[2].status, 0);  // dropped
  for (const auto& e : entries) {
    EXPECT_EQ(e.target.find("s3cr3t"), std::string::npos);
    EXPECT_GE(e.duration.count(), 0);
  }
  EXPECT_EQ(server.faults().rules.size(), 1u);
  EXPECT_DOUBLE_EQ(server.faults().rules[0].drop_fraction, 1.0);
}

TEST(HttpServer, ClosesIdleKeepAliveConnections) {
  local::server_options options;
  options.idle_timeout = 250ms;  // long enough that a loaded machine still gets its first request in
  local::http_server server(options, local::synchronous([](const local::server_request&) { return text("ok"); }));
  http::client c;
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "ok");
  EXPECT_TRUE(eventually([&] { return server.stats().open_connections == 0; }));
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "ok");
  EXPECT_EQ(server.stats().connections_accepted, 2u);
}

TEST(HttpServer, StopsCleanlyWithRequestsWaitingOnInjectedLatency) {
  local::server_options options;
  local::fault_rule slow;
  slow.latency = 1h;
  options.faults.rules.push_back(slow);
  local::http_server server(options, local::synchronous([](const local::server_request&) { return text("ok"); }));
  http::client c;
  amlk8s::diagnostics diag;
  std::promise<amlk8s::error_code> done;
  http::async_send(c, get(server.url() + "/"), diag, [&](amlk8s::error_code ec, http::response) { done.set_value(ec); });
  ASSERT_TRUE(eventually([&] { return server.stats().requests == 1; }));
  server.stop();
  server.stop();
  EXPECT_EQ(done.get_future().get(), errc::transport_error);
  amlk8s::error_code after_stop;
  c.send(get(server.url() + "/"), after_stop, diag);
  EXPECT_EQ(after_stop, errc::transport_error);
}

TEST(HttpServer, ServesHttpsWithATestCaCertificate) {
  local::test_ca ca;
  local::server_options options;
  options.tls = ca.issue_server_certificate();
  local::http_server server(options, local::synchronous([](const local::server_request& r) {
    return text(r.tls ? "tls" : "plain");
  }));
  EXPECT_TRUE(server.url().starts_with("https://127.0.0.1:"));
  http::client_options client_options;
  client_options.ca_pem = ca.certificate_pem();
  http::client c(client_options);
  EXPECT_EQ(c.send(get(server.url() + "/")).body, "tls");
}

}  // namespace
