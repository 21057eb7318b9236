#include <amlk8s/arm/path.hpp>

#include <amlk8s/core/error.hpp>

#include <gtest/gtest.h>

namespace {

namespace arm = amlk8s::arm;

TEST(ArmPath, EncodesEachSegment) {
  EXPECT_EQ(arm::encode_path("/subscriptions/s/resourceGroups/my rg (test)/providers/X.Y/t/a%b&c+d"),
            "/subscriptions/s/resourceGroups/my%20rg%20(test)/providers/X.Y/t/a%25b%26c%2Bd");
  EXPECT_EQ(arm::encode_path("/subscriptions/s/"), "/subscriptions/s");
  EXPECT_EQ(arm::encode_path_segment("ü"), "%C3%BC");
}

TEST(ArmPath, RejectsMalformedPaths) {
  EXPECT_THROW(arm::encode_path("subscriptions/s"), amlk8s::error);
  EXPECT_THROW(arm::encode_path("/subscriptions//resourceGroups/rg"), amlk8s::error);
  EXPECT_THROW(arm::encode_path("/"), amlk8s::error);
  try {
    arm::encode_path("/subscriptions//x");
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("empty segment"), std::string::npos);
  }
}

TEST(ArmPath, MakePathJoinsRawSegments) {
  EXPECT_EQ(arm::make_path({"subscriptions", "s", "resourceGroups", "my rg"}), "/subscriptions/s/resourceGroups/my rg");
  EXPECT_THROW(arm::make_path({"subscriptions", ""}), amlk8s::error);
  EXPECT_THROW(arm::make_path({"subscriptions", "a/b"}), amlk8s::error);
}

TEST(ArmPath, QueryComponentsUsePercentTwenty) {
  EXPECT_EQ(arm::encode_query_component("name eq 'a&b'"), "name%20eq%20'a%26b'");
  EXPECT_EQ(arm::encode_query_component("$skip"), "$skip");
}

TEST(ArmPath, AbsoluteUrls) {
  EXPECT_TRUE(arm::is_absolute_url("https://management.azure.com/x"));
  EXPECT_TRUE(arm::is_absolute_url("HTTP://127.0.0.1:8080/x"));
  EXPECT_FALSE(arm::is_absolute_url("/subscriptions/s"));
  EXPECT_FALSE(arm::is_absolute_url("https://"));
}

}  // namespace
