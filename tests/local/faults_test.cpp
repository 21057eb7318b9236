#include <amlk8s/local/faults.hpp>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using amlk8s::local::fault_injector;
using amlk8s::local::fault_kind;
using amlk8s::local::fault_plan;
using amlk8s::local::fault_rule;

fault_plan mixed(std::uint64_t seed) {
  fault_rule r;
  r.path_prefix = "/subscriptions";
  r.throttle_fraction = 0.2;
  r.unavailable_fraction = 0.1;
  r.drop_fraction = 0.1;
  return {seed, {r}};
}

TEST(Faults, SameSeedGivesTheSameDecisions) {
  fault_injector a(mixed(42));
  fault_injector b(mixed(42));
  fault_injector c(mixed(43));
  int differ = 0;
  for (int i = 0; i < 200; ++i) {
    auto x = a.decide("/subscriptions/s1");
    auto y = b.decide("/subscriptions/s1?api-version=1");
    auto z = c.decide("/subscriptions/s1");
    EXPECT_EQ(x.kind, y.kind) << i;
    differ += x.kind != z.kind;
  }
  EXPECT_GT(differ, 0);
}

TEST(Faults, FractionsAreRoughlyHonoured) {
  fault_injector f(mixed(7));
  int throttled = 0, unavailable = 0, dropped = 0, normal = 0;
  for (int i = 0; i < 10000; ++i) {
    switch (f.decide("/subscriptions/x").kind) {
      case fault_kind::throttle: ++throttled; break;
      case fault_kind::unavailable: ++unavailable; break;
      case fault_kind::drop: ++dropped; break;
      case fault_kind::none: ++normal; break;
      default: ADD_FAILURE();
    }
  }
  EXPECT_NEAR(throttled, 2000, 300);
  EXPECT_NEAR(unavailable, 1000, 200);
  EXPECT_NEAR(dropped, 1000, 200);
  EXPECT_NEAR(normal, 6000, 400);
}

TEST(Faults, RulesApplyByPathPrefixInOrder) {
  fault_rule slow;
  slow.path_prefix = "/slow";
  slow.latency = 250ms;
  fault_rule all;
  all.unavailable_fraction = 1;
  all.retry_after = 3s;
  fault_injector f({0, {slow, all}});
  auto d = f.decide("/slow/thing");
  EXPECT_EQ(d.kind, fault_kind::none);
  EXPECT_EQ(d.latency, 250ms);
  d = f.decide("/other");
  EXPECT_EQ(d.kind, fault_kind::unavailable);
  EXPECT_EQ(d.retry_after, 3s);
}

TEST(Faults, MaxHitsLimitsARuleToTheNextNRequests) {
  fault_rule next_two;
  next_two.throttle_fraction = 1;
  next_two.max_hits = 2;
  fault_injector f({0, {next_two}});
  EXPECT_EQ(f.decide("/a").kind, fault_kind::throttle);
  EXPECT_EQ(f.decide("/b").kind, fault_kind::throttle);
  EXPECT_EQ(f.decide("/c").kind, fault_kind::none);
  f.reset({0, {next_two}});
  EXPECT_EQ(f.decide("/d").kind, fault_kind::throttle);
}

TEST(Faults, NoPlanMeansNoFaults) {
  fault_injector f;
  auto d = f.decide("/anything");
  EXPECT_EQ(d.kind, fault_kind::none);
  EXPECT_EQ(d.latency, 0ms);
}

}  // namespace
