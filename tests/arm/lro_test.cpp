// The long-running-operation algorithm, step by step, without any I/O.
#include <amlk8s/arm/lro.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace {

namespace arm = amlk8s::arm;
namespace http = amlk8s::http;
using amlk8s::errc;
using arm::lro_action_kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string resource = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
                             "Microsoft.Kubernetes/connectedClusters/c/providers/Microsoft.KubernetesConfiguration/"
                             "extensions/azureml?api-version=2024-11-01";
const std::string status_url = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
                               "Microsoft.KubernetesConfiguration/extensions/azureml/operations/op1?api-Version=2024-11-01";
const std::string location_url = "https://management.azure.com/subscriptions/s/providers/X/locations/w/results/r1";

arm::response answer(int status, std::string_view body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
  arm::response r;
  r.status = status;
  if (!body.empty()) r.body = boost::json::parse(body);
  for (auto& [k, v] : headers) r.headers.add(k, v);
  return r;
}

arm::lro_timing timing() { return arm::lro_timing{seconds(30), std::chrono::minutes(5)}; }

TEST(LroMachine, Put201WithAzureAsyncOperationPollsThenReadsTheResource) {
  arm::lro_machine m(http::verb::put, resource, timing());
  auto a = m.start(answer(201, R"({"properties":{"provisioningState":"Creating"}})",
                          {{"Azure-AsyncOperation", status_url}, {"Retry-After", "10"}}));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(a.url, status_url);  // verbatim, api-Version casing and all
  EXPECT_EQ(a.delay, seconds(10));
  EXPECT_EQ(m.status(), "Creating");

  a = m.resume(answer(200, R"({"status":"InProgress"})"));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(a.url, status_url);
  EXPECT_EQ(a.delay, seconds(30));  // no Retry-After: the client default
  EXPECT_EQ(m.status(), "InProgress");
  EXPECT_FALSE(m.done());

  a = m.resume(answer(200, R"({"status":"Succeeded"})"));
  EXPECT_EQ(a.kind, lro_action_kind::final_get);
  EXPECT_EQ(a.url, resource);
  EXPECT_FALSE(m.done());

  a = m.resume(answer(200, R"({"name":"azureml","properties":{"provisioningState":"Succeeded"}})"));
  EXPECT_EQ(a.kind, lro_action_kind::done);
  EXPECT_TRUE(m.done());
  EXPECT_TRUE(m.succeeded());
  EXPECT_EQ(m.result().at("name"), "azureml");
  EXPECT_EQ(m.status(), "Succeeded");
}

TEST(LroMachine, Delete202WithLocationFollowsMovedLocationAndEndsWithoutFinalGet) {
  arm::lro_machine m(http::verb::delete_, resource, timing());
  auto a = m.start(answer(202, {}, {{"Location", location_url}, {"Retry-After", "5"}}));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(a.url, location_url);
  EXPECT_EQ(a.delay, seconds(5));

  a = m.resume(answer(202, {}, {{"Location", location_url + "?page=2"}}));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(a.url, location_url + "?page=2");
  EXPECT_EQ(m.status(), "InProgress");

  a = m.resume(answer(204));
  EXPECT_EQ(a.kind, lro_action_kind::done);
  EXPECT_TRUE(m.succeeded());
  EXPECT_TRUE(m.result().is_null());
}

TEST(LroMachine, Put202WithLocationReadsTheResourceAtTheEnd) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(202, {}, {{"Location", location_url}}));
  auto a = m.resume(answer(200, R"({"partial":true})"));
  EXPECT_EQ(a.kind, lro_action_kind::final_get);
  EXPECT_EQ(a.url, resource);
}

TEST(LroMachine, Put200WithNonTerminalProvisioningStatePollsTheResource) {
  arm::lro_machine m(http::verb::put, resource, timing());
  auto a = m.start(answer(200, R"({"properties":{"provisioningState":"Updating"}})"));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(a.url, resource);
  EXPECT_EQ(m.status(), "Updating");

  a = m.resume(answer(200, R"({"properties":{"provisioningState":"Pending"}})"));
  EXPECT_EQ(a.kind, lro_action_kind::poll);
  EXPECT_EQ(m.status(), "Pending");

  a = m.resume(answer(200, R"({"id":"x","properties":{"provisioningState":"Succeeded"}})"));
  EXPECT_EQ(a.kind, lro_action_kind::done);  // the poll read the resource: no extra GET
  EXPECT_EQ(m.result().at("id"), "x");
}

TEST(LroMachine, FirstAnswerAlreadyFinal) {
  arm::lro_machine put(http::verb::put, resource, timing());
  EXPECT_EQ(put.start(answer(200, R"({"properties":{"provisioningState":"Succeeded"}})")).kind, lro_action_kind::done);
  EXPECT_EQ(put.result().at("properties").at("provisioningState"), "Succeeded");

  arm::lro_machine no_state(http::verb::patch, resource, timing());
  EXPECT_EQ(no_state.start(answer(200, R"({"name":"n"})")).kind, lro_action_kind::done);
  EXPECT_EQ(no_state.status(), "Succeeded");

  arm::lro_machine gone(http::verb::delete_, resource, timing());
  EXPECT_EQ(gone.start(answer(204)).kind, lro_action_kind::done);

  arm::lro_machine deleted(http::verb::delete_, resource, timing());
  EXPECT_EQ(deleted.start(answer(200)).kind, lro_action_kind::done);
}

TEST(LroMachine, FirstAnswerErrorFailsAtOnce) {
  arm::lro_machine m(http::verb::put, resource, timing());
  auto a = m.start(answer(400, R"({"error":{"code":"InvalidRequest","message":"version needs autoUpgrade off"}})",
                          {{"x-ms-request-id", "r1"}}));
  EXPECT_EQ(a.kind, lro_action_kind::failed);
  EXPECT_EQ(a.error, amlk8s::make_error_code(errc::service_error));
  EXPECT_EQ(a.diag.service_code, "InvalidRequest");
  EXPECT_EQ(a.diag.request_id, "r1");
  EXPECT_TRUE(m.done());
  EXPECT_FALSE(m.succeeded());

  // Even a 503 ends it: the operation never started.
  arm::lro_machine busy(http::verb::put, resource, timing());
  EXPECT_EQ(busy.start(answer(503)).kind, lro_action_kind::failed);
  EXPECT_TRUE(busy.done());
}

TEST(LroMachine, StatusValuesCompareCaseInsensitively) {
  for (auto s : {"Succeeded", "succeeded", "SUCCEEDED", "sUcCeEdEd"}) {
    arm::lro_machine m(http::verb::delete_, resource, timing());
    m.start(answer(202, {}, {{"azure-asyncoperation", status_url}}));
    EXPECT_EQ(m.resume(answer(200, std::string(R"({"status":")") + s + "\"}")).kind, lro_action_kind::done) << s;
    EXPECT_EQ(m.status(), s);  // kept verbatim
  }
  for (auto s : {"Failed", "FAILED", "canceled", "Canceled", "Cancelled"}) {
    arm::lro_machine m(http::verb::delete_, resource, timing());
    m.start(answer(202, {}, {{"Azure-AsyncOperation", status_url}}));
    auto a = m.resume(answer(200, std::string(R"({"status":")") + s + "\"}"));
    EXPECT_EQ(a.kind, lro_action_kind::failed) << s;
    EXPECT_EQ(a.error, amlk8s::make_error_code(errc::operation_failed)) << s;
  }
}

TEST(LroMachine, UnknownStatusesMeanStillRunning) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}}));
  EXPECT_EQ(m.status(), "InProgress");
  for (auto s : {"Creating", "Pending", "Running", "NotStarted", "SomethingNew", ""}) {
    auto a = m.resume(answer(200, std::string(R"({"status":")") + s + "\"}"));
    EXPECT_EQ(a.kind, lro_action_kind::poll) << s;
    EXPECT_EQ(m.status(), s);
  }
}

TEST(LroMachine, FailedStatusCarriesTheServiceError) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}}));
  auto a = m.resume(answer(200,
                           R"({"id":"op1","status":"Failed","error":{"code":"ExtensionOperationFailed",
                               "message":"pre-install hook failed: E40002 see aka.ms/arcmltsg",
                               "details":[{"code":"E40002","message":"needs 3 nodes"}]}})",
                           {{"x-ms-correlation-request-id", "corr"}}));
  EXPECT_EQ(a.kind, lro_action_kind::failed);
  EXPECT_EQ(a.error, amlk8s::make_error_code(errc::operation_failed));
  EXPECT_EQ(a.diag.service_code, "ExtensionOperationFailed");
  EXPECT_NE(a.diag.service_message.find("E40002"), std::string::npos);
  ASSERT_EQ(a.diag.details.size(), 1u);
  EXPECT_EQ(a.diag.details[0].code, "E40002");
  EXPECT_EQ(a.diag.correlation_request_id, "corr");
  EXPECT_NE(a.diag.client_message.find("Failed"), std::string::npos);
  EXPECT_EQ(a.diag.http_status, 0);
  EXPECT_TRUE(m.done());
  EXPECT_EQ(m.pending().kind, lro_action_kind::failed);
}

TEST(LroMachine, FailedProvisioningStateReadsErrorInfoAndProvisioningErrors) {
  arm::lro_machine ext(http::verb::put, resource, timing());
  auto a = ext.start(answer(200, R"({"properties":{"provisioningState":"Failed",
      "errorInfo":{"code":"ExtensionCreationFailed","message":"status not populated"}}})"));
  EXPECT_EQ(a.kind, lro_action_kind::failed);
  EXPECT_EQ(a.diag.service_code, "ExtensionCreationFailed");

  arm::lro_machine compute(http::verb::put, resource, timing());
  compute.start(answer(201, R"({"properties":{"provisioningState":"Creating"}})"));
  a = compute.resume(answer(200, R"({"properties":{"provisioningState":"failed",
      "provisioningErrors":[{"error":{"code":"BadNamespace","message":"namespace missing"}}]}})"));
  EXPECT_EQ(a.kind, lro_action_kind::failed);
  EXPECT_EQ(a.diag.service_code, "BadNamespace");
  EXPECT_EQ(compute.status(), "failed");
}

TEST(LroMachine, RetryAfterIsCappedAndDefaultApplies) {
  arm::lro_machine m(http::verb::put, resource, arm::lro_timing{milliseconds(1500), seconds(60)});
  auto a = m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}, {"Retry-After", "3600"}}));
  EXPECT_EQ(a.delay, seconds(60));
  a = m.resume(answer(200, R"({"status":"Running"})"));
  EXPECT_EQ(a.delay, milliseconds(1500));
  a = m.resume(answer(200, R"({"status":"Running"})", {{"retry-after-ms", "20"}}));
  EXPECT_EQ(a.delay, milliseconds(20));
  m.timing().max_delay = milliseconds(0);
  a = m.resume(answer(200, R"({"status":"Running"})", {{"Retry-After", "7"}}));
  EXPECT_EQ(a.delay, milliseconds(0));
}

TEST(LroMachine, PostReadsItsLocationAfterAsyncSuccess) {
  arm::lro_machine m(http::verb::post, "https://management.azure.com/x/cancel?api-version=1", timing());
  m.start(answer(202, {}, {{"Azure-AsyncOperation", status_url}, {"Location", location_url}}));
  auto a = m.resume(answer(200, R"({"status":"Succeeded"})"));
  EXPECT_EQ(a.kind, lro_action_kind::final_get);
  EXPECT_EQ(a.url, location_url);
  a = m.resume(answer(200, R"({"keys":["k"]})"));
  EXPECT_EQ(a.kind, lro_action_kind::done);
  EXPECT_EQ(m.result().at("keys").as_array().size(), 1u);

  arm::lro_machine only_status(http::verb::post, "https://management.azure.com/x/a?api-version=1", timing());
  only_status.start(answer(202, {}, {{"Azure-AsyncOperation", status_url}}));
  a = only_status.resume(answer(200, R"({"status":"Succeeded","properties":{"n":1}})"));
  EXPECT_EQ(a.kind, lro_action_kind::done);
  EXPECT_EQ(only_status.result().at("properties").at("n"), 1);
}

TEST(LroMachine, DeleteEndsWhenTheStatusSaysSucceeded) {
  arm::lro_machine m(http::verb::delete_, resource, timing());
  m.start(answer(202, {}, {{"Azure-AsyncOperation", status_url}, {"Location", location_url}}));
  auto a = m.resume(answer(200, R"({"status":"Succeeded"})"));
  EXPECT_EQ(a.kind, lro_action_kind::done);
  EXPECT_TRUE(m.result().is_null());
}

TEST(LroMachine, TransientPollErrorKeepsThePendingPoll) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}}));
  auto a = m.resume(answer(503, R"({"error":{"code":"ServiceUnavailable","message":"try later"}})",
                           {{"Retry-After", "2"}}));
  EXPECT_EQ(a.kind, lro_action_kind::failed);
  EXPECT_EQ(a.error, amlk8s::make_error_code(errc::service_error));
  EXPECT_EQ(a.diag.service_code, "ServiceUnavailable");
  EXPECT_FALSE(m.done());
  EXPECT_EQ(m.pending().kind, lro_action_kind::poll);
  EXPECT_EQ(m.pending().url, status_url);
  EXPECT_EQ(m.pending().delay, seconds(2));
  EXPECT_EQ(m.resume(answer(200, R"({"status":"Succeeded"})")).kind, lro_action_kind::final_get);
}

TEST(LroMachine, MissingStatusResourceEndsTheOperation) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}}));
  auto a = m.resume(answer(404, R"({"error":{"code":"NotFound","message":"no such operation"}})"));
  EXPECT_EQ(a.error, amlk8s::make_error_code(errc::not_found));
  EXPECT_TRUE(m.done());
}

TEST(LroMachine, StatusResourceWithoutStatusIsAProtocolError) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, {}, {{"Azure-AsyncOperation", status_url}}));
  auto a = m.resume(answer(200, R"({"id":"op"})"));
  EXPECT_EQ(a.error, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_FALSE(m.done());
}

TEST(LroMachine, ResumeTokenRoundTripWhilePolling) {
  arm::lro_machine m(http::verb::put, resource, timing());
  m.start(answer(201, R"({"properties":{"provisioningState":"Creating"}})",
                 {{"Azure-AsyncOperation", status_url}, {"Retry-After", "10"}}));
  std::string token = m.resume_token();
  EXPECT_EQ(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
            std::string::npos)
      << token;

  arm::lro_machine r;
  amlk8s::diagnostics diag;
  ASSERT_FALSE(arm::lro_machine::from_resume_token(token, r, diag, timing())) << diag.to_string();
  EXPECT_EQ(r.method(), http::verb::put);
  EXPECT_EQ(r.resource_url(), resource);
  EXPECT_EQ(r.status(), "Creating");
  EXPECT_EQ(r.pending().kind, lro_action_kind::poll);
  EXPECT_EQ(r.pending().url, status_url);
  EXPECT_EQ(r.pending().delay, milliseconds(0));  // resumed: poll at once
  EXPECT_EQ(r.resume(answer(200, R"({"status":"Succeeded"})")).kind, lro_action_kind::final_get);
  EXPECT_EQ(r.pending().url, resource);
  EXPECT_EQ(r.resume(answer(200, R"({"n":1})")).kind, lro_action_kind::done);
  EXPECT_EQ(r.result().at("n"), 1);
}

TEST(LroMachine, ResumeTokenKeepsAPendingFinalGetAndLocationMode) {
  arm::lro_machine m(http::verb::patch, resource, timing());
  m.start(answer(202, {}, {{"Azure-AsyncOperation", status_url}}));
  m.resume(answer(200, R"({"status":"Succeeded"})"));
  arm::lro_machine r;
  amlk8s::diagnostics diag;
  ASSERT_FALSE(arm::lro_machine::from_resume_token(m.resume_token(), r, diag));
  EXPECT_EQ(r.pending().kind, lro_action_kind::final_get);
  EXPECT_EQ(r.pending().url, resource);

  arm::lro_machine loc(http::verb::delete_, resource, timing());
  loc.start(answer(202, {}, {{"Location", location_url}}));
  arm::lro_machine r2;
  ASSERT_FALSE(arm::lro_machine::from_resume_token(loc.resume_token(), r2, diag));
  EXPECT_EQ(r2.pending().url, location_url);
  EXPECT_EQ(r2.resume(answer(202)).kind, lro_action_kind::poll);
  EXPECT_EQ(r2.resume(answer(204)).kind, lro_action_kind::done);
}

TEST(LroMachine, BadResumeTokensAreRejected) {
  arm::lro_machine r;
  amlk8s::diagnostics diag;
  for (std::string_view bad : {"", "hello", "amlk8s-lro.!!!", "amlk8s-lro.e30"}) {
    diag.clear();
    EXPECT_EQ(arm::lro_machine::from_resume_token(bad, r, diag), amlk8s::make_error_code(errc::invalid_argument)) << bad;
    EXPECT_NE(diag.client_message.find("resume token"), std::string::npos);
  }
}

}  // namespace
