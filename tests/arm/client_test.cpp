#include <amlk8s/arm/client.hpp>

#include "fake_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
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

const std::string ext_path =
    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/"
    "Microsoft.KubernetesConfiguration/extensions/azureml";

struct ArmClient : ::testing::Test {
  asio::io_context ioc;
  fake_sender sender{ioc.get_executor()};
  diagnostics diag;

  // Runs one async_send to completion.
  std::pair<error_code, arm::response> run(const arm::client& c, arm::request req) {
    std::pair<error_code, arm::response> out;
    bool called = false;
    c.async_send(std::move(req), diag, [&](error_code ec, arm::response r) {
      called = true;
      out = {ec, std::move(r)};
    });
    EXPECT_FALSE(called) << "completed inside the initiating call";
    ioc.run();
    ioc.restart();
    EXPECT_TRUE(called);
    return out;
  }
};

TEST_F(ArmClient, GetAddsTheProvidersApiVersionAndParsesTheAnswer) {
  arm::client c(sender);
  sender.push(json_answer(200, R"({"name":"azureml","properties":{"provisioningState":"Succeeded"}})",
                          {{"x-ms-ratelimit-remaining-subscription-reads", "11998"}, {"x-ms-request-id", "r-1"}}));
  auto [ec, res] = run(c, arm::client::make_request(http::verb::get, ext_path, nullptr));
  ASSERT_FALSE(ec) << diag.to_string();
  ASSERT_EQ(sender.sent().size(), 1u);
  EXPECT_EQ(sender.sent()[0].url, "https://management.azure.com" + ext_path + "?api-version=2024-11-01");
  EXPECT_EQ(sender.sent()[0].headers.get("Accept"), "application/json");
  EXPECT_EQ(sender.sent()[0].method, http::verb::get);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body.at("name"), "azureml");
  EXPECT_EQ(res.throttle.remaining("subscription-reads"), 11998);
  EXPECT_EQ(res.request_id(), "r-1");
}

TEST_F(ArmClient, PutSendsJsonBodyAndKeepsTheSecretFlag) {
  arm::client c(sender);
  sender.push(json_answer(201, R"({"properties":{"provisioningState":"Creating"}})"));
  arm::request req{.method = http::verb::put,
                   .path = ext_path,
                   .body = boost::json::parse(R"({"properties":{"extensionType":"microsoft.azureml.kubernetes"}})"),
                   .body_is_secret = true};
  auto [ec, res] = run(c, std::move(req));
  ASSERT_FALSE(ec);
  const auto& sent = sender.sent().at(0);
  EXPECT_EQ(sent.method, http::verb::put);
  EXPECT_EQ(sent.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(boost::json::parse(sent.body).at("properties").at("extensionType"), "microsoft.azureml.kubernetes");
  EXPECT_TRUE(sent.body_is_secret);
  EXPECT_EQ(res.status, 201);
}

TEST_F(ArmClient, ExplicitVersionQueryAndEncoding) {
  arm::client_options opts;
  opts.endpoint = "http://127.0.0.1:8443/";
  arm::client c(sender, opts);
  sender.push(json_answer(200, "{}"));
  sender.push(json_answer(200, "{}"));
  arm::request req{.method = http::verb::delete_,
                   .path = "/subscriptions/s/resourceGroups/my rg/providers/Microsoft.MachineLearningServices/"
                           "workspaces/w/computes/k8s",
                   .api_version = "2024-10-01",
                   .query = {{"underlyingResourceAction", "Detach"}}};
  run(c, req);
  EXPECT_EQ(sender.sent().at(0).url,
            "http://127.0.0.1:8443/subscriptions/s/resourceGroups/my%20rg/providers/Microsoft.MachineLearningServices/"
            "workspaces/w/computes/k8s?api-version=2024-10-01&underlyingResourceAction=Detach");
  // An api-version already in the path's query is kept as it is, whatever its letter case.
  run(c, arm::client::make_request(http::verb::get, "/subscriptions/s/resourceGroups/rg?api-Version=2019-01-01", nullptr));
  EXPECT_EQ(sender.sent().at(1).url, "http://127.0.0.1:8443/subscriptions/s/resourceGroups/rg?api-Version=2019-01-01");
}

TEST_F(ArmClient, UnknownProviderIsRejectedBeforeAnyRequest) {
  arm::client c(sender);
  auto [ec, res] = run(c, arm::client::make_request(
                              http::verb::get, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Relay/namespaces/n",
                              nullptr));
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::invalid_argument));
  EXPECT_NE(diag.client_message.find("Microsoft.Relay"), std::string::npos) << diag.client_message;
  EXPECT_TRUE(sender.sent().empty());
}

TEST_F(ArmClient, MalformedPathIsRejectedBeforeAnyRequest) {
  arm::client c(sender);
  auto [ec, res] = run(c, arm::client::make_request(http::verb::get, "/subscriptions//resourceGroups/rg", nullptr));
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::invalid_argument));
  EXPECT_TRUE(sender.sent().empty());
}

TEST_F(ArmClient, ErrorAnswerCompletesWithConditionResponseAndDiagnostics) {
  arm::client c(sender);
  sender.push(json_answer(404, R"({"error":{"code":"ResourceNotFound","message":"gone"}})",
                          {{"x-ms-request-id", "rid"}, {"x-ms-correlation-request-id", "cid"}}));
  arm::request req = arm::client::make_request(http::verb::get, ext_path, nullptr);
  req.headers.set("x-ms-client-request-id", "mine");
  auto [ec, res] = run(c, req);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::not_found));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body.at("error").at("code"), "ResourceNotFound");
  EXPECT_EQ(diag.http_status, 404);
  EXPECT_EQ(diag.service_code, "ResourceNotFound");
  EXPECT_EQ(diag.request_id, "rid");
  EXPECT_EQ(diag.correlation_request_id, "cid");
  EXPECT_EQ(diag.client_request_id, "mine");
}

TEST_F(ArmClient, SuccessWithNonJsonBodyIsAProtocolError) {
  arm::client c(sender);
  sender.push(answer{200, {}, "<html>hello</html>", {}, false});
  auto [ec, res] = run(c, arm::client::make_request(http::verb::get, ext_path, nullptr));
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_NE(diag.client_message.find("not JSON"), std::string::npos);
}

TEST_F(ArmClient, EmptySuccessBodyIsNull) {
  arm::client c(sender);
  sender.push(answer{204, {}, "", {}, false});
  auto [ec, res] = run(c, arm::client::make_request(http::verb::delete_, ext_path, nullptr));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(res.body.is_null());
}

TEST_F(ArmClient, TransportFailurePassesThrough) {
  arm::client c(sender);
  sender.push(answer{0, {}, "", amlk8s::make_error_code(errc::transport_error), false});
  auto [ec, res] = run(c, arm::client::make_request(http::verb::get, ext_path, nullptr));
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::transport_error));
  EXPECT_EQ(res.status, 0);
  EXPECT_EQ(diag.client_message, "scripted transport failure");
}

TEST_F(ArmClient, VerbatimUrlsMustStayOnTheEndpointHost) {
  arm::client c(sender);
  sender.push(json_answer(200, "{}"));
  arm::request same{.path = "https://MANAGEMENT.azure.com:443/x?api-version=1", .verbatim = true};
  auto [ec1, r1] = run(c, same);
  EXPECT_FALSE(ec1);
  EXPECT_EQ(sender.sent().at(0).url, "https://MANAGEMENT.azure.com:443/x?api-version=1");

  arm::request other{.path = "https://evil.example.com/x", .verbatim = true};
  auto [ec2, r2] = run(c, other);
  EXPECT_EQ(ec2, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_EQ(sender.sent().size(), 1u);
  arm::request downgrade{.path = "http://management.azure.com/x", .verbatim = true};
  EXPECT_EQ(run(c, downgrade).first, amlk8s::make_error_code(errc::protocol_error));

  arm::client_options opts;
  opts.allow_other_hosts = true;
  arm::client permissive(sender, opts);
  sender.push(json_answer(200, "{}"));
  EXPECT_FALSE(run(permissive, other).first);
}

TEST_F(ArmClient, BlockingFormsThrowWithDiagnostics) {
  auto guard = asio::make_work_guard(ioc);
  std::thread io([this] { ioc.run(); });
  arm::client c(sender);
  sender.push(json_answer(200, R"({"ok":true})"));
  sender.push(json_answer(409, R"({"error":{"code":"Conflict","message":"in progress"}})"));
  EXPECT_EQ(c.get(ext_path).body.at("ok"), true);
  try {
    c.put(ext_path, boost::json::object{{"properties", boost::json::object{}}});
    ADD_FAILURE() << "no exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::conflict);
    EXPECT_EQ(e.diag().service_code, "Conflict");
  }
  guard.reset();
  io.join();
}

TEST_F(ArmClient, WorksWithCoroutines) {
  arm::client c(sender);
  sender.push(json_answer(200, R"({"n":1})"));
  int n = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        diagnostics d;
        auto res = co_await c.async_get(ext_path, d, asio::use_awaitable);
        n = static_cast<int>(res.body.at("n").as_int64());
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(n, 1);
}

}  // namespace
