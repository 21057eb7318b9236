// The authentication policy over a scripted transport and credential.
#include <amlk8s/http/authentication_policy.hpp>

#include "fakes.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace {

using namespace amlk8s_test;
using amlk8s::errc;

struct AuthenticationPolicy : ::testing::Test {
  asio::io_context ctx;
  fake_sender transport{ctx.get_executor()};
  fake_authorizer auth{ctx.get_executor(), {"token-one", "token-two"}};
  amlk8s::diagnostics diag;
  result r;

  void run() {
    ctx.restart();
    ctx.run();
  }
};

TEST_F(AuthenticationPolicy, SetsTheAuthorizationHeader) {
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, get(), diag, capture(r));
  run();
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(transport.requests.at(0).headers.get("Authorization"), "Bearer token-one");
}

TEST_F(AuthenticationPolicy, ReauthorizesOnceAfter401) {
  transport.script = {answer(401), answer(200)};
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, get(), diag, capture(r));
  run();
  EXPECT_EQ(r.resp.status, 200);
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(transport.requests[1].headers.get("Authorization"), "Bearer token-two");
  EXPECT_EQ(auth.invalidations, 1);
  EXPECT_EQ(auth.calls, 2);
}

TEST_F(AuthenticationPolicy, ASecond401IsTheAnswer) {
  transport.script = {answer(401), answer(401), answer(200)};
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, get(), diag, capture(r));
  run();
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.resp.status, 401);
  EXPECT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(auth.invalidations, 1);
}

TEST_F(AuthenticationPolicy, DoesNotResendAnUnsafePostAfter401) {
  transport.script = {answer(401), answer(200)};
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, with_method(http::verb::post), diag, capture(r));
  run();
  EXPECT_EQ(r.resp.status, 401);
  EXPECT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(auth.invalidations, 0);

  transport.requests.clear();
  transport.script = {answer(401), answer(200)};
  result r2;
  http::async_send(policy, with_method(http::verb::post, true), diag, capture(r2));
  run();
  EXPECT_EQ(r2.resp.status, 200);
  EXPECT_EQ(transport.requests.size(), 2u);
}

TEST_F(AuthenticationPolicy, RefusesCredentialsOverPlainHttpToARemoteHost) {
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, get("http://management.example.com/x?sig=SECRET"), diag, capture(r));
  EXPECT_FALSE(r.done);  // never completes inside the initiating call
  run();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, errc::invalid_argument);
  EXPECT_TRUE(transport.requests.empty());
  EXPECT_EQ(auth.calls, 0);
  ASSERT_EQ(diag.validation.size(), 1u);
  EXPECT_EQ(diag.validation[0].field, "url");
  EXPECT_NE(diag.validation[0].fix.find("https://"), std::string::npos);
  EXPECT_EQ(diag.to_string().find("SECRET"), std::string::npos) << diag.to_string();
}

TEST_F(AuthenticationPolicy, AllowsPlainHttpToLoopbackOrWhenTheCallerAllowsIt) {
  http::authentication_policy policy(transport, auth);
  for (auto url : {"http://localhost:8080/x", "http://127.0.0.1/x", "http://[::1]:9000/x"}) {
    result each;
    http::async_send(policy, get(url), diag, capture(each));
    run();
    EXPECT_FALSE(each.ec) << url;
  }
  EXPECT_EQ(transport.requests.size(), 3u);

  http::authentication_policy trusting(transport, auth, true);
  http::async_send(trusting, get("http://cluster.internal/x"), diag, capture(r));
  run();
  EXPECT_FALSE(r.ec);
  EXPECT_TRUE(transport.requests.back().headers.contains("Authorization"));
}

TEST_F(AuthenticationPolicy, AuthorizerFailureEndsTheOperation) {
  auth.fail_with = errc::authentication_failed;
  http::authentication_policy policy(transport, auth);
  http::async_send(policy, get(), diag, capture(r));
  run();
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_EQ(diag.client_message, "no credential available");
  EXPECT_TRUE(transport.requests.empty());
}

TEST_F(AuthenticationPolicy, RejectsAHeaderValueWithLineBreaks) {
  fake_authorizer broken(ctx.get_executor(), {"abc\r\nX-Injected: 1"});
  http::authentication_policy policy(transport, broken);
  http::async_send(policy, get(), diag, capture(r));
  run();
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_TRUE(transport.requests.empty());
}

TEST(PlainHttp, TellsLoopbackFromRemoteHosts) {
  EXPECT_TRUE(http::is_plain_http_to_remote_host("http://example.com/x"));
  EXPECT_TRUE(http::is_plain_http_to_remote_host("HTTP://10.0.0.1:8080"));
  EXPECT_TRUE(http::is_plain_http_to_remote_host("http://127.0.0.1.evil.com/"));
  EXPECT_TRUE(http::is_plain_http_to_remote_host("http://localhost@evil.com/"));
  EXPECT_TRUE(http::is_plain_http_to_remote_host("http://[fe80::1]/"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("https://example.com/x"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("http://localhost/x"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("http://LOCALHOST:1234"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("http://127.5.6.7?x"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("http://user:pw@127.0.0.1/"));
  EXPECT_FALSE(http::is_plain_http_to_remote_host("http://[::1]/"));
}

}  // namespace
