#include <amlk8s/auth/default_azure_credential.hpp>

#include "auth_test_support.hpp"

#include <filesystem>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

struct dac_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  auth_test::temp_dir bin;  // an empty PATH folder: no az unless a test puts one there
  auth_test::env_guard path{{"PATH", bin.path().string()}};
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};

  auth::default_azure_credential_options options() {
    auth::default_azure_credential_options o;
    o.imds_retry.initial_delay = 1ms;
    o.imds_retry.gone_initial_delay = 1ms;
    o.imds_retry.max_delay = 5ms;
    return o;
  }
  std::vector<std::string> names(const auth::chained_token_credential& c) {
    std::vector<std::string> out;
    for (auto& x : c.credentials()) out.emplace_back(x->name());
    return out;
  }
  void fake_az(const std::string& token) {
    // Only shell built-ins: PATH holds nothing but this folder.
    auto script = bin.write("az", "#!/bin/sh\nprintf '%s\\n' '{\"accessToken\":\"" + token +
                                      "\",\"expires_on\":1900000000}'\n");
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  }
};

TEST_F(dac_fixture, OrderIsEnvironmentWorkloadManagedIdentityCli) {
  auth::default_azure_credential cred(sender, options());
  EXPECT_EQ(names(cred), (std::vector<std::string>{"EnvironmentCredential", "WorkloadIdentityCredential",
                                                   "ManagedIdentityCredential", "AzureCliCredential"}));
  EXPECT_EQ(cred.name(), "DefaultAzureCredential");
}

TEST_F(dac_fixture, TokenCredentialsSelectsDevProdOrOne) {
  {
    auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "dev"}};
    EXPECT_EQ(auth::default_azure_credential(sender, options()).credentials().size(), 4u);
  }
  {
    auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "prod"}};
    auth::default_azure_credential cred(sender, options());
    EXPECT_EQ(names(cred), (std::vector<std::string>{"EnvironmentCredential", "WorkloadIdentityCredential",
                                                     "ManagedIdentityCredential"}));
  }
  {
    auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "  azureclicredential "}};
    auth::default_azure_credential cred(sender, options());
    EXPECT_EQ(names(cred), (std::vector<std::string>{"AzureCliCredential"}));
  }
  {
    auto o = options();
    o.token_credentials = "WorkloadIdentityCredential";
    auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "prod"}};
    EXPECT_EQ(names(auth::default_azure_credential(sender, o)), (std::vector<std::string>{"WorkloadIdentityCredential"}));
  }
}

TEST_F(dac_fixture, UnknownSelectionIsRejectedByName) {
  auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "SharedTokenCacheCredential"}};
  try {
    auth::default_azure_credential cred(sender, options());
    ADD_FAILURE() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_EQ(e.diag().validation.size(), 1u);
    EXPECT_EQ(e.diag().validation[0].field, "AZURE_TOKEN_CREDENTIALS");
  }
}

TEST_F(dac_fixture, FailureListsWhyEachCredentialDidNotGiveAToken) {
  sender.set_fallback([](const http::request&) { return auth_test::answer{{}, make_error_code(errc::transport_error)}; });
  auth::default_azure_credential cred(sender, options());
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  auto text = r.diag.to_string();
  for (const char* part : {"DefaultAzureCredential", "EnvironmentCredential", "AZURE_TENANT_ID", "WorkloadIdentityCredential",
                           "AZURE_FEDERATED_TOKEN_FILE", "ManagedIdentityCredential", "IMDS", "AzureCliCredential",
                           "not on PATH"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << " missing from: " << text;
  }
  EXPECT_EQ(sender.count(), 1u);  // the IMDS probe only, no retries
}

TEST_F(dac_fixture, EnvironmentSecretWinsAndIsRemembered) {
  auth_test::env_guard vars{{"AZURE_TENANT_ID", "tenant-e"}, {"AZURE_CLIENT_ID", "client-e"}, {"AZURE_CLIENT_SECRET", "env-secret-1"}};
  auth::default_azure_credential cred(sender, options());
  sender.push(auth_test::entra_token("env-tok"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "env-tok");
  EXPECT_EQ(sender.requests().at(0).url, "https://login.microsoftonline.com/tenant-e/oauth2/v2.0/token");
  EXPECT_EQ(auth_test::get_token(cred, ioc).token.token.reveal(), "env-tok");
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(dac_fixture, AnAvailableCredentialThatFailsStopsTheChain) {
  auth_test::env_guard vars{{"AZURE_TENANT_ID", "tenant-e"}, {"AZURE_CLIENT_ID", "client-e"}, {"AZURE_CLIENT_SECRET", "env-secret-1"}};
  fake_az("cli-token");
  auth::default_azure_credential cred(sender, options());
  sender.push(auth_test::json_response(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: bad secret env-secret-1"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("stopped at EnvironmentCredential"), std::string::npos) << text;
  EXPECT_NE(text.find("AADSTS7000215"), std::string::npos) << text;
  EXPECT_EQ(text.find("env-secret-1"), std::string::npos) << text;
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(dac_fixture, FallsThroughToTheCli) {
  fake_az("cli-token");
  sender.set_fallback([](const http::request&) { return auth_test::answer{{}, make_error_code(errc::transport_error)}; });
  auth::default_azure_credential cred(sender, options());
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "cli-token");
}

TEST_F(dac_fixture, ManagedIdentityChosenAloneIsNotProbed) {
  auth_test::env_guard sel{{"AZURE_TOKEN_CREDENTIALS", "ManagedIdentityCredential"}};
  auth::default_azure_credential cred(sender, options());
  sender.push_error(errc::transport_error);
  sender.push(auth_test::json_response(200, R"({"access_token":"mi-tok","expires_in":"3599"})"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "mi-tok");
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(dac_fixture, ManagedIdentityUsesAzureClientIdByDefault) {
  auth_test::env_guard vars{{"AZURE_CLIENT_ID", "uami-1"}, {"AZURE_TOKEN_CREDENTIALS", "ManagedIdentityCredential"}};
  auth::default_azure_credential cred(sender, options());
  sender.push(auth_test::json_response(200, R"({"access_token":"mi-tok","expires_in":"3599"})"));
  auth_test::get_token(cred, ioc);
  EXPECT_TRUE(sender.requests().at(0).url.ends_with("&client_id=uami-1")) << sender.requests().at(0).url;
}

TEST_F(dac_fixture, WorkloadIdentityInThePod) {
  auth_test::temp_dir tokens;
  auto file = tokens.write("azure-identity-token", "projected-sa-token");
  auth_test::env_guard vars{{"AZURE_TENANT_ID", "tenant-w"},
                       {"AZURE_CLIENT_ID", "client-w"},
                       {"AZURE_FEDERATED_TOKEN_FILE", file.string()},
                       {"AZURE_AUTHORITY_HOST", "http://localhost:7443"}};
  auth::default_azure_credential cred(sender, options());
  sender.push(auth_test::entra_token("wi-tok"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "wi-tok");
  EXPECT_EQ(sender.requests().at(0).url, "http://localhost:7443/tenant-w/oauth2/v2.0/token");
}

}  // namespace
