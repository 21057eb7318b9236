// The fault plan document (parse_fault_plan, to_json, mixed_fault_plan): what `serve --faults FILE`
// and the admin route `/_amlk8s/faults` read.
#include <amlk8s/core/error.hpp>
#include <amlk8s/local/faults.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace std::chrono_literals;
using amlk8s::local::fault_injector;
using amlk8s::local::fault_kind;
using amlk8s::local::fault_plan;
using amlk8s::local::parse_fault_plan;

// The message of the validation error `text` raises, or "" when it parses.
std::string refusal(std::string_view text) {
  try {
    parse_fault_plan(text, "plan.yaml");
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    return e.diag().to_string();
  }
  return "";
}

TEST(FaultPlan, YamlMapsOntoTheRuleFields) {
  const auto plan = parse_fault_plan(R"(
seed: 42
rules:
  - path_prefix: /subscriptions/
    latency_ms: 250
    throttle_fraction: 0.1
    unavailable_fraction: 0.2
    server_error_fraction: 0.05
    drop_fraction: 0.01
    truncate_fraction: 0.02
    retry_after_s: 3
    max_hits: 7
  - unavailable_fraction: 1
)",
                                     "plan.yaml");
  EXPECT_EQ(plan.seed, 42u);
  ASSERT_EQ(plan.rules.size(), 2u);
  const auto& r = plan.rules[0];
  EXPECT_EQ(r.path_prefix, "/subscriptions/");
  EXPECT_EQ(r.latency, 250ms);
  EXPECT_DOUBLE_EQ(r.throttle_fraction, 0.1);
  EXPECT_DOUBLE_EQ(r.unavailable_fraction, 0.2);
  EXPECT_DOUBLE_EQ(r.server_error_fraction, 0.05);
  EXPECT_DOUBLE_EQ(r.drop_fraction, 0.01);
  EXPECT_DOUBLE_EQ(r.truncate_fraction, 0.02);
  EXPECT_EQ(r.retry_after, 3s);
  EXPECT_EQ(r.max_hits, 7u);
  // Defaults: every path, Retry-After 1, no limit.
  EXPECT_EQ(plan.rules[1].path_prefix, "");
  EXPECT_EQ(plan.rules[1].retry_after, 1s);
  EXPECT_EQ(plan.rules[1].max_hits, 0u);
  EXPECT_DOUBLE_EQ(plan.rules[1].unavailable_fraction, 1.0);
}

TEST(FaultPlan, JsonReadsTheSameAndRoundTripsThroughToJson) {
  const auto plan = parse_fault_plan(
      R"({"seed": 9, "rules": [{"path_prefix": "/k8s/", "unavailable_fraction": 1, "max_hits": 2, "retry_after_s": 0}]})",
      "body");
  EXPECT_EQ(plan.seed, 9u);
  ASSERT_EQ(plan.rules.size(), 1u);
  EXPECT_EQ(plan.rules[0].max_hits, 2u);
  EXPECT_EQ(plan.rules[0].retry_after, 0s);
  const auto again = parse_fault_plan(amlk8s::local::to_json(plan), "to_json");
  EXPECT_EQ(amlk8s::local::to_json(again), amlk8s::local::to_json(plan));
  EXPECT_EQ(again.rules[0].path_prefix, "/k8s/");
  EXPECT_DOUBLE_EQ(again.rules[0].unavailable_fraction, 1.0);
}

TEST(FaultPlan, AnEmptyDocumentIsAnEmptyPlan) {
  EXPECT_TRUE(parse_fault_plan("", "empty.yaml").rules.empty());
  EXPECT_TRUE(parse_fault_plan("{}", "empty.json").rules.empty());
}

TEST(FaultPlan, NextNRuleFailsExactlyNRequestsThenLetsThemThrough) {
  fault_injector f(parse_fault_plan("rules:\n  - path_prefix: /subscriptions\n    unavailable_fraction: 1\n    max_hits: 3\n",
                                    "plan.yaml"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.decide("/subscriptions/s").kind, fault_kind::unavailable) << i;
  EXPECT_EQ(f.decide("/subscriptions/s").kind, fault_kind::none);
  EXPECT_EQ(f.decide("/other").kind, fault_kind::none);
}

TEST(FaultPlan, AdminRoutesNeverGetFaults) {
  fault_injector f(parse_fault_plan("rules:\n  - drop_fraction: 1\n", "plan.yaml"));
  EXPECT_EQ(f.decide("/_amlk8s/faults").kind, fault_kind::none);
  EXPECT_EQ(f.decide("/subscriptions").kind, fault_kind::drop);
}

TEST(FaultPlan, BadValuesAreRefusedNamingTheField) {
  auto msg = refusal("rules:\n  - unavailable_fraction: 1.5\n");
  EXPECT_NE(msg.find("rules[0].unavailable_fraction"), std::string::npos) << msg;
  EXPECT_NE(msg.find("between 0 and 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("plan.yaml"), std::string::npos) << msg;

  msg = refusal("rules:\n  - path_prefix: /a\n  - throttle_fraction: often\n");
  EXPECT_NE(msg.find("rules[1].throttle_fraction"), std::string::npos) << msg;

  msg = refusal("rules:\n  - throttle_fraction: 0.6\n    unavailable_fraction: 0.6\n");
  EXPECT_NE(msg.find("rules[0]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("more than 1"), std::string::npos) << msg;

  msg = refusal("rules:\n  - latency_ms: -5\n");
  EXPECT_NE(msg.find("rules[0].latency_ms"), std::string::npos) << msg;

  msg = refusal("rules:\n  - max_hit: 3\n");
  EXPECT_NE(msg.find("rules[0].max_hit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("max_hits"), std::string::npos) << msg;  // the fix lists the known members

  msg = refusal("sead: 1\n");
  EXPECT_NE(msg.find("sead"), std::string::npos) << msg;

  msg = refusal("rules: 3\n");
  EXPECT_NE(msg.find("rules"), std::string::npos) << msg;

  msg = refusal("rules:\n  - path_prefix: subscriptions\n");
  EXPECT_NE(msg.find("rules[0].path_prefix"), std::string::npos) << msg;

  msg = refusal("seed: -1\n");
  EXPECT_NE(msg.find("seed"), std::string::npos) << msg;
}

TEST(FaultPlan, SyntaxErrorsNameTheSource) {
  try {
    parse_fault_plan("{\"seed\": ", "broken.json");
    FAIL() << "accepted broken JSON";
  } catch (const amlk8s::error& e) {
    EXPECT_NE(e.diag().to_string().find("broken.json"), std::string::npos) << e.diag().to_string();
  }
}

TEST(FaultPlan, MixedPlanSplitsTheRateBetween429And503) {
  const auto plan = amlk8s::local::mixed_fault_plan(0.2, 5);
  EXPECT_EQ(plan.seed, 5u);
  ASSERT_EQ(plan.rules.size(), 1u);
  EXPECT_EQ(plan.rules[0].path_prefix, "");
  EXPECT_DOUBLE_EQ(plan.rules[0].throttle_fraction, 0.1);
  EXPECT_DOUBLE_EQ(plan.rules[0].unavailable_fraction, 0.1);
  fault_injector f(plan);
  int throttled = 0, unavailable = 0, other = 0;
  for (int i = 0; i < 10000; ++i) {
    switch (f.decide("/k8s/c1/api").kind) {
      case fault_kind::throttle: ++throttled; break;
      case fault_kind::unavailable: ++unavailable; break;
      case fault_kind::none: break;
      default: ++other;
    }
  }
  EXPECT_NEAR(throttled, 1000, 150);
  EXPECT_NEAR(unavailable, 1000, 150);
  EXPECT_EQ(other, 0);
  EXPECT_THROW(amlk8s::local::mixed_fault_plan(1.5, 0), amlk8s::error);
}

}  // namespace
