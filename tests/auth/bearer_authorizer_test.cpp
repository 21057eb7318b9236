#include <amlk8s/auth/bearer_authorizer.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>

#include "auth_test_support.hpp"

namespace {

using namespace amlk8s;
namespace asio = boost::asio;

struct bearer_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  std::shared_ptr<auth::client_secret_credential> cred = std::make_shared<auth::client_secret_credential>(
      sender, "tenant-1", "app-1", auth::secret_string(std::string("s3cret")));
  auth::bearer_authorizer authorizer{cred, {"https://management.azure.com/.default"}};

  std::pair<error_code, std::string> authorize(diagnostics& diag) {
    std::pair<error_code, std::string> out;
    http::request req;
    req.url = "https://management.azure.com/subscriptions?api-version=2022-12-01";
    authorizer.async_authorization(req, diag, [&out](error_code ec, std::string value) { out = {ec, std::move(value)}; });
    ioc.restart();
    ioc.run();
    return out;
  }
};

TEST_F(bearer_fixture, SuppliesTheBearerHeaderValue) {
  sender.push(auth_test::entra_token("arm-token"));
  diagnostics diag;
  auto [ec, value] = authorize(diag);
  EXPECT_FALSE(ec);
  EXPECT_EQ(value, "Bearer arm-token");
  EXPECT_EQ(auth_test::form_field(sender.requests().at(0).body, "scope"), "https://management.azure.com/.default");
}

TEST_F(bearer_fixture, InvalidateDropsTheCachedToken) {
  sender.push(auth_test::entra_token("first"));
  sender.push(auth_test::entra_token("second"));
  diagnostics diag;
  EXPECT_EQ(authorize(diag).second, "Bearer first");
  EXPECT_EQ(authorize(diag).second, "Bearer first");
  authorizer.invalidate();
  EXPECT_EQ(authorize(diag).second, "Bearer second");
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(bearer_fixture, FailureCarriesTheCredentialsDiagnostics) {
  sender.push(auth_test::json_response(401, R"({"error":"invalid_client","error_description":"AADSTS7000215"})"));
  diagnostics diag;
  auto [ec, value] = authorize(diag);
  EXPECT_EQ(ec, make_error_code(errc::authentication_failed));
  EXPECT_TRUE(value.empty());
  EXPECT_EQ(diag.service_code, "invalid_client");
  EXPECT_EQ(diag.to_string().find("s3cret"), std::string::npos);
}

TEST_F(bearer_fixture, NeedsACredentialAndScopes) {
  EXPECT_THROW(auth::bearer_authorizer(nullptr, {"x"}), amlk8s::error);
  EXPECT_THROW(auth::bearer_authorizer(cred, {}), amlk8s::error);
}

}  // namespace
