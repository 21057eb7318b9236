#include <amlk8s/auth/workload_identity_credential.hpp>

#include "auth_test_support.hpp"

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

struct workload_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  auth_test::temp_dir dir;
};

TEST_F(workload_fixture, ExchangesTheProjectedTokenFromTheEnvironment) {
  auto file = dir.write("token", "federated-assertion-1\n");
  auth_test::env_guard vars{{"AZURE_TENANT_ID", "tenant-w"},
                       {"AZURE_CLIENT_ID", "client-w"},
                       {"AZURE_FEDERATED_TOKEN_FILE", file.string()},
                       {"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/"}};
  auth::workload_identity_credential cred(sender);
  sender.push(auth_test::entra_token("tok-w"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "tok-w");
  auto req = sender.requests().at(0);
  EXPECT_EQ(req.url, "https://login.microsoftonline.com/tenant-w/oauth2/v2.0/token");
  EXPECT_TRUE(req.body_is_secret);
  EXPECT_EQ(req.body,
            "grant_type=client_credentials"
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
            "&client_id=client-w&client_assertion=federated-assertion-1"
            "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default");
}

TEST_F(workload_fixture, ReadsTheTokenFileAgainForEveryRequest) {
  auto file = dir.write("token", "assertion-one");
  auth::workload_identity_options o;
  o.tenant_id = "tenant-w";
  o.client_id = "client-w";
  o.token_file_path = file.string();
  auth::workload_identity_credential cred(sender, o);
  sender.set_fallback([](const http::request&) { return auth_test::answer{auth_test::entra_token(), {}}; });
  auth_test::get_token(cred, ioc);
  dir.write("token", "assertion-two");  // the kubelet rotated it
  cred.invalidate({"https://management.azure.com/.default"});
  auth_test::get_token(cred, ioc);
  ASSERT_EQ(sender.count(), 2u);
  EXPECT_EQ(auth_test::form_field(sender.requests()[0].body, "client_assertion"), "assertion-one");
  EXPECT_EQ(auth_test::form_field(sender.requests()[1].body, "client_assertion"), "assertion-two");
}

TEST_F(workload_fixture, MissingSettingsAreReportedByNameWithoutARequest) {
  auth_test::env_guard vars{{"AZURE_TENANT_ID", "tenant-w"}};
  auth::workload_identity_credential cred(sender);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::invalid_argument));
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("AZURE_CLIENT_ID"), std::string::npos) << text;
  EXPECT_NE(text.find("AZURE_FEDERATED_TOKEN_FILE"), std::string::npos) << text;
  EXPECT_EQ(text.find("AZURE_TENANT_ID"), std::string::npos) << text;
  EXPECT_EQ(sender.count(), 0u);
}

TEST_F(workload_fixture, UnreadableTokenFileIsAConfigurationError) {
  auth::workload_identity_options o;
  o.tenant_id = "tenant-w";
  o.client_id = "client-w";
  o.token_file_path = (dir.path() / "absent").string();
  auth::workload_identity_credential cred(sender, o);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::invalid_argument));
  EXPECT_NE(r.diag.to_string().find("AZURE_FEDERATED_TOKEN_FILE"), std::string::npos);
  EXPECT_EQ(sender.count(), 0u);
}

TEST_F(workload_fixture, EntraErrorDoesNotEchoTheAssertion) {
  auto file = dir.write("token", "federated-secret-assertion");
  auth::workload_identity_options o;
  o.tenant_id = "tenant-w";
  o.client_id = "client-w";
  o.token_file_path = file.string();
  auth::workload_identity_credential cred(sender, o);
  sender.push(auth_test::json_response(
      400, R"({"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record found for presented assertion federated-secret-assertion"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("AADSTS70021"), std::string::npos) << text;
  EXPECT_EQ(text.find("federated-secret-assertion"), std::string::npos) << text;
}

}  // namespace
