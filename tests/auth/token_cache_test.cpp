#include <amlk8s/auth/client_secret_credential.hpp>
#include <amlk8s/auth/token_cache.hpp>

#include "auth_test_support.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

struct cache_fixture : ::testing::Test {
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  auth_test::fake_clock clock;
  std::shared_ptr<auth::token_cache> cache = auth::token_cache::create({std::chrono::seconds(300), std::chrono::seconds(30), clock.fn()});

  std::unique_ptr<auth::client_secret_credential> make() {
    auth::client_secret_options o;
    o.cache = cache;
    return std::make_unique<auth::client_secret_credential>(sender, "tenant-1", "app-1",
                                                            auth::secret_string(std::string("s3cret")), o);
  }
};

TEST_F(cache_fixture, ServesCachedTokenUntilFiveMinutesBeforeExpiry) {
  auto cred = make();
  sender.push(auth_test::entra_token("tok-1", 3600));
  sender.push(auth_test::entra_token("tok-2", 3600));
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-1");
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.expires_on, clock.now() + 3600s);
  clock.advance(3299s);
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-1");
  EXPECT_EQ(sender.count(), 1u);
  clock.advance(2s);  // 299 s left: inside the renewal window
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-2");
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(cache_fixture, RenewsAtRefreshIn) {
  auto cred = make();
  sender.push(auth_test::json_response(200, R"({"access_token":"tok-1","expires_in":3600,"refresh_in":600})"));
  sender.push(auth_test::entra_token("tok-2", 3600));
  auto first = auth_test::get_token(*cred, ioc);
  ASSERT_TRUE(first.token.refresh_on);
  EXPECT_EQ(*first.token.refresh_on, clock.now() + 600s);
  clock.advance(599s);
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-1");
  clock.advance(1s);
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-2");
}

TEST_F(cache_fixture, LongLivedTokenIsRenewedAtHalfLife) {
  auto cred = make();
  sender.push(auth_test::entra_token("tok-1", 86400));
  sender.push(auth_test::entra_token("tok-2", 86400));
  auth_test::get_token(*cred, ioc);
  clock.advance(43199s);
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-1");
  clock.advance(1s);
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-2");
}

TEST_F(cache_fixture, ConcurrentCallersShareOneRequest) {
  auto cred = make();
  sender.push(auth_test::entra_token("shared", 3600));
  sender.hold(true);
  constexpr int callers = 50;
  std::vector<auth_test::token_result> results(callers);
  for (auto& r : results) {
    cred->async_get_token({"https://management.azure.com/.default"}, r.diag, [&r](error_code ec, auth::access_token t) {
      r.ec = ec;
      r.token = std::move(t);
      r.completed = true;
    });
  }
  ioc.poll();
  EXPECT_EQ(sender.count(), 1u);
  sender.release();
  ioc.restart();
  ioc.run();
  EXPECT_EQ(sender.count(), 1u);
  for (auto& r : results) {
    EXPECT_TRUE(r.completed);
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.token.token.reveal(), "shared");
  }
}

TEST_F(cache_fixture, ConcurrentCallersOnManyThreadsShareOneRequest) {
  auto cred = make();
  sender.push(auth_test::entra_token("shared", 3600));
  sender.hold(true);
  auto guard = asio::make_work_guard(ioc);
  std::vector<std::thread> runners;
  for (int i = 0; i < 3; ++i) runners.emplace_back([&] { ioc.run(); });
  constexpr int per_thread = 40;
  std::atomic<int> ok{0};
  std::vector<std::unique_ptr<diagnostics>> diags;
  std::mutex diags_mutex;
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        diagnostics* d;
        {
          std::lock_guard lock(diags_mutex);
          diags.push_back(std::make_unique<diagnostics>());
          d = diags.back().get();
        }
        cred->async_get_token({"https://management.azure.com/.default"}, *d, [&ok](error_code ec, auth::access_token tok) {
          if (!ec && tok.token.reveal() == "shared") ++ok;
        });
      }
    });
  }
  for (auto& c : callers) c.join();
  sender.release();
  for (int i = 0; i < 200 && ok.load() < 4 * per_thread; ++i) std::this_thread::sleep_for(10ms);
  guard.reset();
  for (auto& r : runners) r.join();
  EXPECT_EQ(ok.load(), 4 * per_thread);
  EXPECT_EQ(sender.count(), 1u);
}

TEST_F(cache_fixture, FailedRenewalServesTheOldTokenWhileItIsValid) {
  auto cred = make();
  sender.push(auth_test::entra_token("tok-1", 3600));
  auth_test::get_token(*cred, ioc);
  clock.advance(3400s);  // in the renewal window, 200 s left
  sender.push(auth_test::json_response(503, R"({"error":"temporarily_unavailable"})"));
  auto r = auth_test::get_token(*cred, ioc);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.token.token.reveal(), "tok-1");
  EXPECT_EQ(sender.count(), 2u);
  clock.advance(10s);  // within the 30 s back-off: no new request
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-1");
  EXPECT_EQ(sender.count(), 2u);
  clock.advance(21s);
  sender.push(auth_test::entra_token("tok-2", 3600));
  EXPECT_EQ(auth_test::get_token(*cred, ioc).token.token.reveal(), "tok-2");
  EXPECT_EQ(sender.count(), 3u);
}

TEST_F(cache_fixture, FailureWithoutAValidTokenReachesEveryWaiter) {
  auto cred = make();
  sender.push(auth_test::entra_token("tok-1", 3600));
  auth_test::get_token(*cred, ioc);
  clock.advance(3600s);  // expired
  sender.push(auth_test::json_response(503, R"({"error":"temporarily_unavailable","error_description":"try later"})"));
  sender.hold(true);
  auth_test::token_result a, b;
  for (auto* r : {&a, &b}) {
    cred->async_get_token({"https://management.azure.com/.default"}, r->diag, [r](error_code ec, auth::access_token) {
      r->ec = ec;
      r->completed = true;
    });
  }
  sender.release();
  ioc.restart();
  ioc.run();
  for (auto* r : {&a, &b}) {
    EXPECT_EQ(r->ec, make_error_code(errc::service_error));
    EXPECT_EQ(r->diag.http_status, 503);
    EXPECT_EQ(r->diag.service_message, "try later");
  }
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(cache_fixture, EntriesArePerCredentialAndScopesAndLeaveWithTheCredential) {
  auto one = make();
  auto two = make();
  sender.set_fallback([](const http::request&) { return auth_test::answer{auth_test::entra_token("any", 3600), {}}; });
  auth_test::get_token(*one, ioc);
  auth_test::get_token(*two, ioc);
  auth_test::get_token(*one, ioc, {"https://storage.azure.com/.default"});
  auth_test::get_token(*one, ioc);
  EXPECT_EQ(sender.count(), 3u);
  EXPECT_EQ(cache->size(), 3u);
  one.reset();
  EXPECT_EQ(cache->size(), 1u);
}

TEST_F(cache_fixture, InvalidateDropsTheToken) {
  auto cred = make();
  sender.set_fallback([](const http::request&) { return auth_test::answer{auth_test::entra_token("any", 3600), {}}; });
  auth_test::get_token(*cred, ioc);
  cred->invalidate({"https://management.azure.com/.default"});
  auth_test::get_token(*cred, ioc);
  EXPECT_EQ(sender.count(), 2u);
}

TEST_F(cache_fixture, EmptyScopesAreRejectedBeforeAnyRequest) {
  auto cred = make();
  auto r = auth_test::get_token(*cred, ioc, {});
  EXPECT_EQ(r.ec, make_error_code(errc::invalid_argument));
  EXPECT_EQ(sender.count(), 0u);
}

}  // namespace
