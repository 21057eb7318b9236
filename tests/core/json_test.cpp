#include <amlk8s/core/json.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace {

// A small model type written with the project's convention.
struct sample {
  std::string name;
  std::optional<int> count;
  std::optional<bool> enabled;

  friend bool operator==(const sample&, const sample&) = default;
};

void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const sample& s) {
  boost::json::object o;
  amlk8s::json::write(o, "name", s.name);
  amlk8s::json::write(o, "count", s.count);
  amlk8s::json::write(o, "enabled", s.enabled);
  jv = std::move(o);
}

sample tag_invoke(boost::json::value_to_tag<sample>, const boost::json::value& jv) {
  const auto& o = amlk8s::json::as_object(jv, "sample");
  sample s;
  amlk8s::json::read(o, "name", s.name);
  amlk8s::json::read(o, "count", s.count);
  amlk8s::json::read(o, "enabled", s.enabled);
  return s;
}

TEST(Json, UnknownMembersAreIgnored) {
  auto s = boost::json::value_to<sample>(boost::json::parse(R"({"name":"a","extra":{"x":1},"count":2})"));
  EXPECT_EQ(s, (sample{"a", 2, std::nullopt}));
}

TEST(Json, UnsetOptionalsAreOmittedOnOutput) {
  auto v = boost::json::value_from(sample{"a", std::nullopt, true});
  EXPECT_EQ(boost::json::serialize(v), R"({"name":"a","enabled":true})");
}

TEST(Json, NullReadsAsUnset) {
  auto s = boost::json::value_to<sample>(boost::json::parse(R"({"name":"a","count":null})"));
  EXPECT_FALSE(s.count.has_value());
}

TEST(Json, WrongTypeNamesTheMember) {
  try {
    (void)boost::json::value_to<sample>(boost::json::parse(R"({"name":"a","count":"two"})"));
    FAIL() << "expected an error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    ASSERT_FALSE(e.diag().validation.empty());
    EXPECT_EQ(e.diag().validation.front().field, "count");
    EXPECT_NE(std::string(e.what()).find("got string"), std::string::npos) << e.what();
  }
}

TEST(Json, SyntaxErrorNamesTheSource) {
  try {
    (void)amlk8s::json::parse("{\"a\":", "settings.json");
    FAIL() << "expected an error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.diag().validation.at(0).field, "settings.json");
  }
}

TEST(Json, RoundTrip) {
  sample s{"x", 3, false};
  EXPECT_EQ(boost::json::value_to<sample>(boost::json::value_from(s)), s);
}

}  // namespace
