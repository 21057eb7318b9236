#include <amlk8s/core/quantity.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

using amlk8s::quantity;
using amlk8s::quantity_error;
using amlk8s::quantity_format;

std::string canonical(std::string_view text) { return quantity::parse(text).to_string(); }

quantity_error error_of(std::string_view text) {
  quantity_error kind = quantity_error::none;
  EXPECT_FALSE(quantity::try_parse(text, kind).has_value()) << "'" << text << "' parsed";
  return kind;
}

// Contract §4.2, the table of inputs and canonical outputs.
TEST(Quantity, ContractTableGivesCanonicalForms) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"0.6", "600m"},         {"1.5", "1500m"},
      {".5", "500m"},          {"1000m", "1"},
      {"1000", "1k"},          {"12000", "12k"},
      {"12300", "12300"},      {"1024", "1024"},
      {"1000M", "1G"},         {"2.50", "2500m"},
      {"0.05", "50m"},         {"1.5Gi", "1536Mi"},
      {"1024Mi", "1Gi"},       {"1000Mi", "1000Mi"},
      {"0.5Gi", "512Mi"},      {"0.75Gi", "768Mi"},
      {"0.5Ki", "512"},        {"1.25Ki", "1280"},
      {"1.1Ki", "1126400m"},   {"0.2Gi", "214748364800m"},
      {"2048Ki", "2Mi"},       {"1.5Mi", "1536Ki"},
      {"0.1m", "100u"},        {"1.2345m", "1234500n"},
      {"0.3333333333333", "333333334n"},
      {"1e-10", "1e-9"},       {"12e-1", "1200e-3"},
      {"1.5e3", "1500"},       {"9.3e18", "9300e15"},
      {"8Ei", "9223372036854775807"},
      {"-1.5", "-1500m"},      {"-0.5Gi", "-512Mi"},
      {"999999999999999999999", "999999999999999999999"},
  };
  for (const auto& [input, expected] : rows) {
    EXPECT_EQ(canonical(input), expected) << "input " << input;
    EXPECT_EQ(quantity::parse(input).canonical_string(), expected) << "input " << input;
  }
}

TEST(Quantity, ZeroPrintsAsZeroWithoutSign) {
  for (const char* text : {"0", "-0", "+0", "0.0", "000", ".0", "0Ki", "-0Gi", "0e5", "0m"}) {
    const auto q = quantity::parse(text);
    EXPECT_TRUE(q.is_zero()) << text;
    EXPECT_EQ(q.sign(), 0) << text;
    EXPECT_EQ(q.to_string(), "0") << text;
  }
  EXPECT_EQ(quantity{}.to_string(), "0");
}

TEST(Quantity, BinaryValueBelow1024PrintsAsDecimal) {
  const auto q = quantity::parse("0.5Ki");
  EXPECT_EQ(q.format(), quantity_format::binary_si);
  EXPECT_EQ(q.to_string(), "512");
  EXPECT_EQ(quantity::from_int(1023, quantity_format::binary_si).to_string(), "1023");
  EXPECT_EQ(quantity::from_int(-1023, quantity_format::binary_si).to_string(), "-1023");
  EXPECT_EQ(quantity::from_int(-1024, quantity_format::binary_si).to_string(), "-1Ki");
}

TEST(Quantity, WholeDecimal1024StaysDecimal) {
  EXPECT_EQ(canonical("1024"), "1024");
  EXPECT_EQ(quantity::from_int(1024).to_string(), "1024");
  EXPECT_EQ(quantity::from_int(1024, quantity_format::binary_si).to_string(), "1Ki");
}

TEST(Quantity, BinaryValueBelowOneUnitBecomesDecimalAtParse) {
  const auto q = quantity::parse("0.0001Ki");
  EXPECT_EQ(q.format(), quantity_format::decimal_si);
  EXPECT_EQ(q.to_string(), "102400u");
}

TEST(Quantity, FractionalBinaryValueAbove1024PrintsAsDecimal) {
  EXPECT_EQ(canonical("1.1Ki"), "1126400m");
  EXPECT_EQ(quantity::parse("1.1Ki").format(), quantity_format::binary_si);
}

TEST(Quantity, BinaryValuesAreCappedAtInt64Max) {
  EXPECT_EQ(canonical("8Ei"), "9223372036854775807");
  EXPECT_EQ(canonical("-8Ei"), "-9223372036854775807");
  EXPECT_EQ(canonical("99999999999999999999999999999999999999999999Ki"), "9223372036854775807");
  EXPECT_EQ(canonical("1.5Ei"), "1536Pi");
  EXPECT_EQ(quantity::parse("8Ei").value(), std::numeric_limits<std::int64_t>::max());
}

TEST(Quantity, LargeDecimalValuesStayExact) {
  const auto q = quantity::parse("999999999999999999999");
  EXPECT_EQ(q.to_string(), "999999999999999999999");
  EXPECT_GT(q, quantity::parse("8Ei"));
  EXPECT_EQ(q.value(), std::numeric_limits<std::int64_t>::max());  // saturates
  EXPECT_EQ(q + quantity::parse("1"), quantity::parse("1e21"));
}

TEST(Quantity, ValuesRoundUpAwayFromZeroToOneNano) {
  EXPECT_EQ(canonical("0.3333333333333"), "333333334n");
  EXPECT_EQ(canonical("-0.3333333333333"), "-333333334n");
  EXPECT_EQ(canonical("0.0000000001"), "1n");
  EXPECT_EQ(canonical("1e-30"), "1e-9");
  EXPECT_EQ(canonical("-1e-30"), "-1e-9");
  EXPECT_EQ(canonical("1e-99999999999999"), "1e-9");
  EXPECT_EQ(canonical("0.0000000000000000000000000000000000000000000000001"), "1n");
  EXPECT_EQ(canonical("0.0000000001Ki"), "103n");
  // Rounding up carries through trailing nines, even past the digit limit.
  EXPECT_EQ(canonical("0.9999999999999999999999999999999999999999999"), "1");
  EXPECT_EQ(canonical("999999999999999999999999999999.99999999999"), "1000000000000E");
}

TEST(Quantity, InputCloseToCanonicalIsEchoed) {
  for (const char* text : {"+1", "00100", "5.", "1.G", "1e+3", "100Mi", "+100Mi", "1.Gi", "-1Ki", "12300", "1.200"}) {
    EXPECT_EQ(quantity::parse(text).to_string(), text);
  }
  EXPECT_EQ(quantity::parse("+1").canonical_string(), "1");
  EXPECT_EQ(quantity::parse("00100").canonical_string(), "100");
  EXPECT_EQ(quantity::parse("5.").canonical_string(), "5");
  EXPECT_EQ(quantity::parse("1.G").canonical_string(), "1G");
  EXPECT_EQ(quantity::parse("1e+3").canonical_string(), "1e3");
}

TEST(Quantity, InputFarFromCanonicalIsRewritten) {
  EXPECT_EQ(canonical("+1000"), "1k");        // ends in 000
  EXPECT_EQ(canonical("01.5"), "1500m");      // exponent not a multiple of 3
  EXPECT_EQ(canonical("0.5"), "500m");        // starts with 0
  EXPECT_EQ(canonical("+1024Ki"), "1Mi");     // binary multiple of 8
  EXPECT_EQ(canonical("+1Pi"), "1Pi");        // Pi and Ei never take the short path
  EXPECT_EQ(canonical("1234567890123456789"), "1234567890123456789");
  EXPECT_EQ(canonical("+1234567890123456789"), "1234567890123456789");  // 19 digits
}

TEST(Quantity, UppercaseEAloneIsExa) {
  const auto exa = quantity::parse("1E");
  EXPECT_EQ(exa.format(), quantity_format::decimal_si);
  EXPECT_EQ(exa.value(), 1'000'000'000'000'000'000);
  EXPECT_EQ(exa.to_string(), "1E");

  const auto thousand = quantity::parse("1E3");
  EXPECT_EQ(thousand.format(), quantity_format::decimal_exponent);
  EXPECT_EQ(thousand.value(), 1000);
  EXPECT_EQ(thousand.to_string(), "1E3");  // echoed
  EXPECT_EQ(thousand.canonical_string(), "1e3");
}

TEST(Quantity, ExponentFormKeepsItsFormat) {
  EXPECT_EQ(quantity::parse("1e3").format(), quantity_format::decimal_exponent);
  auto exact = [](std::string_view text) { return quantity::parse(text).canonical_string(); };
  EXPECT_EQ(exact("1e3"), "1e3");
  EXPECT_EQ(exact("10e3"), "10e3");
  EXPECT_EQ(exact("1e30"), "1e30");
  EXPECT_EQ(exact("1e0"), "1");
  EXPECT_EQ(exact("1000e-3"), "1");
  EXPECT_EQ(exact("1E-6"), "1e-6");
  EXPECT_EQ(exact("1e4"), "10e3");
  EXPECT_EQ(exact("1e-1"), "100e-3");
}

TEST(Quantity, DecimalValuesBeyondExaKeepTheirZeros) {
  // Upstream prints "1" here; amlk8s keeps the value.
  EXPECT_EQ(canonical("1000E"), "1000E");
  EXPECT_EQ(canonical("1000000P"), "1000E");
  EXPECT_EQ(quantity::parse("1e21").with_format(quantity_format::decimal_si).to_string(), "1000E");
  EXPECT_EQ(quantity::parse("1000E"), quantity::parse("1e21"));
}

TEST(Quantity, SuffixErrorsMatchKubernetes) {
  for (const char* text : {"1K", "1ki", "1mi", "1e", "1m1", "1+", "1-1", "1e+", "1ee3", "1Ki1", "1kk",
                           "1e99999999999999999999"}) {
    EXPECT_EQ(error_of(text), quantity_error::bad_suffix) << text;
  }
}

TEST(Quantity, ShapeErrorsMatchKubernetes) {
  for (const char* text : {"", "abc", " 1", "1 ", "1 Gi", "1.2.3", "1e3.5", "+", "-", "Ki", "m", "1,5", "0x10", "1Gi\n"}) {
    EXPECT_EQ(error_of(text), quantity_error::shape_mismatch) << "'" << text << "'";
  }
}

TEST(Quantity, NumericErrorsWhenThereIsNoDigit) {
  for (const char* text : {".", "-.", "+.", ".Ki", ".m"}) {
    EXPECT_EQ(error_of(text), quantity_error::bad_number) << text;
  }
}

TEST(Quantity, AbsurdValuesAreRejectedAsOutOfRange) {
  EXPECT_EQ(error_of("1e1000"), quantity_error::out_of_range);
  EXPECT_EQ(error_of("1e9000000000000000"), quantity_error::out_of_range);
  EXPECT_EQ(error_of("123456789012345678901234567890123456789"), quantity_error::out_of_range);
  EXPECT_EQ(error_of("1234567890123456789012345678901234567.89"), quantity_error::out_of_range);
  // Digits below 1n do not count: they are rounded away.
  EXPECT_EQ(canonical("1.23456789012345678901234567890123456789"), "1234567891n");
  EXPECT_EQ(canonical("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
  EXPECT_EQ(canonical("1e999"), "1e999");
  EXPECT_EQ(canonical("0e99999999"), "0");
}

TEST(Quantity, PowersOfTenCompareAndPrintExactly) {
  for (int k = 1; k <= 38; ++k) {
    const std::string nines(static_cast<std::size_t>(k), '9');
    const std::string power = "1" + std::string(static_cast<std::size_t>(k), '0');
    const auto below = quantity::parse(nines);
    const auto at = quantity::parse(power);
    EXPECT_LT(below, at) << k;
    EXPECT_EQ(below + quantity::parse("1"), at) << k;
    EXPECT_EQ(quantity::parse(nines + "e5"), below * 100000) << k;
    EXPECT_EQ(quantity::parse(nines + "e3").canonical_string(), nines + "e3") << k;
  }
  // The magnitude limit: 999e997 < 1e1000 <= 9999e997.
  EXPECT_EQ(canonical("999e997"), "9990e996");
  EXPECT_EQ(error_of("9999e997"), quantity_error::out_of_range);
}

TEST(Quantity, ParseThrowsErrorQuotingTheInput) {
  try {
    (void)quantity::parse("1K");
    FAIL() << "no exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
    ASSERT_EQ(e.diag().validation.size(), 1u);
    const auto& issue = e.diag().validation[0];
    EXPECT_EQ(issue.field, "quantity");
    EXPECT_EQ(issue.message, "cannot parse '1K': unable to parse quantity's suffix");
    EXPECT_FALSE(issue.fix.empty());
    EXPECT_NE(std::string(e.what()).find("'1K'"), std::string::npos) << e.what();
  }
}

TEST(Quantity, ErrorMessagesAreKubernetesOwn) {
  EXPECT_EQ(amlk8s::quantity_error_message(quantity_error::shape_mismatch),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  EXPECT_EQ(amlk8s::quantity_error_message(quantity_error::bad_suffix), "unable to parse quantity's suffix");
  EXPECT_EQ(amlk8s::quantity_error_message(quantity_error::bad_number), "unable to parse numeric part of quantity");
  EXPECT_TRUE(amlk8s::quantity_error_message(quantity_error::none).empty());
}

TEST(Quantity, TryParseFillsDiagnosticsWithField) {
  amlk8s::diagnostics diag;
  EXPECT_FALSE(quantity::try_parse("1 Gi", diag, "resources.requests.memory").has_value());
  ASSERT_EQ(diag.validation.size(), 1u);
  EXPECT_EQ(diag.validation[0].field, "resources.requests.memory");
  EXPECT_EQ(diag.validation[0].message,
            "cannot parse '1 Gi': quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");

  amlk8s::diagnostics numeric;
  EXPECT_FALSE(quantity::try_parse(".", numeric).has_value());
  EXPECT_EQ(numeric.validation.at(0).message, "cannot parse '.': unable to parse numeric part of quantity");

  amlk8s::diagnostics ok;
  auto q = quantity::try_parse("500m", ok);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->milli_value(), 500);
  EXPECT_TRUE(ok.empty());
}

TEST(Quantity, ErrorEscapesControlCharactersAndCutsLongInput) {
  amlk8s::diagnostics diag;
  EXPECT_FALSE(quantity::try_parse("1\nGi", diag).has_value());
  EXPECT_EQ(diag.validation.at(0).message.find('\n'), std::string::npos);
  EXPECT_NE(diag.validation.at(0).message.find("'1\\x0aGi'"), std::string::npos);

  amlk8s::diagnostics long_diag;
  EXPECT_FALSE(quantity::try_parse(std::string(1000, 'x'), long_diag).has_value());
  EXPECT_LT(long_diag.validation.at(0).message.size(), 300u);
}

TEST(Quantity, ValueRoundsUpToWholeUnits) {
  EXPECT_EQ(quantity::parse("100m").value(), 1);
  EXPECT_EQ(quantity::parse("1").value(), 1);
  EXPECT_EQ(quantity::parse("1.5").value(), 2);
  EXPECT_EQ(quantity::parse("-100m").value(), -1);
  EXPECT_EQ(quantity::parse("1Gi").value(), 1073741824);
  EXPECT_EQ(quantity::parse("1k").value(), 1000);
  EXPECT_EQ(quantity::parse("0").value(), 0);
}

TEST(Quantity, MilliValueCountsThousandths) {
  EXPECT_EQ(quantity::parse("0.6").milli_value(), 600);
  EXPECT_EQ(quantity::parse("2").milli_value(), 2000);
  EXPECT_EQ(quantity::parse("1n").milli_value(), 1);
  EXPECT_EQ(quantity::parse("-1n").milli_value(), -1);
  EXPECT_EQ(quantity::parse("250m").milli_value(), 250);
  EXPECT_EQ(quantity::parse("1.5Gi").scaled_value(6), 1611);  // 1610.612736 M rounds up
}

TEST(Quantity, IntegerViewsSaturate) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(quantity::parse("1e30").value(), max);
  EXPECT_EQ(quantity::parse("-1e30").value(), min);
  EXPECT_EQ(quantity::parse("9223372036854775807").value(), max);
  EXPECT_EQ(quantity::parse("-9223372036854775808").value(), min);
  EXPECT_EQ(quantity::parse("9223372036854775808").value(), max);
  EXPECT_EQ(quantity::parse("8Ei").milli_value(), max);
  EXPECT_EQ(quantity::parse("1n").scaled_value(100), 1);
}

TEST(Quantity, ComparesByValueNotText) {
  EXPECT_EQ(quantity::parse("1Gi"), quantity::parse("1024Mi"));
  EXPECT_EQ(quantity::parse("1"), quantity::parse("1000m"));
  EXPECT_EQ(quantity::parse("1k"), quantity::parse("1e3"));
  EXPECT_EQ(quantity::parse("+1"), quantity::parse("1"));
  EXPECT_EQ(quantity::parse("0.5Ki"), quantity::parse("512"));
  EXPECT_NE(quantity::parse("1G"), quantity::parse("1Gi"));
  EXPECT_LT(quantity::parse("1G"), quantity::parse("1Gi"));
  EXPECT_LT(quantity::parse("100m"), quantity::parse("1"));
  EXPECT_LE(quantity::parse("1"), quantity::parse("1000m"));
  EXPECT_GT(quantity::parse("-1m"), quantity::parse("-1"));
  EXPECT_LT(quantity::parse("-2"), quantity::parse("0"));
  EXPECT_GT(quantity::parse("1e30"), quantity::parse("8Ei"));
  EXPECT_LT(quantity::parse("1n"), quantity::parse("2n"));
  EXPECT_TRUE(std::is_eq(quantity::parse("1Mi") <=> quantity::parse("1024Ki")));
}

TEST(Quantity, SortsByValue) {
  std::vector<quantity> v;
  for (const char* text : {"1Gi", "500m", "-1", "1e3", "1G", "0", "2", "1n"}) v.push_back(quantity::parse(text));
  std::sort(v.begin(), v.end());
  std::vector<std::string> printed;
  for (const auto& q : v) printed.push_back(q.to_string());
  EXPECT_EQ(printed, (std::vector<std::string>{"-1", "0", "1n", "500m", "2", "1e3", "1G", "1Gi"}));
}

TEST(Quantity, EqualValuesHashEqually) {
  std::unordered_set<quantity> set;
  set.insert(quantity::parse("1Gi"));
  EXPECT_EQ(set.count(quantity::parse("1024Mi")), 1u);
  EXPECT_EQ(set.count(quantity::parse("1G")), 0u);
}

TEST(Quantity, AddsAndSubtractsExactly) {
  EXPECT_EQ((quantity::parse("1Gi") + quantity::parse("512Mi")).to_string(), "1536Mi");
  EXPECT_EQ((quantity::parse("1") - quantity::parse("1500m")).to_string(), "-500m");
  EXPECT_EQ((quantity::parse("100m") + quantity::parse("1n")).to_string(), "100000001n");
  EXPECT_EQ((quantity::parse("1Gi") + quantity::parse("1")).to_string(), "1073741825");
  EXPECT_TRUE((quantity::parse("1Gi") - quantity::parse("1024Mi")).is_zero());
  auto q = quantity::parse("1");
  q += quantity::parse("2");
  q -= quantity::parse("500m");
  EXPECT_EQ(q.to_string(), "2500m");
}

TEST(Quantity, SumTakesLeftFormatUnlessLeftIsZero) {
  EXPECT_EQ((quantity{} + quantity::parse("1Gi")).to_string(), "1Gi");
  EXPECT_EQ((quantity::parse("1024") + quantity::parse("1Ki")).to_string(), "2048");
  EXPECT_EQ((quantity::parse("1Ki") + quantity::parse("1024")).to_string(), "2Ki");
  EXPECT_EQ((quantity::parse("1e3") + quantity::parse("1k")).format(), quantity_format::decimal_exponent);
}

TEST(Quantity, ArithmeticDropsEchoedText) {
  EXPECT_EQ((quantity::parse("+1") + quantity{}).to_string(), "1");
  EXPECT_EQ((-quantity::parse("+1")).to_string(), "-1");
  EXPECT_EQ((quantity::parse("00100") * 1).to_string(), "100");
}

TEST(Quantity, NegationKeepsFormat) {
  const auto q = -quantity::parse("1.5Gi");
  EXPECT_EQ(q.to_string(), "-1536Mi");
  EXPECT_EQ(q.sign(), -1);
  EXPECT_EQ(-q, quantity::parse("1.5Gi"));
  EXPECT_TRUE((-quantity{}).is_zero());
}

TEST(Quantity, MultipliesByWholeNumbers) {
  EXPECT_EQ((quantity::parse("500m") * 3).to_string(), "1500m");
  EXPECT_EQ((4 * quantity::parse("256Mi")).to_string(), "1Gi");
  EXPECT_EQ((quantity::parse("1.5") * -2).to_string(), "-3");
  EXPECT_TRUE((quantity::parse("1Gi") * 0).is_zero());
  EXPECT_EQ((quantity::parse("1") * std::numeric_limits<std::int64_t>::min()).to_string(), "-9223372036854775808");
  // 5^54 · 2^54 = 10^54: the intermediate product needs more than 128 bits, the result does not.
  const auto five_54 = quantity::parse("55511151231257827021181583404541015625");
  EXPECT_EQ(five_54 * 18014398509481984, quantity::parse("1e54"));
}

TEST(Quantity, ArithmeticBeyondTheLimitsThrows) {
  EXPECT_THROW((void)(quantity::parse("1e999") + quantity::parse("1")), amlk8s::error);
  EXPECT_THROW((void)(quantity::parse("12345678901234567890123456789012345678") * 99), amlk8s::error);
  EXPECT_THROW((void)(quantity::parse("9e999") * 2), amlk8s::error);
  EXPECT_THROW((void)quantity::from_scaled(1, 5000), amlk8s::error);
  try {
    (void)(quantity::parse("1e999") - quantity::parse("1n"));
    ADD_FAILURE() << "no exception";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
  }
}

TEST(Quantity, BuildsFromIntegers) {
  EXPECT_EQ(quantity::from_int(2000).to_string(), "2k");
  EXPECT_EQ(quantity::from_milli(1500).to_string(), "1500m");
  EXPECT_EQ(quantity::from_milli(1500).milli_value(), 1500);
  EXPECT_EQ(quantity::from_int(2048, quantity_format::binary_si).to_string(), "2Ki");
  EXPECT_EQ(quantity::from_scaled(5, -12).to_string(), "1n");
  EXPECT_EQ(quantity::from_scaled(15, 2, quantity_format::decimal_exponent).to_string(), "1500");
  EXPECT_EQ(quantity::from_int(std::numeric_limits<std::int64_t>::min()).value(), std::numeric_limits<std::int64_t>::min());
}

TEST(Quantity, StreamsItsText) {
  std::ostringstream os;
  os << quantity::parse("1.5Gi") << ' ' << quantity::parse("+1");
  EXPECT_EQ(os.str(), "1536Mi +1");
}

TEST(QuantityJson, WritesTheStringKubectlPrints) {
  EXPECT_EQ(boost::json::value_from(quantity::parse("1.5Gi")), boost::json::value("1536Mi"));
  EXPECT_EQ(boost::json::value_from(quantity::parse("+1")), boost::json::value("+1"));
  EXPECT_EQ(boost::json::serialize(boost::json::value_from(quantity{})), "\"0\"");
}

TEST(QuantityJson, ReadsStringsAfterTrimming) {
  EXPECT_EQ(boost::json::value_to<quantity>(boost::json::value("500m")).to_string(), "500m");
  EXPECT_EQ(boost::json::value_to<quantity>(boost::json::parse(R"(" \t1Gi\n ")")).to_string(), "1Gi");
  EXPECT_THROW((void)boost::json::value_to<quantity>(boost::json::value("   ")), amlk8s::error);
  EXPECT_THROW((void)boost::json::value_to<quantity>(boost::json::value("1K")), amlk8s::error);
}

TEST(QuantityJson, ReadsBareNumbers) {
  auto read = [](std::string_view json) { return boost::json::value_to<quantity>(boost::json::parse(json)); };
  EXPECT_EQ(read("1").to_string(), "1");
  EXPECT_EQ(read("-4").to_string(), "-4");
  EXPECT_EQ(read("0.5").to_string(), "500m");
  EXPECT_EQ(read("0.5"), quantity::parse("0.5"));
  EXPECT_EQ(read("0.1").to_string(), "100m");
  EXPECT_EQ(read("1.5").to_string(), "1500m");
  EXPECT_EQ(read("18446744073709551615").to_string(), "18446744073709551615");
  EXPECT_EQ(read("1e30"), quantity::parse("1e30"));
  EXPECT_EQ(read("1e30").to_string(), "1e30");
  EXPECT_EQ(read("1e3").to_string(), "1k");  // read from the double 1000, not from the text "1e3"
  EXPECT_EQ(read("2.5e-7").to_string(), "250e-9");
  EXPECT_EQ(read("2.5e-7"), quantity::parse("250n"));
}

TEST(QuantityJson, CappedBinaryValueReadsBackAsDecimal) {
  // "9223372036854775807" carries no binary suffix, so only the value survives, as in Kubernetes.
  const auto q = quantity::parse("8Ei");
  const auto back = boost::json::value_to<quantity>(boost::json::value_from(q));
  EXPECT_EQ(back, q);
  EXPECT_EQ(back.format(), quantity_format::decimal_si);
}

TEST(QuantityJson, NullIsZero) {
  const auto q = boost::json::value_to<quantity>(boost::json::value(nullptr));
  EXPECT_TRUE(q.is_zero());
  EXPECT_EQ(q.to_string(), "0");
}

TEST(QuantityJson, RejectsOtherKinds) {
  for (const char* json : {"true", "[]", "{}"}) {
    try {
      (void)boost::json::value_to<quantity>(boost::json::parse(json));
      ADD_FAILURE() << json << " accepted";
    } catch (const amlk8s::error& e) {
      EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
      EXPECT_NE(std::string(e.what()).find("JSON string, number or null"), std::string::npos) << e.what();
    }
  }
  auto r = boost::json::try_value_to<quantity>(boost::json::value("1ki"));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), amlk8s::make_error_code(amlk8s::errc::invalid_argument));
}

TEST(QuantityJson, RoundTripsKeepValueAndText) {
  for (const char* text : {"500m", "1.5Gi", "4", "100Mi", "1e3", "+1", "00100", "-0.5Gi", "1e-30",
                           "999999999999999999999", "0.3333333333333", "1000E"}) {
    const auto q = quantity::parse(text);
    const auto back = boost::json::value_to<quantity>(boost::json::parse(boost::json::serialize(boost::json::value_from(q))));
    EXPECT_EQ(back, q) << text;
    EXPECT_EQ(back.to_string(), q.to_string()) << text;
    EXPECT_EQ(back.format(), q.format()) << text;
  }
}

}  // namespace
