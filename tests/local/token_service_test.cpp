#include <amlk8s/local/token_service.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace {

using namespace amlk8s;
using namespace std::chrono_literals;

http::request token_request(std::string body, std::string tenant = std::string(local::dev_tenant_id)) {
  http::request req;
  req.method = http::verb::post;
  req.url = "http://127.0.0.1:8080/" + tenant + "/oauth2/v2.0/token";
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::move(body);
  return req;
}

std::string secret_form(std::string_view secret) {
  return "grant_type=client_credentials&client_id=" + std::string(local::dev_client_id) +
         "&client_secret=" + std::string(secret) + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
}

boost::json::object body_of(const http::response& res) { return boost::json::parse(res.body).as_object(); }

std::string str(const boost::json::value& v) { return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v); }

TEST(TokenService, IssuesATokenForTheDevelopmentCredential) {
  auto clock = local::clock::manual();
  local::token_service tokens({}, clock);
  const auto res = tokens.handle(token_request(secret_form(local::dev_client_secret)));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = body_of(res);
  EXPECT_EQ(str(body.at("token_type")), "Bearer");
  EXPECT_EQ(body.at("expires_in"), 3599);
  const auto token = std::string(body.at("access_token").as_string());
  const auto check = tokens.verify("Bearer " + token);
  ASSERT_TRUE(check);
  EXPECT_EQ(check.claims.client_id, local::dev_client_id);
  EXPECT_EQ(check.claims.tenant_id, local::dev_tenant_id);
  EXPECT_EQ(check.claims.audience, "https://management.azure.com");
}

TEST(TokenService, TokensExpireOnTheClock) {
  auto clock = local::clock::manual();
  local::token_service tokens({}, clock);
  const auto token = tokens.issue(local::dev_client_id, "https://management.azure.com");
  EXPECT_TRUE(tokens.verify_token(token));
  clock->advance(3598s);
  EXPECT_TRUE(tokens.verify_token(token));
  clock->advance(2s);
  EXPECT_EQ(tokens.verify_token(token).problem, local::token_problem::expired);
}

TEST(TokenService, WrongSecretGetsTheEntraError) {
  local::token_service tokens;
  const auto res = tokens.handle(token_request(secret_form("not-the-secret")));
  EXPECT_EQ(res.status, 401);
  const auto body = body_of(res);
  EXPECT_EQ(str(body.at("error")), "invalid_client");
  EXPECT_TRUE(std::string(body.at("error_description").as_string()).starts_with("AADSTS7000215: "));
  EXPECT_EQ(body.at("error_codes").as_array().at(0), 7000215);
  EXPECT_TRUE(body.contains("trace_id"));
  EXPECT_TRUE(body.contains("correlation_id"));
  EXPECT_EQ(res.body.find("not-the-secret"), std::string::npos);
}

TEST(TokenService, UnknownClientAndTenantAndGrantAreRejected) {
  local::token_service tokens;
  auto res = tokens.handle(token_request(
      "grant_type=client_credentials&client_id=nobody&client_secret=x&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(body_of(res).at("error")), "unauthorized_client");
  res = tokens.handle(token_request(secret_form(local::dev_client_secret), "another-tenant"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res).at("error_codes").as_array().at(0), 90002);
  res = tokens.handle(token_request("grant_type=password&client_id=x"));
  EXPECT_EQ(str(body_of(res).at("error")), "unsupported_grant_type");
  res = tokens.handle(token_request("grant_type=client_credentials&client_id=" + std::string(local::dev_client_id) +
                                    "&client_secret=x&scope=https%3A%2F%2Fmanagement.azure.com%2Fuser_impersonation"));
  EXPECT_EQ(str(body_of(res).at("error")), "invalid_scope");
}

TEST(TokenService, RejectsTamperedAndForeignTokens) {
  local::token_service tokens;
  local::token_service other;
  auto token = tokens.issue(local::dev_client_id, "https://management.azure.com");
  EXPECT_EQ(other.verify_token(token).problem, local::token_problem::invalid);
  auto& c = token[token.find('.') + 10];  // inside the claims: the signature no longer matches
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(tokens.verify_token(token).problem, local::token_problem::invalid);
  EXPECT_EQ(tokens.verify(std::nullopt).problem, local::token_problem::missing);
  EXPECT_EQ(tokens.verify("Basic abc").problem, local::token_problem::malformed_header);
  EXPECT_EQ(tokens.verify("Bearer not.a.jwt").problem, local::token_problem::invalid);
}

TEST(TokenService, SharedSigningKeyKeepsTokensValidAcrossInstances) {
  local::token_options options;
  options.signing_key = "a fixed key for a durable server";
  local::token_service first(options);
  local::token_service second(options);
  EXPECT_TRUE(second.verify_token(first.issue(local::dev_client_id, "https://management.azure.com")));
}

TEST(TokenService, AcceptsAClientAssertionWithMatchingClaims) {
  local::token_service tokens;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto b64 = [](std::string_view s) {
    // base64url of small JSON texts, written out by hand to keep the test independent of the code under test.
    static constexpr char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (unsigned char c : s) {
      v = (v << 8) | c;
      bits += 8;
      while (bits >= 6) out += a[(v >> (bits -= 6)) & 63];
    }
    if (bits > 0) out += a[(v << (6 - bits)) & 63];
    return out;
  };
  const std::string id(local::dev_client_id);
  const auto assertion = b64(R"({"alg":"RS256","typ":"JWT"})") + "." +
                         b64(R"({"iss":")" + id + R"(","sub":")" + id + R"(","aud":"x","exp":)" +
                             std::to_string(now + 600) + R"(,"nbf":)" + std::to_string(now) + "}") +
                         ".c2ln";
  const auto res = tokens.handle(token_request(
      "grant_type=client_credentials&client_id=" + id +
      "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" +
      assertion + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"));
  EXPECT_EQ(res.status, 200) << res.body;
}

TEST(TokenService, ServesOpenIdConfigurationAndInstanceDiscovery) {
  local::token_service tokens;
  http::request req;
  req.url = "http://127.0.0.1:9000/" + std::string(local::dev_tenant_id) + "/v2.0/.well-known/openid-configuration";
  ASSERT_TRUE(local::token_service::owns("/" + std::string(local::dev_tenant_id) + "/v2.0/.well-known/openid-configuration"));
  auto res = tokens.handle(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(body_of(res).at("token_endpoint")),
            "http://127.0.0.1:9000/" + std::string(local::dev_tenant_id) + "/oauth2/v2.0/token");
  req.url = "/common/discovery/instance?api-version=1.1";
  req.headers.set("Host", "localhost:9000");
  res = tokens.handle(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(body_of(res).at("metadata").as_array().at(0).at("preferred_network")), "localhost:9000");
}

}  // namespace

namespace {

TEST(TokenService, DiscoveryDocumentsNameHttpsBehindTls) {
  local::token_options o;
  o.scheme = "https";
  local::token_service tokens(o);
  http::request req;
  req.url = "/" + std::string(local::dev_tenant_id) + "/v2.0/.well-known/openid-configuration";
  req.headers.set("Host", "127.0.0.1:9443");
  auto res = tokens.handle(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(body_of(res).at("token_endpoint")),
            "https://127.0.0.1:9443/" + std::string(local::dev_tenant_id) + "/oauth2/v2.0/token");
}

}  // namespace
