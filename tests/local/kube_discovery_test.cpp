// Discovery, /version, OpenAPI and the request checks before routing (contracts/kubernetes.md §2.2,
// §2.3, §2.6, §2.9).
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

bool has_group(const boost::json::object& list, std::string_view name) {
  for (const auto& g : list.at("groups").as_array())
    if (g.at("name").as_string() == name) return true;
  return false;
}

TEST(KubeDiscovery, VersionIsConfigurable) {
  kube::api_server_options o;
  o.version.major = "1";
  o.version.minor = "28";
  o.version.git_version = "v1.28.9";
  server s(false, o);
  auto r = s.get("/version");
  ASSERT_EQ(r.status, 200);
  auto v = body_of(r);
  EXPECT_EQ(v.at("major"), "1");
  EXPECT_EQ(v.at("minor"), "28");
  EXPECT_EQ(v.at("gitVersion"), "v1.28.9");
  for (auto key : {"gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"}) EXPECT_TRUE(v.contains(key)) << key;
}

TEST(KubeDiscovery, CoreApiVersions) {
  server s(false);
  auto r = s.get("/api");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]})");
}

TEST(KubeDiscovery, CoreResourceListHasShortNamesAndSubresources) {
  server s(false);
  auto list = body_of(s.get("/api/v1"));
  EXPECT_EQ(list.at("kind"), "APIResourceList");
  EXPECT_EQ(list.at("groupVersion"), "v1");
  bool pods = false, pods_log = false, nodes = false;
  for (const auto& r : list.at("resources").as_array()) {
    const auto& o = r.as_object();
    if (o.at("name") == "pods") {
      pods = true;
      EXPECT_EQ(o.at("namespaced"), true);
      EXPECT_EQ(o.at("kind"), "Pod");
      EXPECT_EQ(str(o.at("shortNames")), R"(["po"])");
      EXPECT_EQ(str(o.at("verbs")), R"(["create","delete","deletecollection","get","list","patch","update","watch"])");
    }
    if (o.at("name") == "pods/log") pods_log = true;
    if (o.at("name") == "nodes") {
      nodes = true;
      EXPECT_EQ(o.at("namespaced"), false);
    }
  }
  EXPECT_TRUE(pods && pods_log && nodes);
}

TEST(KubeDiscovery, InstanceTypesAppearOnlyAfterTheCrdIsCreated) {
  server s(false);
  EXPECT_FALSE(has_group(body_of(s.get("/apis")), "amlarc.azureml.com"));
  EXPECT_EQ(s.get("/apis/amlarc.azureml.com/v1alpha1").status, 404);
  EXPECT_EQ(s.get(it_path).status, 404);

  auto created = s.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", str(kube::instance_type_crd()));
  ASSERT_EQ(created.status, 201) << created.body;
  auto crd = body_of(created);
  EXPECT_EQ(str(crd.at("status").at("conditions").at(1).at("type")), R"("Established")");

  auto groups = body_of(s.get("/apis"));
  ASSERT_TRUE(has_group(groups, "amlarc.azureml.com"));
  auto group = body_of(s.get("/apis/amlarc.azureml.com"));
  EXPECT_EQ(str(group.at("preferredVersion")), R"({"groupVersion":"amlarc.azureml.com/v1alpha1","version":"v1alpha1"})");

  auto list = body_of(s.get("/apis/amlarc.azureml.com/v1alpha1"));
  ASSERT_EQ(list.at("resources").as_array().size(), 1u);
  const auto& it = list.at("resources").at(0).as_object();
  EXPECT_EQ(it.at("name"), "instancetypes");
  EXPECT_EQ(it.at("singularName"), "instancetype");
  EXPECT_EQ(it.at("kind"), "InstanceType");
  EXPECT_EQ(it.at("namespaced"), false);  // §1.1: cluster-scoped
  EXPECT_EQ(s.get(it_path).status, 200);

  ASSERT_EQ(s.del("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/instancetypes.amlarc.azureml.com").status, 200);
  EXPECT_FALSE(has_group(body_of(s.get("/apis")), "amlarc.azureml.com"));
}

TEST(KubeDiscovery, AggregatedDiscoveryWhenAskedFor) {
  server s;
  auto accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;"
      "as=APIGroupDiscoveryList,application/json";
  auto r = s.get("/apis", accept);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  auto list = body_of(r);
  EXPECT_EQ(list.at("kind"), "APIGroupDiscoveryList");
  EXPECT_EQ(list.at("apiVersion"), "apidiscovery.k8s.io/v2");
  bool found = false;
  for (const auto& item : list.at("items").as_array()) {
    if (item.at("metadata").at("name") != "amlarc.azureml.com") continue;
    found = true;
    const auto& res = item.at("versions").at(0).at("resources").at(0).as_object();
    EXPECT_EQ(res.at("resource"), "instancetypes");
    EXPECT_EQ(res.at("scope"), "Cluster");
    EXPECT_EQ(str(res.at("responseKind")), R"({"group":"amlarc.azureml.com","version":"v1alpha1","kind":"InstanceType"})");
  }
  EXPECT_TRUE(found);

  auto core = body_of(s.get("/api", accept));
  EXPECT_EQ(core.at("items").at(0).at("metadata").at("name"), "");
  // Without the aggregated Accept the legacy shape comes back (§2.2: clients then fall back).
  EXPECT_EQ(body_of(s.get("/apis")).at("kind"), "APIGroupList");
}

TEST(KubeDiscovery, OpenApiV2IsTheMinimalProtobufDocument) {
  server s;
  auto r = s.get("/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  const unsigned char expected[] = {0x0a, 0x03, 0x32, 0x2e, 0x30, 0x12, 0x0c, 0x0a, 0x06, 0x61, 0x6d,
                                    0x6c, 0x6b, 0x38, 0x73, 0x12, 0x02, 0x76, 0x31, 0x42, 0x00};
  EXPECT_EQ(r.body, std::string(reinterpret_cast<const char*>(expected), sizeof expected));
  EXPECT_EQ(s.get("/openapi/v3").status, 404);
}

TEST(KubeDiscovery, UnknownPathIsANotFoundStatus) {
  server s;
  auto r = s.get("/apis/nope.example.com/v1/things");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})");
}

TEST(KubeDiscovery, ServesUnderItsPathPrefixOnly) {
  kube::api_server_options o;
  o.path_prefix = "/k8s/dev/";
  server s(true, o);
  EXPECT_EQ(s.get("/k8s/dev/version").status, 200);
  EXPECT_EQ(s.get("/k8s/dev/apis/amlarc.azureml.com/v1alpha1/instancetypes?limit=500").status, 200);
  EXPECT_EQ(s.get("/version").status, 404);
  EXPECT_EQ(s.get("/k8s/devx/version").status, 404);
  // Origin-form targets work the same.
  auto r = make(verb::get, "");
  r.url = "/k8s/dev/api/v1/namespaces";
  EXPECT_EQ(s.api.handle(r).status, 200);
}

TEST(KubeDiscovery, BearerTokenIsCheckedByTheVerifier) {
  kube::api_server_options o;
  o.verify_token = [](std::string_view token) { return token == "good"; };
  server s(false, o);
  auto r = make(verb::get, "/api/v1/nodes");
  EXPECT_EQ(s.api.handle(r).status, 401);
  r.headers.set("Authorization", "Bearer bad");
  auto denied = s.api.handle(r);
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})");
  r.headers.set("Authorization", "bearer good");
  EXPECT_EQ(s.api.handle(r).status, 200);
}

TEST(KubeDiscovery, WritesOnDiscoveryAreMethodNotAllowed) {
  server s;
  auto r = s.post("/apis", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body_of(r).at("reason"), "MethodNotAllowed");
}

}  // namespace
