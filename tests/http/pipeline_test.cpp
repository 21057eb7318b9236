// The composed pipeline over a scripted transport: what reaches the wire, in which order.
#include <amlk8s/http/pipeline.hpp>

#include "fakes.hpp"

#include <amlk8s/core/version.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace {

using namespace amlk8s_test;
using amlk8s::errc;
using namespace std::chrono_literals;

http::pipeline_options fast_options() {
  http::pipeline_options o;
  o.retry.base_delay = 1ms;
  o.retry.max_delay = 2ms;
  return o;
}

std::vector<std::string> header_names(const http::request& r) {
  std::vector<std::string> names;
  for (const auto& [name, value] : r.headers) names.push_back(name);
  return names;
}

struct Pipeline : ::testing::Test {
  asio::io_context ctx;
  fake_sender transport{ctx.get_executor()};
  fake_authorizer auth{ctx.get_executor(), {"token-one", "token-two"}};
  amlk8s::diagnostics diag;
  result r;
};

TEST_F(Pipeline, SetsHeadersInPolicyOrder) {
  auto options = fast_options();
  options.application_id = "fleet-manager/2.1";
  http::pipeline p(transport, options, &auth);
  auto req = get();
  req.headers.set("Accept", "application/json");
  http::async_send(p, req, diag, capture(r));
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec);
  ASSERT_EQ(transport.requests.size(), 1u);
  const auto& sent = transport.requests[0];
  EXPECT_EQ(header_names(sent), (std::vector<std::string>{"Accept", "x-ms-client-request-id",
                                                          "x-ms-return-client-request-id", "User-Agent",
                                                          "Authorization"}));
  EXPECT_EQ(sent.headers.get("x-ms-return-client-request-id"), "true");
  EXPECT_EQ(sent.headers.get("Authorization"), "Bearer token-one");
  auto ua = std::string(*sent.headers.get("User-Agent"));
  EXPECT_TRUE(ua.starts_with("amlk8s/" AMLK8S_VERSION_STRING " (")) << ua;
  EXPECT_TRUE(ua.ends_with(") fleet-manager/2.1")) << ua;
  EXPECT_EQ(diag.client_request_id, sent.headers.get("x-ms-client-request-id"));
}

TEST_F(Pipeline, WithoutAnAuthorizerSendsNoCredentials) {
  http::pipeline p(transport, fast_options());
  http::async_send(p, get(), diag, capture(r));
  ctx.run();
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_FALSE(transport.requests[0].headers.contains("Authorization"));
}

TEST_F(Pipeline, KeepsTheClientRequestIdAcrossRetries) {
  transport.script = {answer(503), answer(429, {{"retry-after-ms", "1"}}), answer(200)};
  http::pipeline p(transport, fast_options(), &auth);
  http::async_send(p, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 200);
  ASSERT_EQ(transport.requests.size(), 3u);
  auto id = transport.requests[0].headers.get("x-ms-client-request-id");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->size(), 36u);
  for (const auto& sent : transport.requests) EXPECT_EQ(sent.headers.get("x-ms-client-request-id"), id);
  EXPECT_EQ(diag.client_request_id, *id);
  // Each try asks the credential again (it may have expired during the wait).
  EXPECT_EQ(auth.calls, 3);
}

TEST_F(Pipeline, KeepsACallerSuppliedClientRequestId) {
  http::pipeline p(transport, fast_options());
  auto req = get();
  req.headers.set("x-ms-client-request-id", "caller-chosen");
  http::async_send(p, req, diag, capture(r));
  ctx.run();
  EXPECT_EQ(transport.requests.at(0).headers.get("x-ms-client-request-id"), "caller-chosen");
  EXPECT_EQ(diag.client_request_id, "caller-chosen");
}

TEST_F(Pipeline, EachOperationGetsItsOwnRequestId) {
  http::pipeline p(transport, fast_options());
  result r2;
  amlk8s::diagnostics d2;
  http::async_send(p, get(), diag, capture(r));
  http::async_send(p, get(), d2, capture(r2));
  ctx.run();
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_NE(transport.requests[0].headers.get("x-ms-client-request-id"),
            transport.requests[1].headers.get("x-ms-client-request-id"));
}

TEST_F(Pipeline, ReauthorizesOnceAfter401) {
  transport.script = {answer(401, {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}}), answer(200)};
  http::pipeline p(transport, fast_options(), &auth);
  http::async_send(p, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 200);
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(transport.requests[0].headers.get("Authorization"), "Bearer token-one");
  EXPECT_EQ(transport.requests[1].headers.get("Authorization"), "Bearer token-two");
  EXPECT_EQ(transport.requests[0].headers.get("x-ms-client-request-id"),
            transport.requests[1].headers.get("x-ms-client-request-id"));
  EXPECT_EQ(auth.invalidations, 1);
}

TEST_F(Pipeline, CancellationPassesThroughEveryPolicy) {
  transport.script = {hang()};
  http::pipeline p(transport, fast_options(), &auth);
  asio::cancellation_signal signal;
  http::async_send(p, get(), diag, asio::bind_cancellation_slot(signal.slot(), capture(r)));
  ctx.poll();
  ASSERT_EQ(transport.requests.size(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  ctx.restart();
  ctx.run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, errc::cancelled);
  EXPECT_EQ(transport.cancellations, 1);
}

TEST_F(Pipeline, OwnsASharedTransportAndAuthorizer) {
  auto shared_transport = std::make_shared<fake_sender>(ctx.get_executor());
  auto shared_auth = std::make_shared<fake_authorizer>(ctx.get_executor(), std::vector<std::string>{"t"});
  std::weak_ptr<fake_sender> watch = shared_transport;
  {
    http::pipeline p(shared_transport, fast_options(), shared_auth);
    shared_transport.reset();
    http::pipeline moved = std::move(p);
    http::async_send(moved, get(), diag, capture(r));
    ctx.run();
    EXPECT_EQ(r.resp.status, 200);
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_TRUE(watch.expired());
  EXPECT_THROW(http::pipeline(std::shared_ptr<http::sender>{}), amlk8s::error);
}

TEST_F(Pipeline, RejectsInvalidOptions) {
  auto options = fast_options();
  options.application_id = "bad\r\nX-Injected: 1";
  EXPECT_THROW(http::pipeline(transport, options), amlk8s::error);
  options = fast_options();
  options.retry.max_retries = -1;
  EXPECT_THROW(http::pipeline(transport, options), amlk8s::error);
}

}  // namespace
