// What the logging policy writes: enough to debug a call, never a secret.
#include <amlk8s/http/logging_policy.hpp>
#include <amlk8s/http/pipeline.hpp>

#include "fakes.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace {

using namespace amlk8s_test;
using amlk8s::errc;
using amlk8s::log_level;
using namespace std::chrono_literals;

constexpr std::string_view jwt = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA";

struct LoggingPolicy : ::testing::Test {
  asio::io_context ctx;
  fake_sender transport{ctx.get_executor()};
  amlk8s::diagnostics diag;
  result r;
  std::vector<std::pair<log_level, std::string>> lines;

  amlk8s::log_sink sink() {
    return [this](log_level level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
  }
  std::string all() const {
    std::string text;
    for (const auto& [level, line] : lines) text += std::string(amlk8s::to_string(level)) + ": " + line + "\n";
    return text;
  }
};

TEST_F(LoggingPolicy, LogsRequestAndResponseWithoutSecrets) {
  transport.script = {answer(200,
                             {{"x-ms-request-id", "server-rid"},
                              {"Set-Cookie", "session=COOKIE-SECRET"},
                              {"Location", "https://h/op?api-version=1&sig=LOCATION-SIG"}},
                             R"({"access_token":"RESPONSE-TOKEN"})")};
  http::logging_options options;
  options.sink = sink();
  http::logging_policy policy(transport, options);
  auto req = get("https://acct.blob.core.windows.net/c/b?api-version=2024-01-01&sig=URL-SIG&se=2030");
  req.method = http::verb::put;
  req.headers.set("Authorization", "Bearer " + std::string(jwt));
  req.headers.set("x-ms-client-request-id", "rid-1");
  req.headers.set("x-api-key", "HEADER-KEY");
  req.body = R"({"properties":{"configurationProtectedSettings":{"k":"PROTECTED"}}})";
  req.body_is_secret = true;
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  ASSERT_TRUE(r.done);
  auto text = all();
  EXPECT_NE(text.find("PUT https://acct.blob.core.windows.net/c/b?api-version=2024-01-01&sig=***&se=***"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("x-ms-client-request-id: rid-1"), std::string::npos) << text;
  EXPECT_NE(text.find("Authorization: ***"), std::string::npos) << text;
  EXPECT_NE(text.find("HTTP response: 200"), std::string::npos) << text;
  EXPECT_NE(text.find("x-ms-request-id: server-rid"), std::string::npos) << text;
  EXPECT_NE(text.find(" ms"), std::string::npos) << text;
  for (std::string_view secret : {std::string_view("eyJ"), jwt.substr(40), std::string_view("URL-SIG"),
                                  std::string_view("HEADER-KEY"), std::string_view("COOKIE-SECRET"),
                                  std::string_view("LOCATION-SIG"), std::string_view("PROTECTED"),
                                  std::string_view("RESPONSE-TOKEN")})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  // Bodies are off by default.
  EXPECT_EQ(text.find("body"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, LogsBodiesOnlyWhenAskedAndRedacted) {
  transport.script = {answer(200, {}, R"({"keys":[{"value":"STORAGE-KEY"}],"name":"acct"})")};
  http::logging_options options;
  options.sink = sink();
  options.log_bodies = true;
  http::logging_policy policy(transport, options);
  auto req = get();
  req.method = http::verb::put;
  req.body = R"({"properties":{"configurationSettings":{"enableTraining":"True"},)"
             R"("configurationProtectedSettings":{"sslKey":"PEM-SECRET"}}})";
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  auto text = all();
  EXPECT_NE(text.find(R"(debug: HTTP request body: {"properties":{"configurationSettings":{"enableTraining":"True"},)"
                      R"("configurationProtectedSettings":"***"}})"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(debug: HTTP response body: {"keys":"***","name":"acct"})"), std::string::npos) << text;
  EXPECT_EQ(text.find("PEM-SECRET"), std::string::npos) << text;
  EXPECT_EQ(text.find("STORAGE-KEY"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, NeverLogsABodyMarkedSecret) {
  http::logging_options options;
  options.sink = sink();
  options.log_bodies = true;
  http::logging_policy policy(transport, options);
  auto req = get("https://login.microsoftonline.com/t/oauth2/v2.0/token");
  req.method = http::verb::post;
  req.body = "grant_type=client_credentials&client_id=app&client_secret=FORM-SECRET&scope=x";
  req.body_is_secret = true;
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  auto text = all();
  EXPECT_NE(text.find("HTTP request body: (secret, "), std::string::npos) << text;
  EXPECT_EQ(text.find("FORM-SECRET"), std::string::npos) << text;
  EXPECT_EQ(text.find("client_id"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, CutsLongBodies) {
  transport.script = {answer(200, {}, std::string(10'000, 'x'))};
  http::logging_options options;
  options.sink = sink();
  options.log_bodies = true;
  options.max_body_bytes = 100;
  http::logging_policy policy(transport, options);
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  auto text = all();
  EXPECT_NE(text.find("... (10000 bytes in all)"), std::string::npos) << text;
  EXPECT_LT(text.size(), 1000u);
}

TEST_F(LoggingPolicy, LogsFailuresWithTheRedactedReason) {
  transport.script = {failure(errc::transport_error, "reset after sending Authorization: Bearer abc.def.ghi")};
  http::logging_options options;
  options.sink = sink();
  http::logging_policy policy(transport, options);
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.ec, errc::transport_error);
  auto text = all();
  EXPECT_NE(text.find("warning: HTTP request failed: GET https://management.azure.com/subscriptions"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("transport error"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc.def.ghi"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, ExtraAllowListsWidenButNeverRevealCredentials) {
  transport.script = {answer(503, {{"x-custom-trace", "trace-1"}})};
  http::logging_options options;
  options.sink = sink();
  options.allowed_headers = {"x-custom-*", "Authorization"};
  options.allowed_query_parameters = {"tenant"};
  http::logging_policy policy(transport, options);
  auto req = get("https://h/p?tenant=contoso&code=AUTH-CODE");
  req.headers.set("Authorization", "Bearer LEAK");
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  auto text = all();
  EXPECT_NE(text.find("x-custom-trace: trace-1"), std::string::npos) << text;
  EXPECT_NE(text.find("?tenant=contoso&code=***"), std::string::npos) << text;
  EXPECT_NE(text.find("warning: HTTP response: 503"), std::string::npos) << text;
  EXPECT_EQ(text.find("LEAK"), std::string::npos) << text;
  EXPECT_EQ(text.find("AUTH-CODE"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, PipelineLogsEveryTryAndRetryWithoutTheToken) {
  transport.script = {answer(503), answer(200)};
  fake_authorizer auth(ctx.get_executor(), {std::string(jwt)});
  http::pipeline_options options;
  options.retry.base_delay = 1ms;
  options.retry.max_delay = 1ms;
  options.logging.sink = sink();
  http::pipeline p(transport, options, &auth);
  http::async_send(p, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 200);
  auto text = all();
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("HTTP request: GET"), 2u) << text;
  EXPECT_EQ(count("retry 1 of 3"), 1u) << text;
  EXPECT_EQ(count(diag.client_request_id), 3u) << text;  // both tries and the retry line
  EXPECT_EQ(text.find("eyJ"), std::string::npos) << text;
}

TEST_F(LoggingPolicy, WithoutASinkIsSilentAndTransparent) {
  http::logging_policy policy(transport, {});
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  EXPECT_EQ(r.resp.status, 200);
  EXPECT_TRUE(lines.empty());
}

}  // namespace
