#include <amlk8s/auth/azure_cli_credential.hpp>

#include "auth_test_support.hpp"

#include <filesystem>
#include <sstream>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A stand-in for `az`, first on PATH: records its arguments one per line and prints what the test says.
struct cli_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::temp_dir bin;
  std::optional<auth_test::env_guard> path;

  void fake_az(const std::string& stdout_text, const std::string& stderr_text = "", int exit_code = 0,
               const std::string& before = "") {
    auto script = bin.write("az", "#!/bin/sh\n"
                                  "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" +
                                      (bin.path() / "args").string() + "'\n" + before +
                                      "cat <<'AMLK8S_OUT'\n" + stdout_text + "\nAMLK8S_OUT\n"
                                      "cat >&2 <<'AMLK8S_ERR'\n" + stderr_text + "\nAMLK8S_ERR\n"
                                      "exit " + std::to_string(exit_code) + "\n");
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    path.emplace(std::initializer_list<std::pair<std::string, std::optional<std::string>>>{
        {"PATH", bin.path().string() + ":/usr/bin:/bin"}});
  }
  std::vector<std::string> args() const {
    std::ifstream in(bin.path() / "args");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

TEST_F(cli_fixture, RunsAzWithArgumentsAndParsesExpiresOn) {
  fake_az(R"({"accessToken":"cli-token","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1900000000,)"
          R"("subscription":"sub","tenant":"t","tokenType":"Bearer"})");
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "cli-token");
  EXPECT_EQ(r.token.expires_on, std::chrono::system_clock::time_point(1900000000s));
  EXPECT_EQ(args(), (std::vector<std::string>{"account", "get-access-token", "--output", "json", "--resource",
                                              "https://management.azure.com"}));
}

TEST_F(cli_fixture, PassesTheTenant) {
  fake_az(R"({"accessToken":"cli-token","expires_on":"1900000000"})");
  auth::azure_cli_options o;
  o.tenant_id = "contoso.onmicrosoft.com";
  auth::azure_cli_credential cred(ioc.get_executor(), o);
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  auto a = args();
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[6], "--tenant");
  EXPECT_EQ(a[7], "contoso.onmicrosoft.com");
}

TEST_F(cli_fixture, FallsBackToLocalExpiresOn) {
  auth_test::env_guard tz{{"TZ", "UTC"}};
  tzset();
  fake_az(R"({"accessToken":"cli-token","expiresOn":"2030-03-17 10:00:00.123456"})");
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.expires_on, std::chrono::system_clock::time_point(1899972000s));
}

TEST_F(cli_fixture, ScopesWithOtherCharactersNeverReachTheCommandLine) {
  fake_az(R"({"accessToken":"x","expires_on":1900000000})");
  auth::azure_cli_credential cred(ioc.get_executor());
  for (std::string scope : {"https://x/.default; rm -rf /", "--query=x", "$(id)", "a b"}) {
    auto r = auth_test::get_token(cred, ioc, {scope});
    EXPECT_EQ(r.ec, make_error_code(errc::invalid_argument)) << scope;
  }
  EXPECT_FALSE(std::filesystem::exists(bin.path() / "args"));
}

TEST_F(cli_fixture, NotLoggedInIsUnavailable) {
  fake_az("", "ERROR: Please run 'az login' to setup account.", 1);
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_NE(r.diag.client_message.find("az login"), std::string::npos) << r.diag.client_message;
}

TEST_F(cli_fixture, OtherFailuresAreTruncatedAndScrubbed) {
  fake_az("eyJhbGciOiJSUzI1NiJ9.stdout.token", "ERROR: AADSTS50076 token eyJ0eXAiOiJKV1QifQ.e30.c2ln " + std::string(400, 'x'),
          2);
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("AADSTS50076"), std::string::npos) << text;
  EXPECT_NE(text.find("status 2"), std::string::npos) << text;
  EXPECT_EQ(text.find("eyJ"), std::string::npos) << text;
  EXPECT_LT(text.size(), 400u) << text;
}

TEST_F(cli_fixture, OutputThatIsNotATokenIsNotEchoed) {
  fake_az("accessToken=supersecretvalue");
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::protocol_error));
  EXPECT_EQ(r.diag.to_string().find("supersecret"), std::string::npos);
}

TEST_F(cli_fixture, SlowAzIsKilledAtTheTimeout) {
  fake_az(R"({"accessToken":"late","expires_on":1900000000})", "", 0, "sleep 20\n");
  auth::azure_cli_options o;
  o.timeout = 200ms;
  auth::azure_cli_credential cred(ioc.get_executor(), o);
  auto start = std::chrono::steady_clock::now();
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::timeout));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(cli_fixture, MissingAzIsUnavailable) {
  auth_test::env_guard no_az{{"PATH", bin.path().string()}};
  auth::azure_cli_credential cred(ioc.get_executor());
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::precondition_failed));
  EXPECT_NE(r.diag.client_message.find("not on PATH"), std::string::npos);
}

TEST_F(cli_fixture, TokenIsCached) {
  fake_az(R"({"accessToken":"cli-token","expires_on":)" +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                             (std::chrono::system_clock::now() + 1h).time_since_epoch())
                             .count()) +
          "}");
  auth::azure_cli_credential cred(ioc.get_executor());
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  std::filesystem::remove(bin.path() / "args");
  EXPECT_FALSE(auth_test::get_token(cred, ioc).ec);
  EXPECT_FALSE(std::filesystem::exists(bin.path() / "args"));
}

}  // namespace
