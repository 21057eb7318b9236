#include <amlk8s/auth/client_secret_credential.hpp>

#include "auth_test_support.hpp"

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr const char* secret = "s3cr&t=Value~xyz";

struct client_secret_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  auth_test::fake_clock clock;

  auth::client_secret_credential make(std::string tenant = "tenant-1", auth::client_secret_options o = {}) {
    if (!o.cache) o.cache = auth::token_cache::create({300s, 30s, clock.fn()});
    return auth::client_secret_credential(sender, std::move(tenant), "app-1", auth::secret_string(std::string(secret)), o);
  }
};

TEST_F(client_secret_fixture, PostsTheSecretFormToTheV2Endpoint) {
  auto cred = make();
  sender.push(auth_test::entra_token("tok-1", 3599));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "tok-1");
  EXPECT_EQ(r.token.expires_on, clock.now() + 3599s);
  ASSERT_EQ(sender.count(), 1u);
  auto req = sender.requests().front();
  EXPECT_EQ(req.method, http::verb::post);
  EXPECT_EQ(req.url, "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token");
  EXPECT_EQ(req.headers.get("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_TRUE(req.body_is_secret);
  EXPECT_EQ(req.body,
            "grant_type=client_credentials&client_id=app-1&client_secret=s3cr%26t%3DValue~xyz"
            "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default");
}

TEST_F(client_secret_fixture, MultipleScopesAreSpaceSeparated) {
  auto cred = make();
  sender.push(auth_test::entra_token());
  auth_test::get_token(cred, ioc, {"api://a/read", "api://a/write"});
  EXPECT_EQ(auth_test::form_field(sender.requests().front().body, "scope"), "api://a/read api://a/write");
}

TEST_F(client_secret_fixture, AuthorityHostFromEnvironmentMayBeLoopbackHttp) {
  auth_test::env_guard authority{{"AZURE_AUTHORITY_HOST", "http://127.0.0.1:8443/"}};
  auto cred = make();
  sender.push(auth_test::entra_token());
  auth_test::get_token(cred, ioc);
  EXPECT_EQ(sender.requests().front().url, "http://127.0.0.1:8443/tenant-1/oauth2/v2.0/token");
}

TEST_F(client_secret_fixture, OptionOverridesEnvironmentAuthority) {
  auth_test::env_guard authority{{"AZURE_AUTHORITY_HOST", "https://login.example.org"}};
  auth::client_secret_options o;
  o.authority_host = "https://login.microsoftonline.us/";
  auto cred = make("tenant-1", o);
  sender.push(auth_test::entra_token());
  auth_test::get_token(cred, ioc);
  EXPECT_EQ(sender.requests().front().url, "https://login.microsoftonline.us/tenant-1/oauth2/v2.0/token");
}

TEST_F(client_secret_fixture, AdfsUsesTheV1Path) {
  auto cred = make("adfs");
  sender.push(auth_test::entra_token());
  auth_test::get_token(cred, ioc);
  EXPECT_EQ(sender.requests().front().url, "https://login.microsoftonline.com/adfs/oauth2/token");
}

TEST_F(client_secret_fixture, InvalidSettingsAreRejectedAtConstruction) {
  auth::client_secret_options plain;
  plain.authority_host = "http://login.example.org";
  try {
    make("tenant-1", plain);
    ADD_FAILURE() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_EQ(e.diag().validation.size(), 1u);
    EXPECT_EQ(e.diag().validation[0].field, "authority_host");
    EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos);
  }
  EXPECT_THROW(make("organizations"), amlk8s::error);
  EXPECT_THROW(make(""), amlk8s::error);
  EXPECT_THROW(make("bad tenant/.."), amlk8s::error);
  EXPECT_THROW(auth::client_secret_credential(sender, "t", "app", auth::secret_string{}), amlk8s::error);
  EXPECT_EQ(sender.count(), 0u);
}

TEST_F(client_secret_fixture, EntraErrorFillsDiagnosticsWithoutTheSecret) {
  auto cred = make();
  sender.push(auth_test::json_response(
      401,
      std::string(R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: )") +
          secret + R"( eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","error_codes":[7000215],)" +
          R"("trace_id":"trace-1","correlation_id":"corr-1"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  EXPECT_EQ(r.diag.http_status, 401);
  EXPECT_EQ(r.diag.service_code, "invalid_client");
  EXPECT_EQ(r.diag.request_id, "trace-1");
  EXPECT_EQ(r.diag.correlation_request_id, "corr-1");
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("AADSTS7000215"), std::string::npos) << text;
  EXPECT_NE(text.find("ClientSecretCredential"), std::string::npos) << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_EQ(text.find("eyJ"), std::string::npos) << text;
}

TEST_F(client_secret_fixture, TransportFailureNamesTheEndpoint) {
  auto cred = make();
  sender.push_error(errc::transport_error);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::transport_error));
  EXPECT_NE(r.diag.client_message.find("https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token"), std::string::npos);
}

TEST_F(client_secret_fixture, ThrottlingIsReportedAsThrottled) {
  auto cred = make();
  sender.push(auth_test::json_response(429, R"({"error":"too_many_requests"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc).ec, make_error_code(errc::throttled));
}

TEST_F(client_secret_fixture, AnswerWithoutTokenIsAProtocolErrorThatDoesNotEchoTheBody) {
  auto cred = make();
  sender.push(auth_test::json_response(200, R"({"token":"not-the-right-field-secretish"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::protocol_error));
  EXPECT_EQ(r.diag.to_string().find("secretish"), std::string::npos);
}

TEST_F(client_secret_fixture, ExpiresOnFormatsAreAccepted) {
  auto cred = make();
  sender.push(auth_test::json_response(200, R"({"access_token":"a","expires_on":"1900000000"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s1"}).token.expires_on, std::chrono::system_clock::time_point(1900000000s));
  sender.push(auth_test::json_response(200, R"({"access_token":"b","expires_on":"2030-03-17T10:00:00Z"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s2"}).token.expires_on, std::chrono::system_clock::time_point(1899972000s));
  sender.push(auth_test::json_response(200, R"({"access_token":"c","expires_on":"2030-03-17T12:00:00.5+02:00"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s3"}).token.expires_on, std::chrono::system_clock::time_point(1899972000s));
  sender.push(auth_test::json_response(200, R"({"access_token":"d","expires_on":"Sun, 17 Mar 2030 10:00:00 GMT"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s4"}).token.expires_on, std::chrono::system_clock::time_point(1899972000s));
  sender.push(auth_test::json_response(200, R"({"access_token":"e","expires_in":"3599"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s5"}).token.expires_on, clock.now() + 3599s);
  sender.push(auth_test::json_response(200, R"({"access_token":"f","expires_on":"soon"})"));
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"s6"}).ec, make_error_code(errc::protocol_error));
}

}  // namespace
