#include "arm_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;

std::string aks_path(std::string_view name = "aks1") {
  return arm_bench::rg_path() + "/providers/Microsoft.ContainerService/managedClusters/" + std::string(name);
}

TEST(ArmApi, RefusesRequestsWithoutAToken) {
  arm_bench b;
  auto req = b.request(verb::get, aks_path());
  req.headers.erase("Authorization");
  auto res = b.arm->handle(req);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "AuthenticationFailed");
  EXPECT_TRUE(res.headers.contains("WWW-Authenticate"));
  req.headers.set("Authorization", "Bearer not-a-token");
  res = b.arm->handle(req);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidAuthenticationToken");
}

TEST(ArmApi, RefusesExpiredTokensAndWrongAudiences) {
  arm_bench b;
  b.time->advance(2h);
  auto res = b.call(verb::get, aks_path());
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "ExpiredAuthenticationToken");
  b.token = b.tokens->issue(dev_client_id, "https://vault.azure.net");
  res = b.call(verb::get, aks_path());
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidAuthenticationTokenAudience");
}

TEST(ArmApi, RequiresApiVersion) {
  arm_bench b;
  auto res = b.arm->handle(b.request(verb::get, aks_path(), {}, false));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "MissingApiVersionParameter");
  res = b.arm->handle(b.request(verb::get, aks_path() + "?api-version=latest", {}, false));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidApiVersionParameter");
  // ARM accepts the parameter name in any case (real CLI traces send api-Version).
  res = b.arm->handle(b.request(verb::get, aks_path() + "?api-Version=2024-09-01", {}, false));
  EXPECT_EQ(res.status, 404);
}

TEST(ArmApi, PutGetDeleteManagedCluster) {
  arm_bench b;
  auto res = b.call(verb::get, aks_path());
  ASSERT_EQ(res.status, 404);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "ResourceNotFound");

  res = b.call(verb::put, aks_path(), aks_body());
  ASSERT_EQ(res.status, 201) << res.body;
  auto body = arm_bench::json(res);
  EXPECT_EQ(str(body.at("type")), "Microsoft.ContainerService/managedClusters");
  EXPECT_EQ(str(body.at("location")), "eastus");
  EXPECT_EQ(str(body.at("properties").at("provisioningState")), "Creating");
  EXPECT_FALSE(str(body.at("identity").at("principalId")).empty());

  res = b.call(verb::get, aks_path());
  ASSERT_EQ(res.status, 200);
  body = arm_bench::json(res);
  EXPECT_EQ(str(body.at("properties").at("provisioningState")), "Succeeded");
  EXPECT_EQ(str(body.at("properties").at("agentPoolProfiles").at(0).at("vmSize")), "Standard_D4s_v3");
  EXPECT_EQ(body.at("properties").at("disableLocalAccounts"), true);

  // Ids compare case-insensitively; the stored casing is returned.
  auto lower = aks_path();
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  res = b.call(verb::get, lower);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(arm_bench::json(res).at("id")), aks_path());

  const auto cluster = b.arm->cluster(aks_path());
  ASSERT_TRUE(cluster.has_value());
  ASSERT_EQ(cluster->node_pools.size(), 1u);
  EXPECT_EQ(cluster->node_pools[0].count, 3);
  EXPECT_EQ(cluster->node_pools[0].cpu_millicores, 4000);
  EXPECT_EQ(cluster->node_pools[0].memory_bytes, 16LL << 30);
  EXPECT_EQ(cluster->node_pools[0].taints.at(0), "CriticalAddonsOnly=true:NoSchedule");
  EXPECT_FALSE(cluster->local_accounts);
  EXPECT_EQ(cluster->authorized_ip_ranges, std::vector<std::string>{"10.0.0.0/8"});

  res = b.call(verb::delete_, aks_path());
  EXPECT_EQ(res.status, 202);
  EXPECT_TRUE(res.headers.contains("Location"));
  res = b.call(verb::get, aks_path());
  EXPECT_EQ(res.status, 404);
  res = b.call(verb::delete_, aks_path());
  EXPECT_EQ(res.status, 204);
}

TEST(ArmApi, UnknownVmSizeIsRejected) {
  arm_bench b;
  const auto res = b.call(verb::put, aks_path(), aks_body("Standard_Nonexistent_v9"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("target")), "properties.agentPoolProfiles[0].vmSize");
}

TEST(ArmApi, LongRunningPutMovesOnTheClock) {
  arm_options options;
  options.lro_delay = 10s;
  arm_bench b(options);
  auto res = b.call(verb::put, aks_path(), aks_body());
  ASSERT_EQ(res.status, 201);
  const auto async_url = std::string(*res.headers.get("Azure-AsyncOperation"));
  const auto location = std::string(*res.headers.get("Location"));
  EXPECT_EQ(*res.headers.get("Retry-After"), "10");
  EXPECT_TRUE(async_url.starts_with("http://127.0.0.1:7000/subscriptions/"));
  EXPECT_NE(async_url.find("api-version=2024-11-01"), std::string::npos);

  auto status = b.follow(async_url);
  ASSERT_EQ(status.status, 200) << status.body;
  auto op = arm_bench::json(status);
  EXPECT_EQ(str(op.at("status")), "InProgress");
  EXPECT_FALSE(op.contains("endTime"));
  EXPECT_TRUE(op.at("error").is_null());
  EXPECT_EQ(b.follow(location).status, 202);
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, aks_path())).at("properties").at("provisioningState")), "Creating");

  // Another write while the operation runs is refused, as ARM does.
  res = b.call(verb::put, aks_path(), aks_body("Standard_D8s_v3"));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "AnotherOperationInProgress");

  b.time->advance(4s);
  EXPECT_EQ(*b.follow(async_url).headers.get("Retry-After"), "6");
  b.time->advance(6s);
  op = arm_bench::json(b.follow(async_url));
  EXPECT_EQ(str(op.at("status")), "Succeeded");
  EXPECT_TRUE(op.contains("startTime"));
  EXPECT_TRUE(op.contains("endTime"));
  EXPECT_EQ(str(op.at("name")), async_url.substr(async_url.rfind('/') + 1, 36));
  const auto final = b.follow(location);
  EXPECT_EQ(final.status, 200);
  EXPECT_EQ(str(arm_bench::json(final).at("properties").at("provisioningState")), "Succeeded");

  // The same PUT again changes nothing: 200, no operation.
  res = b.call(verb::put, aks_path(), aks_body());
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));

  // A delete runs on the clock as well; its Location ends in 204.
  res = b.call(verb::delete_, aks_path());
  ASSERT_EQ(res.status, 202);
  const auto delete_location = std::string(*res.headers.get("Location"));
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, aks_path())).at("properties").at("provisioningState")), "Deleting");
  b.time->advance(10s);
  EXPECT_EQ(b.follow(delete_location).status, 204);
  EXPECT_EQ(b.call(verb::get, aks_path()).status, 404);
}

TEST(ArmApi, ListsPageWithNextLink) {
  arm_options options;
  options.page_size = 100;
  arm_bench b(options);
  for (int i = 0; i < 250; ++i) {
    cluster_spec c;
    c.kind = cluster_kind::arc;
    c.subscription = arm_bench::sub();
    c.resource_group = "rg1";
    c.name = "arc" + std::to_string(1000 + i);
    c.node_pools.push_back({"p", 1, "", 2000, 8LL << 30, 0, {}, {}, "System"});
    b.arm->add_cluster(c);
  }
  std::set<std::string> seen;
  int pages = 0;
  auto res = b.call(verb::get, arm_bench::rg_path() + "/providers/Microsoft.Kubernetes/connectedClusters");
  for (;;) {
    ASSERT_EQ(res.status, 200) << res.body;
    const auto body = arm_bench::json(res);
    ++pages;
    for (const auto& item : body.at("value").as_array()) seen.insert(str(item.at("name")));
    if (!body.contains("nextLink")) break;
    const auto next = str(body.at("nextLink"));
    EXPECT_NE(next.find("api-version="), std::string::npos);
    res = b.follow(next);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 250u);

  // The same type listed across the subscription.
  res = b.call(verb::get, "/subscriptions/" + arm_bench::sub() + "/providers/Microsoft.Kubernetes/connectedClusters");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(arm_bench::json(res).at("value").as_array().size(), 100u);
}

TEST(ArmApi, ResourceGroupsAndSubscriptionsExistImplicitly) {
  arm_bench b;
  auto res = b.call(verb::get, arm_bench::rg_path("anything"));
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(arm_bench::json(res).at("name")), "anything");
  res = b.call(verb::put, arm_bench::rg_path("made"), R"({"location":"West Europe","tags":{"a":"b"}})");
  ASSERT_EQ(res.status, 201);
  res = b.call(verb::get, arm_bench::rg_path("made"));
  EXPECT_EQ(str(arm_bench::json(res).at("location")), "westeurope");
  EXPECT_EQ(b.call(verb::put, arm_bench::rg_path("made"), R"({"location":"westeurope"})").status, 200);
  res = b.call(verb::get, "/subscriptions/" + arm_bench::sub());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(arm_bench::json(res).at("state")), "Enabled");
  res = b.call(verb::get, "/subscriptions/" + arm_bench::sub() + "/resourcegroups");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(arm_bench::json(res).at("value").as_array().size(), 1u);
}

TEST(ArmApi, ProviderRegistration) {
  arm_options options;
  options.lro_delay = 5s;
  arm_bench b(options);
  const auto provider = "/subscriptions/" + arm_bench::sub() + "/providers/Microsoft.KubernetesConfiguration";
  auto res = b.call(verb::get, provider);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(arm_bench::json(res).at("registrationState")), "Registered");
  EXPECT_EQ(str(arm_bench::json(res).at("namespace")), "Microsoft.KubernetesConfiguration");

  b.arm->set_provider_registered(arm_bench::sub(), "microsoft.containerservice", false);
  res = b.call(verb::put, aks_path(), aks_body());
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "MissingSubscriptionRegistration");
  res = b.call(verb::post, "/subscriptions/" + arm_bench::sub() + "/providers/Microsoft.ContainerService/register");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(arm_bench::json(res).at("registrationState")), "Registering");
  b.time->advance(5s);
  res = b.call(verb::get, "/subscriptions/" + arm_bench::sub() + "/providers/Microsoft.ContainerService");
  EXPECT_EQ(str(arm_bench::json(res).at("registrationState")), "Registered");
  EXPECT_EQ(b.call(verb::put, aks_path(), aks_body()).status, 201);
}

TEST(ArmApi, ThrottleAnswers429WithQuotaHeaders) {
  arm_options options;
  options.throttle.enabled = true;
  options.throttle.reads = {3, 1};
  arm_bench b(options);
  for (int i = 2; i >= 0; --i) {
    const auto res = b.call(verb::get, arm_bench::rg_path());
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(*res.headers.get("x-ms-ratelimit-remaining-subscription-reads"), std::to_string(i));
  }
  auto res = b.call(verb::get, arm_bench::rg_path());
  ASSERT_EQ(res.status, 429);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "SubscriptionRequestsThrottled");
  EXPECT_EQ(*res.headers.get("Retry-After"), "1");
  EXPECT_EQ(*res.headers.get("x-ms-ratelimit-remaining-subscription-reads"), "0");
  // Writes and deletes have buckets of their own.
  res = b.call(verb::put, arm_bench::rg_path(), R"({"location":"eastus"})");
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(*res.headers.get("x-ms-ratelimit-remaining-subscription-writes"), "199");
  res = b.call(verb::delete_, aks_path());
  EXPECT_EQ(*res.headers.get("x-ms-ratelimit-remaining-subscription-deletes"), "199");
  b.time->advance(1s);
  EXPECT_EQ(b.call(verb::get, arm_bench::rg_path()).status, 200);
  // Off by default: no quota headers.
  arm_bench quiet;
  EXPECT_FALSE(quiet.call(verb::get, arm_bench::rg_path()).headers.contains("x-ms-ratelimit-remaining-subscription-reads"));
}

TEST(ArmApi, MalformedRequestsGetArmErrors) {
  arm_bench b;
  auto res = b.call(verb::put, aks_path(), "{not json");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidRequestContent");
  res = b.call(verb::put, arm_bench::rg_path() + "/providers/Microsoft.ContainerService/fleets/f1", "{}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidResourceType");
  res = b.call(verb::post, aks_path());
  EXPECT_EQ(res.status, 405);
  res = b.call(verb::put, aks_path(), R"({"properties":{"agentPoolProfiles":[{"name":"a","vmSize":"Standard_D2s_v3"}]}})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "LocationRequired");
  res = b.call(verb::head, arm_bench::rg_path());
  EXPECT_EQ(res.status, 204);
  EXPECT_TRUE(res.body.empty());
}

TEST(ArmApi, AnswersCarryCorrelationHeaders) {
  arm_bench b;
  auto req = b.request(verb::get, arm_bench::rg_path());
  req.headers.set("x-ms-client-request-id", "client-1");
  req.headers.set("x-ms-correlation-request-id", "corr-1");
  const auto res = b.arm->handle(req);
  EXPECT_TRUE(res.headers.contains("x-ms-request-id"));
  EXPECT_EQ(*res.headers.get("x-ms-correlation-request-id"), "corr-1");
  EXPECT_EQ(*res.headers.get("x-ms-client-request-id"), "client-1");
}

TEST(ArmApi, ObserversSeeChangesAndCanFailThem) {
  arm_bench b;
  std::vector<std::string> events;
  b.arm->on_change([&](resource_event& e) -> std::optional<operation_failure> {
    events.push_back(std::string(e.kind == change_kind::created ? "created " : e.kind == change_kind::updated ? "updated " : "deleted ") + e.type);
    if (e.cluster && e.cluster->name == "bad") return operation_failure{"ClusterCreationFailed", "no capacity", 500};
    return std::nullopt;
  });
  ASSERT_EQ(b.call(verb::put, aks_path(), aks_body()).status, 201);
  b.arm->settle();
  auto res = b.call(verb::put, aks_path("bad"), aks_body());
  const auto async_url = std::string(*res.headers.get("Azure-AsyncOperation"));
  const auto op = arm_bench::json(b.follow(async_url));
  EXPECT_EQ(str(op.at("status")), "Failed");
  EXPECT_EQ(str(op.at("error").at("code")), "ClusterCreationFailed");
  EXPECT_EQ(str(arm_bench::json(b.call(verb::get, aks_path("bad"))).at("properties").at("provisioningState")), "Failed");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], "created Microsoft.ContainerService/managedClusters");
}

}  // namespace
