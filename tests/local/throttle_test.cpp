#include <amlk8s/local/throttle.hpp>

#include <gtest/gtest.h>

namespace {

using namespace amlk8s::local;
using namespace std::chrono_literals;

TEST(ArmThrottle, BucketsEmptyAndRefillAtArmRates) {
  throttle_options options;
  options.enabled = true;
  arm_throttle throttle(options);
  const auto t0 = clock::time_point(std::chrono::seconds(1'700'000'000));
  for (int i = 0; i < 250; ++i) {
    const auto d = throttle.take("SUB", request_class::read, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 249 - i);
  }
  auto d = throttle.take("sub", request_class::read, t0);  // same subscription, any case
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);
  // Writes and other subscriptions are not affected.
  EXPECT_EQ(throttle.take("sub", request_class::write, t0).remaining, 199);
  EXPECT_EQ(throttle.take("sub", request_class::delete_, t0).remaining, 199);
  EXPECT_EQ(throttle.take("other", request_class::read, t0).remaining, 249);
  // 25 tokens a second.
  d = throttle.take("sub", request_class::read, t0 + 1s);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 24);
  // Never above capacity.
  EXPECT_EQ(throttle.take("sub", request_class::read, t0 + 1h).remaining, 249);
}

TEST(ArmThrottle, RetryAfterCoversTheWaitForOneToken) {
  throttle_options options;
  options.enabled = true;
  options.writes = {1, 0.25};
  arm_throttle throttle(options);
  const auto t0 = clock::time_point(std::chrono::seconds(1'700'000'000));
  EXPECT_TRUE(throttle.take("s", request_class::write, t0).allowed);
  const auto d = throttle.take("s", request_class::write, t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 4s);
  EXPECT_FALSE(throttle.take("s", request_class::write, t0 + 3s).allowed);
  EXPECT_TRUE(throttle.take("s", request_class::write, t0 + 4s).allowed);
  EXPECT_EQ(arm_throttle::header_name(request_class::write), "x-ms-ratelimit-remaining-subscription-writes");
}

}  // namespace
