// The HTTP client against the in-process loopback server: pooling, bodies, timeouts, cancellation,
// failures, TLS and proxies. Nothing here asserts on timing; waits poll a condition.
#include "http/test_proxy.hpp"

#include <amlk8s/http/client.hpp>
#include <amlk8s/local/http_server.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace http = amlk8s::http;
namespace local = amlk8s::local;
using namespace std::chrono_literals;
using amlk8s::errc;

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

// Routes of the test server. Faults are added per test through fault rules on these paths.
http::response route(const local::server_request& r) {
  const auto& url = r.message.url;
  auto path = url.substr(0, url.find('?'));
  http::response res;
  res.status = 200;
  if (path == "/big" || path == "/truncated") {
    res.body = pattern(1 << 20);
  } else if (path == "/chunked") {
    res.headers.set("Transfer-Encoding", "chunked");
    res.body = pattern(100'000);
  } else if (path == "/echo") {
    auto length = r.message.headers.get("Content-Length");
    res.body = std::string(http::to_string(r.message.method)) + "\n" + std::string(length.value_or("-")) + "\n" +
               r.message.body;
  } else if (path == "/headers") {
    for (const auto& [name, value] : r.message.headers) res.body += name + ": " + value + "\n";
  } else if (path == "/sni") {
    res.body = "sni=" + r.server_name;
  } else if (path == "/missing") {
    res.status = 404;
    res.body = "no such thing";
  } else {
    res.body = "hello";
  }
  return res;
}

template <class F>
bool eventually(F condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

http::request get(const std::string& url) {
  http::request r;
  r.url = url;
  return r;
}

struct outcome {
  amlk8s::error_code ec;
  http::response res;
  amlk8s::diagnostics diag;
};

outcome send(http::client& c, http::request req) {
  outcome o;
  o.res = c.send(std::move(req), o.ec, o.diag);
  return o;
}

local::fault_rule rule(std::string prefix) {
  local::fault_rule r;
  r.path_prefix = std::move(prefix);
  return r;
}

class HttpClient : public ::testing::Test {
 protected:
  void start(local::server_options options = {}) {
    server_ = std::make_unique<local::http_server>(std::move(options), local::synchronous(route));
  }
  std::string url(const std::string& path) const { return server_->url() + path; }
  local::http_server& server() { return *server_; }

  std::unique_ptr<local::http_server> server_;
};

TEST_F(HttpClient, ReusesOneKeepAliveConnectionForSequentialRequests) {
  start();
  http::client c;
  for (int i = 0; i < 10; ++i) {
    auto res = c.send(get(url("/hello")));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "hello");
  }
  EXPECT_EQ(server().stats().connections_accepted, 1u);
  EXPECT_EQ(server().stats().requests, 10u);
}

TEST_F(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
  start();
  http::client c;
  auto o = send(c, get(url("/missing")));
  EXPECT_FALSE(o.ec);
  EXPECT_EQ(o.res.status, 404);
  EXPECT_EQ(o.res.body, "no such thing");
}

TEST_F(HttpClient, BoundsConnectionsPerHostAndQueuesTheRest) {
  local::server_options options;
  local::fault_rule slow = rule("/slow");
  slow.latency = 20ms;
  options.faults.rules.push_back(slow);
  start(std::move(options));
  http::client_options client_options;
  client_options.max_connections_per_host = 3;
  http::client c(client_options);

  std::vector<std::future<http::response>> results;
  std::vector<amlk8s::diagnostics> diags(24);
  for (std::size_t i = 0; i < diags.size(); ++i)
    results.push_back(http::async_send(c, get(url("/slow")), diags[i], asio::use_future));
  for (auto& f : results) EXPECT_EQ(f.get().status, 200);
  EXPECT_LE(server().stats().max_open_connections, 3u);
  EXPECT_LE(server().stats().connections_accepted, 3u);
  EXPECT_EQ(server().stats().requests, 24u);
}

TEST_F(HttpClient, ManyRequestsInFlightShareThePool) {
  start();
  http::client c;
  std::vector<std::future<http::response>> results;
  std::vector<amlk8s::diagnostics> diags(200);
  for (auto& d : diags) results.push_back(http::async_send(c, get(url("/hello")), d, asio::use_future));
  for (auto& f : results) EXPECT_EQ(f.get().body, "hello");
  EXPECT_LE(server().stats().connections_accepted, c.options().max_connections_per_host);
}

TEST_F(HttpClient, ReadsChunkedBodies) {
  start();
  http::client c;
  auto res = c.send(get(url("/chunked")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, pattern(100'000));
  EXPECT_EQ(res.headers.get("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(res.headers.contains("Content-Length"));
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(server().stats().connections_accepted, 1u);
}

TEST_F(HttpClient, ReadsContentLengthBodies) {
  start();
  http::client c;
  auto res = c.send(get(url("/big")));
  EXPECT_EQ(res.body, pattern(1 << 20));
  EXPECT_EQ(res.headers.get("Content-Length"), std::to_string(1 << 20));
}

TEST_F(HttpClient, SendsRequestBodiesWithContentLength) {
  start();
  http::client c;
  http::request req = get(url("/echo"));
  req.method = http::verb::put;
  req.body = pattern(200'000);
  auto res = c.send(req);
  EXPECT_EQ(res.body, "PUT\n200000\n" + pattern(200'000));

  req.method = http::verb::post;
  req.body.clear();
  EXPECT_EQ(c.send(req).body, "POST\n0\n");
}

TEST_F(HttpClient, SendsCallerHeadersAndTheHostHeader) {
  start();
  http::client c;
  http::request req = get(url("/headers"));
  req.headers.set("x-ms-client-request-id", "abc-123");
  auto body = c.send(req).body;
  EXPECT_NE(body.find("x-ms-client-request-id: abc-123\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Host: 127.0.0.1:" + std::to_string(server().port()) + "\n"), std::string::npos) << body;
}

TEST_F(HttpClient, RefusesHeadersThatWouldBreakTheMessage) {
  start();
  http::client c;
  http::request req = get(url("/headers"));
  req.headers.set("x-injected", "a\r\nHost: evil");
  auto o = send(c, req);
  EXPECT_EQ(o.ec, errc::invalid_argument);
  ASSERT_EQ(o.diag.validation.size(), 1u);
  EXPECT_EQ(o.diag.validation[0].field, "request.headers");
  EXPECT_EQ(server().stats().requests, 0u);
}

TEST_F(HttpClient, FramesTheBodyItselfWhateverTheCallerSaid) {
  start();
  http::client c;
  http::request req = get(url("/echo"));
  req.method = http::verb::post;
  req.body = "abc";
  req.headers.set("Content-Length", "999");
  req.headers.set("Transfer-Encoding", "chunked");
  EXPECT_EQ(c.send(req).body, "POST\n3\nabc");
}

TEST_F(HttpClient, HeadResponsesHaveNoBodyAndKeepTheConnection) {
  start();
  http::client c;
  http::request req = get(url("/big"));
  req.method = http::verb::head;
  auto res = c.send(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(server().stats().connections_accepted, 1u);
}

TEST_F(HttpClient, RequestTimeoutEndsASlowRequest) {
  local::server_options options;
  local::fault_rule slow = rule("/slow");
  slow.latency = 30s;
  options.faults.rules.push_back(slow);
  start(std::move(options));
  http::client_options client_options;
  client_options.request_timeout = 500ms;  // the follow-up request must fit in it on a loaded machine
  http::client c(client_options);
  auto o = send(c, get(url("/slow")));
  EXPECT_EQ(o.ec, errc::timeout);
  EXPECT_NE(o.diag.client_message.find("request_timeout"), std::string::npos) << o.diag.client_message;
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
}

TEST_F(HttpClient, ConnectTimeoutCoversTheTlsHandshake) {
  // A listener that never accepts: TCP connects (the kernel's backlog) but no TLS answer ever comes.
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  http::client_options options;
  options.connect_timeout = 100ms;
  http::client c(options);
  auto o = send(c, get("https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/"));
  EXPECT_EQ(o.ec, errc::timeout);
  EXPECT_NE(o.diag.client_message.find("connect_timeout"), std::string::npos) << o.diag.client_message;
}

TEST_F(HttpClient, ThrowsAmlk8sErrorFromTheBlockingForm) {
  http::client c;
  try {
    c.send(get("http://127.0.0.1:1/"));
    FAIL() << "expected an exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::transport_error);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
}

TEST_F(HttpClient, CancellationEndsTheRequestAndClosesItsConnection) {
  local::server_options options;
  local::fault_rule slow = rule("/slow");
  slow.latency = 30s;
  options.faults.rules.push_back(slow);
  start(std::move(options));
  http::client c;
  asio::cancellation_signal signal;
  amlk8s::diagnostics diag;
  std::promise<amlk8s::error_code> done;
  http::async_send(c, get(url("/slow")), diag,
                   asio::bind_cancellation_slot(signal.slot(), [&](amlk8s::error_code ec, http::response) {
                     done.set_value(ec);
                   }));
  ASSERT_TRUE(eventually([&] { return server().stats().requests == 1; }));
  // The signal belongs to the thread that runs the client's completions.
  asio::post(c.get_executor(), [&] { signal.emit(asio::cancellation_type::terminal); });
  EXPECT_EQ(done.get_future().get(), errc::cancelled);
  EXPECT_NE(diag.client_message.find("cancelled"), std::string::npos) << diag.client_message;

  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(server().stats().connections_accepted, 2u);
}

TEST_F(HttpClient, CancellationWhileQueuedForAConnection) {
  local::server_options options;
  local::fault_rule slow = rule("/slow");
  slow.latency = 30s;
  options.faults.rules.push_back(slow);
  start(std::move(options));
  http::client_options client_options;
  client_options.max_connections_per_host = 1;
  http::client c(client_options);

  asio::cancellation_signal first_signal;
  asio::cancellation_signal second_signal;
  amlk8s::diagnostics first_diag;
  amlk8s::diagnostics second_diag;
  std::promise<amlk8s::error_code> first;
  std::promise<amlk8s::error_code> second;
  http::async_send(c, get(url("/slow")), first_diag,
                   asio::bind_cancellation_slot(first_signal.slot(), [&](amlk8s::error_code ec, http::response) {
                     first.set_value(ec);
                   }));
  ASSERT_TRUE(eventually([&] { return server().stats().requests == 1; }));
  http::async_send(c, get(url("/hello")), second_diag,
                   asio::bind_cancellation_slot(second_signal.slot(), [&](amlk8s::error_code ec, http::response) {
                     second.set_value(ec);
                   }));
  asio::post(c.get_executor(), [&] { second_signal.emit(asio::cancellation_type::terminal); });
  EXPECT_EQ(second.get_future().get(), errc::cancelled);
  asio::post(c.get_executor(), [&] { first_signal.emit(asio::cancellation_type::terminal); });
  EXPECT_EQ(first.get_future().get(), errc::cancelled);
  EXPECT_EQ(server().stats().requests, 1u);
}

TEST_F(HttpClient, DestroyingTheClientCancelsRequestsInFlight) {
  local::server_options options;
  local::fault_rule slow = rule("/slow");
  slow.latency = 30s;
  options.faults.rules.push_back(slow);
  start(std::move(options));
  amlk8s::diagnostics diag;
  std::future<http::response> result;
  {
    http::client c;
    result = http::async_send(c, get(url("/slow")), diag, asio::use_future);
    ASSERT_TRUE(eventually([&] { return server().stats().requests == 1; }));
  }
  try {
    result.get();
    FAIL() << "expected an exception";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), errc::cancelled);
  }
}

TEST_F(HttpClient, RunsOnTheCallersExecutorWithCoroutines) {
  start();
  asio::io_context io;
  http::client c(io.get_executor());
  std::string body;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        amlk8s::diagnostics diag;
        auto res = co_await http::async_send(c, get(url("/hello")), diag, asio::use_awaitable);
        body = res.body;
        res = co_await http::async_send(c, get(url("/chunked")), diag, asio::use_awaitable);
        body += std::to_string(res.body.size());
      },
      asio::detached);
  io.run();
  EXPECT_EQ(body, "hello100000");
  EXPECT_EQ(server().stats().connections_accepted, 1u);
}

TEST_F(HttpClient, DroppedConnectionIsATransportError) {
  local::server_options options;
  local::fault_rule drop = rule("/drop");
  drop.drop_fraction = 1;
  options.faults.rules.push_back(drop);
  start(std::move(options));
  http::client c;
  auto o = send(c, get(url("/drop")));
  EXPECT_EQ(o.ec, errc::transport_error);
  EXPECT_NE(o.diag.client_message.find("closed the connection before answering"), std::string::npos)
      << o.diag.client_message;
}

TEST_F(HttpClient, TruncatedBodyIsATransportError) {
  local::server_options options;
  local::fault_rule truncate = rule("/truncated");
  truncate.truncate_fraction = 1;
  options.faults.rules.push_back(truncate);
  start(std::move(options));
  http::client c;
  auto o = send(c, get(url("/truncated")));
  EXPECT_EQ(o.ec, errc::transport_error);
  EXPECT_NE(o.diag.client_message.find("closed before the response was complete"), std::string::npos)
      << o.diag.client_message;
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
}

TEST_F(HttpClient, InjectedThrottlingArrivesAsA429Response) {
  local::server_options options;
  local::fault_rule throttle = rule("/");
  throttle.throttle_fraction = 1;
  throttle.retry_after = 7s;
  throttle.max_hits = 1;
  options.faults.rules.push_back(throttle);
  start(std::move(options));
  http::client c;
  auto res = c.send(get(url("/hello")));
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(res.headers.get("Retry-After"), "7");
  EXPECT_EQ(c.send(get(url("/hello"))).status, 200);
}

TEST_F(HttpClient, IdleConnectionClosedByTheServerIsNotReused) {
  start();
  http::client c;
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  server().close_connections();
  ASSERT_TRUE(eventually([&] { return server().stats().open_connections == 0; }));
  // A POST is never sent twice, so this passes only if the dead connection is noticed before sending.
  http::request post = get(url("/echo"));
  post.method = http::verb::post;
  post.body = "once";
  EXPECT_EQ(c.send(post).body, "POST\n4\nonce");
  EXPECT_EQ(server().stats().connections_accepted, 2u);
  // A GET may skip the check (it can be re-sent), but still ends up answered on a new connection.
  server().close_connections();
  ASSERT_TRUE(eventually([&] { return server().stats().open_connections == 0; }));
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(server().stats().connections_accepted, 3u);
}

TEST_F(HttpClient, StaleConnectionIsRetriedOnceOnAFreshOneForIdempotentRequests) {
  local::server_options options;
  local::fault_rule drop_once = rule("/drop-once");
  drop_once.drop_fraction = 1;
  drop_once.max_hits = 1;
  options.faults.rules.push_back(drop_once);
  start(std::move(options));
  http::client c;
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  // The server reads the request on the kept-alive connection and closes it without answering,
  // as a server that timed the connection out at that moment would.
  EXPECT_EQ(c.send(get(url("/drop-once"))).body, "hello");
  EXPECT_EQ(server().stats().connections_accepted, 2u);
  EXPECT_EQ(server().stats().requests, 3u);
}

TEST_F(HttpClient, StaleConnectionIsNotRetriedForAPost) {
  local::server_options options;
  local::fault_rule drop_once = rule("/drop-once");
  drop_once.drop_fraction = 1;
  drop_once.max_hits = 1;
  options.faults.rules.push_back(drop_once);
  start(std::move(options));
  http::client c;
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  http::request post = get(url("/drop-once"));
  post.method = http::verb::post;
  auto o = send(c, post);
  EXPECT_EQ(o.ec, errc::transport_error);
  EXPECT_EQ(server().stats().requests, 2u);

  post.safe_to_retry = true;  // the caller vouches for it: now it is re-sent
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  server().set_faults({0, {drop_once}});
  EXPECT_EQ(c.send(post).status, 200);
}

TEST_F(HttpClient, RefusesPlainHttpToNonLoopbackHosts) {
  http::client c;
  auto o = send(c, get("http://example.com/"));
  EXPECT_EQ(o.ec, errc::invalid_argument);
  ASSERT_EQ(o.diag.validation.size(), 1u);
  EXPECT_EQ(o.diag.validation[0].field, "client_options.allow_insecure_http");
  try {
    c.send(get("http://10.1.2.3/"));
    FAIL() << "expected an exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("allow_insecure_http"), std::string::npos) << e.what();
  }
}

TEST_F(HttpClient, RejectsMalformedUrlsBeforeSending) {
  http::client c;
  EXPECT_EQ(send(c, get("not a url")).ec, errc::invalid_argument);
  EXPECT_EQ(send(c, get("ftp://example.com/")).ec, errc::invalid_argument);
}

// --- TLS -------------------------------------------------------------------------------------

class HttpClientTls : public HttpClient {
 protected:
  void start_tls(const std::vector<std::string>& names = {"localhost", "127.0.0.1"}) {
    local::server_options options;
    options.tls = ca_.issue_server_certificate(names);
    start(std::move(options));
  }
  http::client_options trusting() const {
    http::client_options options;
    options.ca_pem = ca_.certificate_pem();
    return options;
  }

  local::test_ca ca_;
};

TEST_F(HttpClientTls, VerifiesTheServerWithTheTestCa) {
  start_tls();
  http::client c(trusting());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  EXPECT_EQ(c.send(get(url("/chunked"))).body, pattern(100'000));
  EXPECT_EQ(server().stats().connections_accepted, 1u);
  EXPECT_EQ(c.send(get("https://localhost:" + std::to_string(server().port()) + "/hello")).body, "hello");
}

TEST_F(HttpClientTls, SendsTheHostNameAsSniButNotAnAddress) {
  start_tls();
  http::client c(trusting());
  EXPECT_EQ(c.send(get("https://localhost:" + std::to_string(server().port()) + "/sni")).body, "sni=localhost");
  EXPECT_EQ(c.send(get(url("/sni"))).body, "sni=");
}

TEST_F(HttpClientTls, TakesTheCaFromAFile) {
  start_tls();
  auto path = std::filesystem::temp_directory_path() /
              ("amlk8s-ca-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               std::to_string(server().port()) + ".pem");
  ca_.write_certificate(path);
  http::client_options options;
  options.ca_file = path.string();
  http::client c(options);
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  std::filesystem::remove(path);
}

TEST_F(HttpClientTls, WrongHostNameFailsClearly) {
  start_tls({"other.example"});
  http::client c(trusting());
  auto o = send(c, get(url("/hello")));
  EXPECT_EQ(o.ec, errc::tls_error);
  EXPECT_NE(o.diag.client_message.find("not valid for the host name"), std::string::npos) << o.diag.client_message;

  auto by_name = send(c, get("https://localhost:" + std::to_string(server().port()) + "/hello"));
  EXPECT_EQ(by_name.ec, errc::tls_error);
  EXPECT_NE(by_name.diag.client_message.find("not valid for the host name"), std::string::npos)
      << by_name.diag.client_message;
}

TEST_F(HttpClientTls, UnknownCaFailsClearly) {
  start_tls();
  local::test_ca stranger("some other CA");
  http::client_options options;
  options.ca_pem = stranger.certificate_pem();
  http::client c(options);
  auto o = send(c, get(url("/hello")));
  EXPECT_EQ(o.ec, errc::tls_error);
  EXPECT_NE(o.diag.client_message.find("not issued by a trusted certificate authority"), std::string::npos)
      << o.diag.client_message;

  http::client system_roots{http::client_options{}};
  auto with_roots = send(system_roots, get(url("/hello")));
  EXPECT_EQ(with_roots.ec, errc::tls_error);
  EXPECT_NE(with_roots.diag.client_message.find("trusted certificate authority"), std::string::npos)
      << with_roots.diag.client_message;
}

TEST_F(HttpClientTls, TruncatedBodyOverTlsIsATransportError) {
  local::server_options options;
  options.tls = ca_.issue_server_certificate();
  local::fault_rule truncate = rule("/truncated");
  truncate.truncate_fraction = 1;
  options.faults.rules.push_back(truncate);
  start(std::move(options));
  http::client c(trusting());
  auto o = send(c, get(url("/truncated")));
  EXPECT_EQ(o.ec, errc::transport_error);
  EXPECT_NE(o.diag.client_message.find("closed before the response was complete"), std::string::npos)
      << o.diag.client_message;
}

// --- proxies ---------------------------------------------------------------------------------

TEST_F(HttpClientTls, TunnelsHttpsThroughAProxyWithConnect) {
  start_tls({"fake.test"});
  amlk8s::testing::test_proxy proxy(server().port());
  auto options = trusting();
  options.proxy = http::proxy_settings{};
  options.proxy->https_proxy = proxy.url();
  http::client c(options);
  auto target = "https://fake.test:" + std::to_string(server().port());
  EXPECT_EQ(c.send(get(target + "/hello")).body, "hello");
  EXPECT_EQ(c.send(get(target + "/chunked")).body, pattern(100'000));
  auto lines = proxy.request_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "CONNECT fake.test:" + std::to_string(server().port()) + " HTTP/1.1");
  EXPECT_EQ(proxy.authorizations()[0], "");
}

TEST_F(HttpClientTls, SendsProxyCredentialsFromTheProxyUrl) {
  start_tls({"fake.test"});
  amlk8s::testing::test_proxy proxy(server().port());
  auto options = trusting();
  options.proxy = http::proxy_settings{};
  options.proxy->https_proxy = "http://user:pa%20ss@" + proxy.url().substr(7);
  http::client c(options);
  EXPECT_EQ(c.send(get("https://fake.test:" + std::to_string(server().port()) + "/hello")).body, "hello");
  EXPECT_EQ(proxy.authorizations()[0], "Basic dXNlcjpwYSBzcw==");  // user:pa ss
}

TEST_F(HttpClientTls, ProxyRefusingTheTunnelIsATransportError) {
  start_tls({"fake.test"});
  amlk8s::testing::test_proxy proxy(server().port(), /*refuse=*/true);
  auto options = trusting();
  options.proxy = http::proxy_settings{};
  options.proxy->https_proxy = proxy.url();
  http::client c(options);
  auto o = send(c, get("https://fake.test:" + std::to_string(server().port()) + "/hello"));
  EXPECT_EQ(o.ec, errc::transport_error);
  EXPECT_NE(o.diag.client_message.find("HTTP 407"), std::string::npos) << o.diag.client_message;
}

TEST_F(HttpClient, SendsPlainHttpThroughAProxyInAbsoluteForm) {
  start();
  amlk8s::testing::test_proxy proxy(server().port());
  http::client_options options;
  options.allow_insecure_http = true;
  options.proxy = http::proxy_settings{};
  options.proxy->http_proxy = proxy.url();
  http::client c(options);
  auto target = "http://fake.test:" + std::to_string(server().port());
  EXPECT_EQ(c.send(get(target + "/hello?x=1")).body, "hello");
  auto lines = proxy.request_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "GET " + target + "/hello?x=1 HTTP/1.1");
}

TEST_F(HttpClientTls, NoProxyAndLoopbackConnectDirectly) {
  start_tls();
  amlk8s::testing::test_proxy proxy(server().port());
  auto options = trusting();
  options.proxy = http::proxy_settings{};
  options.proxy->https_proxy = proxy.url();
  options.proxy->no_proxy = "example.org, 192.0.2.0/24";
  options.connect_timeout = 300ms;
  http::client c(options);
  // Loopback never goes through a proxy.
  EXPECT_EQ(c.send(get(url("/hello"))).body, "hello");
  // A NO_PROXY address is tried directly (TEST-NET-1: unreachable, so it fails one way or another).
  auto o = send(c, get("https://192.0.2.1/"));
  EXPECT_TRUE(o.ec == errc::transport_error || o.ec == errc::timeout) << o.ec.message();
  EXPECT_TRUE(proxy.request_lines().empty());
}

TEST_F(HttpClient, ProxyWithAnUnsupportedSchemeIsRejected) {
  http::client_options options;
  options.proxy = http::proxy_settings{};
  options.proxy->https_proxy = "socks5://127.0.0.1:1080";
  http::client c(options);
  auto o = send(c, get("https://example.com/"));
  EXPECT_EQ(o.ec, errc::invalid_argument);
  ASSERT_EQ(o.diag.validation.size(), 1u);
  EXPECT_EQ(o.diag.validation[0].field, "HTTPS_PROXY");
}

}  // namespace
