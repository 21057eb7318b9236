#include <amlk8s/core/error.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Error, HttpStatusMapsToConditions) {
  EXPECT_EQ(amlk8s::errc_from_http_status(200), amlk8s::errc::ok);
  EXPECT_EQ(amlk8s::errc_from_http_status(401), amlk8s::errc::authentication_failed);
  EXPECT_EQ(amlk8s::errc_from_http_status(403), amlk8s::errc::authorization_failed);
  EXPECT_EQ(amlk8s::errc_from_http_status(404), amlk8s::errc::not_found);
  EXPECT_EQ(amlk8s::errc_from_http_status(409), amlk8s::errc::conflict);
  EXPECT_EQ(amlk8s::errc_from_http_status(429), amlk8s::errc::throttled);
  EXPECT_EQ(amlk8s::errc_from_http_status(503), amlk8s::errc::service_error);
}

TEST(Error, ErrorCodeUsesTheAmlk8sCategory) {
  amlk8s::error_code ec = amlk8s::errc::conflict;
  std::error_code std_ec = ec;
  EXPECT_EQ(std_ec.message(), "conflict");
  EXPECT_EQ(ec.category().name(), std::string("amlk8s"));
  EXPECT_EQ(ec.message(), "conflict");
}

TEST(Error, DiagnosticsTextHoldsServiceAndRequestIds) {
  amlk8s::diagnostics d;
  d.http_status = 400;
  d.service_code = "InvalidConfigurationSettings";
  d.service_message = "bad settings";
  d.details.push_back({"Inner", "nested", "properties.x"});
  d.request_id = "rid-1";
  d.correlation_request_id = "cid-2";
  amlk8s::error e(amlk8s::make_error_code(amlk8s::errc::service_error), d);
  std::string text = e.what();
  EXPECT_NE(text.find("HTTP 400 InvalidConfigurationSettings: bad settings"), std::string::npos) << text;
  EXPECT_NE(text.find("[properties.x] Inner: nested"), std::string::npos) << text;
  EXPECT_NE(text.find("x-ms-request-id=rid-1"), std::string::npos) << text;
  EXPECT_NE(text.find("x-ms-correlation-request-id=cid-2"), std::string::npos) << text;
  EXPECT_EQ(e.condition(), amlk8s::errc::service_error);
}

TEST(Error, ValidationErrorNamesFieldAndFix) {
  auto e = amlk8s::validation_error({{"configuration.enableTraining", "must be true or false, got 'yes'",
                                      "set enableTraining=True or enableTraining=False"}});
  std::string text = e.what();
  EXPECT_EQ(e.condition(), amlk8s::errc::invalid_argument);
  EXPECT_NE(text.find("configuration.enableTraining: must be true or false"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: set enableTraining=True"), std::string::npos) << text;
  ASSERT_EQ(e.diag().validation.size(), 1u);
}

TEST(Error, ConnectFailedHasItsOwnMessage) {
  amlk8s::error_code ec = amlk8s::errc::connect_failed;
  EXPECT_EQ(ec.message(), "could not connect");
  EXPECT_NE(ec, amlk8s::make_error_code(amlk8s::errc::transport_error));
}

TEST(Error, ThrowOnErrorThrowsOnlyWhenSet) {
  EXPECT_NO_THROW(amlk8s::throw_on_error({}));
  EXPECT_THROW(amlk8s::throw_on_error(amlk8s::errc::timeout), amlk8s::error);
}

}  // namespace
