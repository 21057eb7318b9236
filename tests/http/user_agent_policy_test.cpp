#include <amlk8s/http/request_id_policy.hpp>
#include <amlk8s/http/user_agent_policy.hpp>

#include "fakes.hpp"

#include <amlk8s/core/version.hpp>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace {

using namespace amlk8s_test;

TEST(UserAgent, NamesSdkVersionPlatformAndApplication) {
  std::regex shape(R"(amlk8s/\d+\.\d+\.\d+ \([^();]+; [a-z0-9_]+\)( .+)?)");
  auto plain = http::make_user_agent();
  EXPECT_TRUE(std::regex_match(plain, shape)) << plain;
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

TEST(RequestId, IsARandomVersion4Guid) {
  std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = http::new_client_request_id();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
