#include <amlk8s/http/user_agent_policy.hpp>

#include "fakes.hpp"

#include <amlk8s/core/version.hpp>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>


namespace {

using namespace amlk8s_test;

TEST(UserAgent, NamesSdkVersionPlatformAndApplication) {
  auto plain = http::make_user_agent();
  // amlk8s/<version> (<os>; <arch>)
  auto open = plain.find(" (");
  auto semicolon = plain.find("; ", open);
  ASSERT_NE(open, std::string::npos) << plain;
  ASSERT_NE(semicolon, std::string::npos) << plain;
  EXPECT_GT(semicolon, open + 2) << plain;
  EXPECT_EQ(plain.find_first_of("();", open + 2), semicolon) << plain;
  EXPECT_TRUE(plain.starts_with("amlk8s/" AMLK8S_VERSION_STRING " (")) << plain;
  EXPECT_TRUE(plain.ends_with(")")) << plain;
  auto with_app = http::make_user_agent("notebook");
  EXPECT_EQ(with_app, plain + " notebook");
}

TEST(UserAgent, RejectsApplicationIdsThatCouldBreakTheHeader) {
  EXPECT_THROW(http::make_user_agent("a\nb"), amlk8s::error);
  EXPECT_THROW(http::make_user_agent(std::string(65, 'a')), amlk8s::error);
  EXPECT_THROW(http::make_user_agent("caf\xc3\xa9"), amlk8s::error);
  EXPECT_NO_THROW(http::make_user_agent(std::string(64, 'a')));
}

TEST(UserAgent, KeepsTheCallersValueAfterOurs) {
  asio::io_context ctx;
  fake_sender transport(ctx.get_executor());
  http::user_agent_policy policy(transport, "app");
  amlk8s::diagnostics diag;
  result r;
  auto req = get();
  req.headers.set("User-Agent", "kubectl/v1.30");
  http::async_send(policy, req, diag, capture(r));
  ctx.run();
  EXPECT_EQ(transport.requests.at(0).headers.get("User-Agent"), policy.user_agent() + " kubectl/v1.30");
}

}  // namespace
