#include <amlk8s/http/request_id_policy.hpp>
#include <amlk8s/http/user_agent_policy.hpp>

#include "fakes.hpp"

#include <amlk8s/core/version.hpp>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <set>

namespace {

using namespace amlk8s_test;

// Checks `text` against a shape where 'h' is a lower-case hex digit and any other character must
// match itself (no std::regex: it trips GCC 12's sanitizer build with false warnings).
bool has_shape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool hex = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
    if (shape[i] == 'h' ? !hex : text[i] != shape[i]) return false;
  }
  return true;
}

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

TEST(RequestId, IsARandomVersion4Guid) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = http::new_client_request_id();
    EXPECT_TRUE(has_shape(id, "hhhhhhhh-hhhh-4hhh-hhhh-hhhhhhhhhhhh")) << id;
    EXPECT_NE(std::string_view("89ab").find(id.at(19)), std::string_view::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
