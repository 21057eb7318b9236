#include <amlk8s/arm/error.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace {

using amlk8s::diagnostics;
using amlk8s::errc;
namespace arm = amlk8s::arm;
namespace http = amlk8s::http;

http::response make(int status, std::string body) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(ArmError, ReadsWrappedErrorWithNestedDetailsAndAdditionalInfo) {
  auto res = make(400, R"({"error":{"code":"ExtensionOperationFailed","message":"helm failed","target":"properties",
      "details":[{"code":"Inner","message":"bad value","target":"configurationSettings",
                  "details":[{"code":"Deeper","message":"E40002","target":"inferenceRouterHA"}]},
                 {"code":"Second","message":"other"}],
      "additionalInfo":[{"type":"PolicyViolation","info":{"policy":"deny-all"}}]}})");
  res.headers.add("x-ms-request-id", "rid");
  res.headers.add("x-ms-correlation-request-id", "cid");
  res.headers.add("x-ms-client-request-id", "crid");
  diagnostics d;
  auto ec = arm::error_from_response(res, d);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::service_error));
  EXPECT_EQ(d.http_status, 400);
  EXPECT_EQ(d.service_code, "ExtensionOperationFailed");
  EXPECT_EQ(d.service_message, "helm failed (target: properties)");
  EXPECT_EQ(d.request_id, "rid");
  EXPECT_EQ(d.correlation_request_id, "cid");
  EXPECT_EQ(d.client_request_id, "crid");
  ASSERT_EQ(d.details.size(), 4u);
  EXPECT_EQ(d.details[0], (amlk8s::service_error_detail{"additionalInfo:PolicyViolation", R"({"policy":"deny-all"})", ""}));
  EXPECT_EQ(d.details[1], (amlk8s::service_error_detail{"Inner", "bad value", "configurationSettings"}));
  EXPECT_EQ(d.details[2],
            (amlk8s::service_error_detail{"Deeper", "E40002", "configurationSettings/inferenceRouterHA"}));
  EXPECT_EQ(d.details[3], (amlk8s::service_error_detail{"Second", "other", ""}));
}

TEST(ArmError, ReadsFlatShape) {
  diagnostics d;
  auto ec = arm::error_from_response(make(404, R"({"code":"ResourceNotFound","message":"no such cluster"})"), d);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::not_found));
  EXPECT_EQ(d.service_code, "ResourceNotFound");
  EXPECT_EQ(d.service_message, "no such cluster");
}

TEST(ArmError, StatusMapsToConditions) {
  diagnostics d;
  EXPECT_EQ(arm::error_from_response(make(401, ""), d), amlk8s::make_error_code(errc::authentication_failed));
  EXPECT_EQ(arm::error_from_response(make(403, ""), d), amlk8s::make_error_code(errc::authorization_failed));
  EXPECT_EQ(arm::error_from_response(make(409, ""), d), amlk8s::make_error_code(errc::conflict));
  EXPECT_EQ(arm::error_from_response(make(429, ""), d), amlk8s::make_error_code(errc::throttled));
  EXPECT_EQ(arm::error_from_response(make(503, ""), d), amlk8s::make_error_code(errc::service_error));
  diagnostics untouched;
  EXPECT_FALSE(arm::error_from_response(make(200, R"({"error":{"code":"x"}})"), untouched));
  EXPECT_TRUE(untouched.empty());
}

TEST(ArmError, NonJsonBodyIsShortenedAndRedacted) {
  std::string html = "<html>\n<body>   Bad gateway: upstream said Authorization: Bearer abcdefghijklmnop.qrstu "
                     "and sig=SECRETSIG&se=2030 and AccountKey=c2VjcmV0a2V5PT0=; " +
                     std::string(1000, 'x') + "</body></html>";
  diagnostics d;
  arm::error_from_response(make(502, html), d);
  EXPECT_EQ(d.http_status, 502);
  EXPECT_TRUE(d.service_code.empty());
  EXPECT_LE(d.service_message.size(), 303u);
  EXPECT_EQ(d.service_message.find("abcdefghijklmnop"), std::string::npos) << d.service_message;
  EXPECT_EQ(d.service_message.find("SECRETSIG"), std::string::npos) << d.service_message;
  EXPECT_EQ(d.service_message.find("c2VjcmV0a2V5PT0"), std::string::npos) << d.service_message;
  EXPECT_NE(d.service_message.find("<html> <body> Bad gateway"), std::string::npos) << d.service_message;
  EXPECT_NE(d.service_message.find("***"), std::string::npos) << d.service_message;
  EXPECT_EQ(d.service_message.substr(d.service_message.size() - 3), "...");
}

TEST(ArmError, JsonMessagesAreRedactedToo) {
  diagnostics d;
  arm::error_from_response(
      make(400, R"({"error":{"code":"InvalidSettings","message":"relay Endpoint=sb://x/;SharedAccessKeyName=rw;SharedAccessKey=S3cr3tKey=; token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rejected"}})"),
      d);
  EXPECT_EQ(d.service_message.find("S3cr3tKey"), std::string::npos) << d.service_message;
  EXPECT_EQ(d.service_message.find("eyJzdWIiOiJ4In0"), std::string::npos) << d.service_message;
  EXPECT_NE(d.service_message.find("rejected"), std::string::npos) << d.service_message;
}

TEST(ArmError, PemBlocksAreRedacted) {
  diagnostics d;
  arm::read_error_body("cannot parse -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- at line 2", d);
  EXPECT_EQ(d.service_message.find("MIIEvQIBADANBg"), std::string::npos) << d.service_message;
  EXPECT_NE(d.service_message.find("at line 2"), std::string::npos) << d.service_message;
}

TEST(ArmError, JsonWithoutErrorShapeIsKeptAsText) {
  diagnostics d;
  arm::read_error_body(R"({"unexpected":true})", d);
  EXPECT_EQ(d.service_message, R"({"unexpected":true})");
}

TEST(ArmError, EmptyBodyLeavesServiceFieldsEmpty) {
  diagnostics d;
  auto ec = arm::error_from_response(make(404, " \r\n"), d);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::not_found));
  EXPECT_TRUE(d.service_message.empty());
  EXPECT_TRUE(d.service_code.empty());
}

TEST(ArmError, ReadErrorDetailIgnoresObjectsWithoutCodeOrMessage) {
  diagnostics d;
  EXPECT_FALSE(arm::read_error_detail(boost::json::parse(R"({"target":"x"})").as_object(), d));
  EXPECT_TRUE(d.empty());
}

TEST(ArmError, ParsedResponseOverload) {
  arm::response res;
  res.status = 409;
  res.body = boost::json::parse(R"({"error":{"code":"Conflict","message":"busy"}})");
  res.headers.add("x-ms-request-id", "r1");
  diagnostics d;
  EXPECT_EQ(arm::error_from_response(res, d), amlk8s::make_error_code(errc::conflict));
  EXPECT_EQ(d.service_code, "Conflict");
  EXPECT_EQ(d.request_id, "r1");
}

}  // namespace
