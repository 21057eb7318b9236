#include <amlk8s/local/azure_api.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace {

using namespace amlk8s;
using namespace amlk8s::local;

std::string str(const boost::json::value& v) { return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v); }

TEST(AzureApi, TokenThenArmThroughOneHandler) {
  azure_api api;
  http::request token_req;
  token_req.method = http::verb::post;
  token_req.url = "/" + std::string(dev_tenant_id) + "/oauth2/v2.0/token";
  token_req.headers.set("Host", "127.0.0.1:8443");
  token_req.body = "grant_type=client_credentials&client_id=" + std::string(dev_client_id) +
                   "&client_secret=" + std::string(dev_client_secret) + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
  const auto token_res = api.handle(token_req);
  ASSERT_EQ(token_res.status, 200) << token_res.body;
  const auto token = str(boost::json::parse(token_res.body).at("access_token"));

  http::request req;
  req.url = "/subscriptions/" + std::string(dev_subscription_id) + "/resourceGroups/rg1?api-version=2022-09-01";
  req.headers.set("Host", "127.0.0.1:8443");
  req.headers.set("Authorization", "Bearer " + token);
  const auto res = api.handle(req);
  EXPECT_EQ(res.status, 200) << res.body;

  req.url = "/elsewhere";
  EXPECT_EQ(api.handle(req).status, 404);
  EXPECT_TRUE(azure_api::owns("/subscriptions/x"));
  EXPECT_TRUE(azure_api::owns("/" + std::string(dev_tenant_id) + "/oauth2/v2.0/token"));
  EXPECT_FALSE(azure_api::owns("/api/v1/namespaces"));
}

TEST(AzureApi, RequestLogNeverCarriesSecrets) {
  azure_api api;
  std::vector<request_log_entry> entries;
  api.on_request([&](const request_log_entry& e) { entries.push_back(e); });

  http::request token_req;
  token_req.method = http::verb::post;
  token_req.url = "http://127.0.0.1:8443/" + std::string(dev_tenant_id) + "/oauth2/v2.0/token?client_secret=leak1";
  token_req.body = "grant_type=client_credentials&client_id=" + std::string(dev_client_id) +
                   "&client_secret=" + std::string(dev_client_secret) + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
  token_req.body_is_secret = true;
  const auto token = str(boost::json::parse(api.handle(token_req).body).at("access_token"));

  http::request req;
  req.method = http::verb::put;
  req.url = "http://127.0.0.1:8443/subscriptions/" + std::string(dev_subscription_id) +
            "/resourceGroups/rg1?api-version=2022-09-01&sig=leak2";
  req.headers.set("Authorization", "Bearer " + token);
  req.headers.set("x-ms-client-request-id", "cid-7");
  req.body = R"({"location":"eastus","tags":{"password":"leak3"}})";
  api.handle(req);

  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].method, "POST");
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].target, "/" + std::string(dev_tenant_id) + "/oauth2/v2.0/token?client_secret=REDACTED");
  EXPECT_EQ(entries[1].method, "PUT");
  EXPECT_EQ(entries[1].status, 201);
  EXPECT_EQ(entries[1].target, "/subscriptions/" + std::string(dev_subscription_id) +
                                   "/resourceGroups/rg1?api-version=2022-09-01&sig=REDACTED");
  EXPECT_EQ(entries[1].client_request_id, "cid-7");
  EXPECT_FALSE(entries[1].request_id.empty());
  for (const auto& e : entries) {
    const auto all = e.method + e.target + e.client_request_id + e.request_id;
    for (const auto* secret : {"leak1", "leak2", "leak3", dev_client_secret.data()})
      EXPECT_EQ(all.find(secret), std::string::npos) << secret;
    EXPECT_EQ(all.find(token.substr(0, 20)), std::string::npos);
  }
}

TEST(AzureApi, SharesOneClockAcrossTokensAndOperations) {
  azure_api_options options;
  options.time = clock::manual();
  options.arm.lro_delay = std::chrono::seconds(30);
  azure_api api(options);
  EXPECT_EQ(&api.time(), options.time.get());
  EXPECT_EQ(api.tokens().time().get(), options.time.get());
  const auto token = api.tokens().issue(dev_client_id, "https://management.azure.com");
  api.time().advance(std::chrono::hours(1));
  EXPECT_EQ(api.tokens().verify_token(token).problem, token_problem::expired);
}

}  // namespace
