#include <amlk8s/auth/access_token.hpp>
#include <amlk8s/auth/static_token_credential.hpp>
#include <amlk8s/auth/token_credential.hpp>

#include "auth_test_support.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <sstream>
#include <thread>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(SecretString, PrintsRedactedAndRevealsOnlyOnRequest) {
  auth::secret_string s(std::string("p@ss-word-123"));
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(s.reveal(), "p@ss-word-123");
  auth::secret_string moved(std::move(s));
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): a moved-from secret is wiped
  EXPECT_EQ(moved.reveal(), "p@ss-word-123");
}

TEST(AccessToken, PrintsExpiryButNotTheToken) {
  auth::access_token t{auth::secret_string(std::string("eyJhbGciOi.secret.part")),
                       std::chrono::system_clock::time_point(1700000000s), std::nullopt};
  std::ostringstream os;
  os << t;
  EXPECT_EQ(os.str().find("eyJ"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("1700000000"), std::string::npos) << os.str();
}

TEST(Scopes, ResourceStripsExactlyTheDefaultSuffix) {
  EXPECT_EQ(auth::scopes_to_resource({"https://management.azure.com/.default"}), "https://management.azure.com");
  EXPECT_EQ(auth::scopes_to_resource({"https://storage.azure.com/user_impersonation"}),
            "https://storage.azure.com/user_impersonation");
  EXPECT_EQ(auth::scopes_to_resource({"a/.default", "b/.default"}), "");
  EXPECT_EQ(auth::scopes_to_resource({}), "");
}

TEST(StaticTokenCredential, HandsOutItsTokenAsync) {
  asio::io_context ioc;
  auth::access_token t{auth::secret_string(std::string("static-1")), std::chrono::system_clock::now() + 1h, std::nullopt};
  auth::static_token_credential cred(ioc.get_executor(), t);
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.token.token.reveal(), "static-1");
}

TEST(StaticTokenCredential, BlockingFormReturnsAndThrows) {
  asio::io_context ioc;
  auto guard = asio::make_work_guard(ioc);
  std::thread runner([&] { ioc.run(); });
  auth::static_token_credential good(
      ioc.get_executor(),
      {auth::secret_string(std::string("static-2")), std::chrono::system_clock::now() + 1h, std::nullopt});
  EXPECT_EQ(good.get_token({"s/.default"}).token.reveal(), "static-2");
  auth::static_token_credential expired(
      ioc.get_executor(),
      {auth::secret_string(std::string("static-3")), std::chrono::system_clock::now() - 1s, std::nullopt});
  try {
    expired.get_token({"s/.default"});
    ADD_FAILURE() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::authentication_failed);
    EXPECT_EQ(std::string(e.what()).find("static-3"), std::string::npos);
  }
  guard.reset();
  runner.join();
}

}  // namespace
