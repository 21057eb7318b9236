#include <amlk8s/arm/throttle.hpp>

#include <gtest/gtest.h>

namespace {

using amlk8s::arm::parse_retry_after;
using amlk8s::arm::parse_throttle_headers;
using amlk8s::http::header_map;
using std::chrono::milliseconds;

TEST(Throttle, ReadsSubscriptionAndTenantHeadersGenerically) {
  header_map h;
  h.add("x-ms-ratelimit-remaining-subscription-reads", "11999");
  h.add("X-MS-RateLimit-Remaining-Tenant-Writes", " 1199 ");
  h.add("x-ms-ratelimit-remaining-subscription-global-deletes", "14999");
  h.add("x-ms-request-id", "abc");
  auto t = parse_throttle_headers(h);
  ASSERT_EQ(t.quotas.size(), 3u);
  EXPECT_EQ(t.remaining("subscription-reads"), 11999);
  EXPECT_EQ(t.remaining("tenant-writes"), 1199);
  EXPECT_EQ(t.remaining("SUBSCRIPTION-GLOBAL-DELETES"), 14999);
  EXPECT_EQ(t.quotas[1].scope, "tenant-writes");
  EXPECT_EQ(t.lowest(), 1199);
  EXPECT_FALSE(t.remaining("subscription-writes"));
}

TEST(Throttle, ReadsResourceProviderNameCountList) {
  header_map h;
  h.add("x-ms-ratelimit-remaining-resource",
        "Microsoft.Compute/HighCostGet3Min;107,Microsoft.Compute/HighCostGet30Min;587");
  auto t = parse_throttle_headers(h);
  ASSERT_EQ(t.quotas.size(), 2u);
  EXPECT_EQ(t.quotas[0].scope, "resource");
  EXPECT_EQ(t.quotas[0].name, "Microsoft.Compute/HighCostGet3Min");
  EXPECT_EQ(t.remaining("resource", "microsoft.compute/highcostget30min"), 587);
  EXPECT_EQ(t.lowest(), 107);
}

TEST(Throttle, SkipsValuesThatAreNotNumbers) {
  header_map h;
  h.add("x-ms-ratelimit-remaining-subscription-reads", "lots");
  h.add("x-ms-ratelimit-remaining-resource", "A;1,broken,B;x,;3,C;2");
  auto t = parse_throttle_headers(h);
  ASSERT_EQ(t.quotas.size(), 2u);
  EXPECT_EQ(t.remaining("resource", "A"), 1);
  EXPECT_EQ(t.remaining("resource", "C"), 2);
}

TEST(Throttle, EmptyWhenNothingIsSaid) {
  header_map h;
  h.add("content-type", "application/json");
  EXPECT_TRUE(parse_throttle_headers(h).empty());
}

TEST(Throttle, RetryAfterSeconds) {
  header_map h;
  h.add("Retry-After", "17");
  EXPECT_EQ(parse_retry_after(h), milliseconds(17000));
  EXPECT_EQ(parse_throttle_headers(h).retry_after, milliseconds(17000));
}

TEST(Throttle, RetryAfterMillisecondsHeadersWin) {
  header_map h;
  h.add("Retry-After", "17");
  h.add("x-ms-retry-after-ms", "250");
  EXPECT_EQ(parse_retry_after(h), milliseconds(250));
  h.add("retry-after-ms", "40");
  EXPECT_EQ(parse_retry_after(h), milliseconds(40));
}

TEST(Throttle, RetryAfterHttpDateIsMeasuredAgainstTheDateHeader) {
  header_map h;
  h.add("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
  h.add("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT");
  EXPECT_EQ(parse_retry_after(h), milliseconds(30000));
}

TEST(Throttle, RetryAfterDateInThePastIsZero) {
  header_map h;
  h.add("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_retry_after(h), milliseconds(0));
}

TEST(Throttle, RetryAfterGarbageIsIgnored) {
  header_map h;
  h.add("Retry-After", "soon");
  EXPECT_FALSE(parse_retry_after(h));
  header_map negative;
  negative.add("Retry-After", "-5");
  EXPECT_FALSE(parse_retry_after(negative));
}

}  // namespace
