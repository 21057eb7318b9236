#include <amlk8s/auth/managed_identity_credential.hpp>

#include "auth_test_support.hpp"

#include <filesystem>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr const char* imds_url =
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com";

http::response imds_token(std::string token = "mi-tok") {
  return auth_test::json_response(200, R"({"access_token":")" + token +
                                      R"(","refresh_token":"","expires_in":"86399","expires_on":"1900000000",)"
                                      R"("not_before":"1899913600","resource":"https://management.azure.com",)"
                                      R"("token_type":"Bearer"})");
}

struct mi_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  auth_test::fake_clock clock;

  auth::managed_identity_options options() {
    auth::managed_identity_options o;
    o.cache = auth::token_cache::create({300s, 30s, clock.fn()});
    o.imds_retry.initial_delay = 1ms;
    o.imds_retry.gone_initial_delay = 2ms;
    o.imds_retry.max_delay = 50ms;
    return o;
  }
};

TEST_F(mi_fixture, ImdsRequestAndStringNumbers) {
  auth::managed_identity_credential cred(sender, options());
  EXPECT_EQ(cred.source(), auth::managed_identity_source::imds);
  sender.push(imds_token());
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "mi-tok");
  EXPECT_EQ(r.token.expires_on, clock.now() + 86399s);
  ASSERT_TRUE(r.token.refresh_on);  // a day-long token is renewed at half-life
  auto req = sender.requests().at(0);
  EXPECT_EQ(req.method, http::verb::get);
  EXPECT_EQ(req.url, imds_url);
  EXPECT_EQ(req.headers.get("Metadata"), "true");
}

TEST_F(mi_fixture, UserAssignedIdsUseTheirImdsParameter) {
  auto check = [&](auto set, std::string expected) {
    auto o = options();
    set(o);
    auth::managed_identity_credential cred(sender, o);
    sender.push(imds_token());
    auth_test::get_token(cred, ioc);
    EXPECT_EQ(sender.requests().back().url, std::string(imds_url) + expected);
  };
  check([](auto& o) { o.client_id = "cid-1"; }, "&client_id=cid-1");
  check([](auto& o) { o.object_id = "oid-1"; }, "&object_id=oid-1");
  check([](auto& o) { o.resource_id = "/subscriptions/s/rg/x"; }, "&msi_res_id=%2Fsubscriptions%2Fs%2Frg%2Fx");
}

TEST_F(mi_fixture, MoreThanOneIdIsRejected) {
  auto o = options();
  o.client_id = "a";
  o.object_id = "b";
  auth::managed_identity_credential cred(sender, o);
  EXPECT_EQ(auth_test::get_token(cred, ioc).ec, make_error_code(errc::invalid_argument));
  EXPECT_EQ(sender.count(), 0u);
}

TEST_F(mi_fixture, PodIdentityHostOverridesImds) {
  auth_test::env_guard host{{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:2579/"}};
  auth::managed_identity_credential cred(sender, options());
  sender.push(imds_token());
  auth_test::get_token(cred, ioc);
  EXPECT_TRUE(sender.requests().at(0).url.starts_with("http://127.0.0.1:2579/metadata/identity/oauth2/token?"));
}

TEST_F(mi_fixture, ImdsRetriesNotFoundGoneThrottledAndServerErrors) {
  auth::managed_identity_credential cred(sender, options());
  for (int status : {404, 410, 429, 500, 503}) sender.push(auth_test::json_response(status, "{}"));
  sender.push(imds_token("after-retries"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "after-retries");
  EXPECT_EQ(sender.count(), 6u);
}

TEST_F(mi_fixture, ImdsGivesUpAfterItsRetries) {
  auth::managed_identity_credential cred(sender, options());
  sender.set_fallback([](const http::request&) { return auth_test::answer{auth_test::json_response(503, "{}"), {}}; });
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::service_error));
  EXPECT_EQ(r.diag.http_status, 503);
  EXPECT_EQ(sender.count(), 6u);  // the first attempt and five retries
}

TEST_F(mi_fixture, ImdsBadRequestMeansNoSuchIdentityAndIsNotRetried) {
  auth::managed_identity_credential cred(sender, options());
  sender.push(auth_test::json_response(400, R"({"error":"invalid_request","error_description":"Identity not found"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_EQ(r.diag.service_message, "Identity not found");
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(mi_fixture, ImdsForbiddenIsNotRetried) {
  auth::managed_identity_credential cred(sender, options());
  sender.push(auth_test::json_response(403, "{}"));
  EXPECT_EQ(auth_test::get_token(cred, ioc).ec, make_error_code(errc::authorization_failed));
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(mi_fixture, GoneWaitsFromItsLongerFirstDelayAndDoubles) {
  auto o = options();
  o.imds_retry.gone_initial_delay = 40ms;
  o.imds_retry.max_delay = 1000ms;
  auth::managed_identity_credential cred(sender, o);
  sender.push(auth_test::json_response(410, "{}"));
  sender.push(auth_test::json_response(410, "{}"));
  sender.push(imds_token());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 120ms);  // 40 ms, then 80 ms, never jittered down
}

TEST_F(mi_fixture, DefaultGoneDelaysCoverSeventySeconds) {
  // §4.2: five retries from 3 s doubling, never jittered below their base, and no delay capped.
  auth::imds_retry_options d;
  std::chrono::milliseconds total{0};
  for (int i = 0; i < d.max_retries; ++i) total += std::min(d.gone_initial_delay * (1 << i), d.max_delay);
  EXPECT_GE(total, 70s);
}

TEST_F(mi_fixture, RetryAfterIsHonoured) {
  auth::managed_identity_credential cred(sender, options());
  sender.push(auth_test::json_response(429, "{}", {{"retry-after-ms", "150"}}));
  sender.push(imds_token());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);  // capped by max_delay (50 ms) in this test
}

TEST_F(mi_fixture, TransportFailuresAreRetriedWithoutProbe) {
  auth::managed_identity_credential cred(sender, options());
  sender.push_error(errc::transport_error);
  sender.push(imds_token());
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(mi_fixture, ProbeFailsFastWhenImdsIsAbsent) {
  auto o = options();
  o.probe_imds = true;
  auth::managed_identity_credential cred(sender, o);
  sender.push_error(errc::transport_error);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_NE(r.diag.client_message.find("IMDS"), std::string::npos);
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(mi_fixture, ProbeTimesOutAndCancelsTheRequest) {
  auto o = options();
  o.probe_imds = true;
  o.probe_timeout = 50ms;
  auth::managed_identity_credential cred(sender, o);
  sender.hold(true);
  sender.push(imds_token());
  auto start = std::chrono::steady_clock::now();
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(mi_fixture, AfterAnAnswerToTheProbeNormalRetriesApply) {
  auto o = options();
  o.probe_imds = true;
  auth::managed_identity_credential cred(sender, o);
  sender.push(auth_test::json_response(503, "{}"));
  sender.push(imds_token("probed"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "probed");
  // Probed once: a later transport failure is retried, not reported as "unavailable".
  cred.invalidate({"https://management.azure.com/.default"});
  sender.push_error(errc::transport_error);
  sender.push(imds_token("again"));
  EXPECT_EQ(auth_test::get_token(cred, ioc).token.token.reveal(), "again");
}

TEST_F(mi_fixture, AppServiceRequestAndIdParameters) {
  auth_test::env_guard vars{{"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"}, {"IDENTITY_HEADER", "hdr-secret-1"}};
  auto o = options();
  o.object_id = "oid-9";
  auth::managed_identity_credential cred(sender, o);
  EXPECT_EQ(cred.source(), auth::managed_identity_source::app_service);
  sender.push(auth_test::json_response(200, R"({"access_token":"as-tok","expires_on":"1900000000","resource":"x","token_type":"Bearer"})"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.expires_on, std::chrono::system_clock::time_point(1900000000s));
  auto req = sender.requests().at(0);
  EXPECT_EQ(req.url,
            "http://127.0.0.1:41741/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com"
            "&principal_id=oid-9");
  EXPECT_EQ(req.headers.get("X-IDENTITY-HEADER"), "hdr-secret-1");
  EXPECT_FALSE(req.headers.contains("Metadata"));
}

TEST_F(mi_fixture, AppServiceErrorsDoNotShowTheIdentityHeader) {
  auth_test::env_guard vars{{"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"}, {"IDENTITY_HEADER", "hdr-secret-1"}};
  auth::managed_identity_credential cred(sender, options());
  sender.push(auth_test::json_response(500, R"({"error":{"code":"Boom","message":"header hdr-secret-1 rejected"}})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::service_error));
  EXPECT_EQ(r.diag.service_code, "Boom");
  EXPECT_EQ(r.diag.to_string().find("hdr-secret-1"), std::string::npos) << r.diag.to_string();
}

struct arc_fixture : mi_fixture {
  auth_test::env_guard arc_env{{"IDENTITY_ENDPOINT", "http://localhost:40342/metadata/identity/oauth2/token"},
                          {"IMDS_ENDPOINT", "http://localhost:40342"}};
  auth_test::temp_dir keys;
  auth_test::temp_dir elsewhere;

  auth::managed_identity_options arc_options() {
    auto o = options();
    o.arc_key_directory = keys.path().string();
    return o;
  }
  http::response challenge(const std::string& realm) {
    return auth_test::json_response(401, "{}", {{"WWW-Authenticate", "Basic realm=" + realm}});
  }
};

TEST_F(arc_fixture, ChallengeFileIsReadAndSentBack) {
  auto key = keys.write("abc.key", "arc-key-secret");
  auth::managed_identity_credential cred(sender, arc_options());
  EXPECT_EQ(cred.source(), auth::managed_identity_source::azure_arc);
  sender.push(challenge(key.string()));
  sender.push(imds_token("arc-tok"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "arc-tok");
  ASSERT_EQ(sender.count(), 2u);
  auto first = sender.requests()[0];
  auto second = sender.requests()[1];
  EXPECT_EQ(first.url,
            "http://localhost:40342/metadata/identity/oauth2/token?api-version=2019-11-01"
            "&resource=https%3A%2F%2Fmanagement.azure.com");
  EXPECT_EQ(first.headers.get("Metadata"), "true");
  EXPECT_FALSE(first.headers.contains("Authorization"));
  EXPECT_EQ(second.url, first.url);
  EXPECT_EQ(second.headers.get("Metadata"), "true");
  EXPECT_EQ(second.headers.get("Authorization"), "Basic arc-key-secret");
}

TEST_F(arc_fixture, ChallengeFilesOutsideTheAgentFolderAreRefused) {
  auto outside = elsewhere.write("abc.key", "not-for-you");
  keys.write("abc.txt", "wrong-extension");
  keys.write("big.key", std::string(4097, 'k'));
  std::filesystem::create_symlink(outside, keys.path() / "link.key");
  std::filesystem::create_directories(keys.path() / "sub");
  auto nested = keys.write("sub/n.key", "nested");
  const std::string dir = keys.path().string();
  for (const std::string& realm : std::vector<std::string>{outside.string(), dir + "/abc.txt", dir + "/big.key", dir + "/link.key",
                                  dir + "/../" + keys.path().filename().string() + "/abc.key", nested.string(),
                                  std::string("abc.key"), dir + "/a=b.key"}) {
    auth::managed_identity_credential cred(sender, arc_options());
    auto before = sender.count();
    sender.push(challenge(realm));
    auto r = auth_test::get_token(cred, ioc);
    EXPECT_TRUE(r.ec == make_error_code(errc::protocol_error)) << realm << ": " << r.ec.message();
    EXPECT_EQ(sender.count(), before + 1) << realm;
    EXPECT_EQ(r.diag.to_string().find("not-for-you"), std::string::npos);
  }
}

TEST_F(arc_fixture, MissingChallengeAndUserAssignedIdsAreErrors) {
  auth::managed_identity_credential cred(sender, arc_options());
  sender.push(auth_test::json_response(401, "{}"));
  EXPECT_EQ(auth_test::get_token(cred, ioc).ec, make_error_code(errc::protocol_error));
  auto o = arc_options();
  o.client_id = "cid";
  auth::managed_identity_credential user_assigned(sender, o);
  EXPECT_EQ(auth_test::get_token(user_assigned, ioc).ec, make_error_code(errc::invalid_argument));
}

TEST_F(arc_fixture, ErrorsDoNotShowTheKey) {
  auto key = keys.write("abc.key", "arc-key-secret");
  auth::managed_identity_credential cred(sender, arc_options());
  sender.push(challenge(key.string()));
  sender.push(auth_test::json_response(401, R"({"error":"invalid_key","error_description":"key arc-key-secret is stale"})"));
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  EXPECT_EQ(r.diag.to_string().find("arc-key-secret"), std::string::npos) << r.diag.to_string();
}

TEST_F(mi_fixture, UnsupportedSourcesAreUnavailable) {
  auth_test::env_guard vars{{"MSI_ENDPOINT", "http://localhost:50342/oauth2/token"}};
  auth::managed_identity_credential cred(sender, options());
  EXPECT_EQ(cred.source(), auth::managed_identity_source::unsupported);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_EQ(sender.count(), 0u);
}

TEST_F(mi_fixture, MoreThanOneScopeIsRejected) {
  auth::managed_identity_credential cred(sender, options());
  EXPECT_EQ(auth_test::get_token(cred, ioc, {"a/.default", "b/.default"}).ec, make_error_code(errc::invalid_argument));
  EXPECT_EQ(sender.count(), 0u);
}

}  // namespace
