// Write semantics: create, update, patch, delete (contracts/kubernetes.md §2.5, §2.6).
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

const std::string cms = "/api/v1/namespaces/default/configmaps";

TEST(KubeCrud, CreateTwiceIsAlreadyExists) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto r = s.post(it_path, instance_type("a"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"instancetypes.amlarc.azureml.com \"a\" already exists","reason":"AlreadyExists","details":{"name":"a","group":"amlarc.azureml.com","kind":"instancetypes"},"code":409})");
}

TEST(KubeCrud, StaleResourceVersionOnPutIsConflict) {
  server s;
  auto created = body_of(s.post(it_path, instance_type("a")));
  auto stale = created;
  ASSERT_EQ(s.patch(it_path + "/a", R"({"metadata":{"labels":{"x":"y"}}})", "application/merge-patch+json").status, 200);
  stale["spec"].as_object()["nodeSelector"] = boost::json::object{{"k", "v"}};
  auto r = s.put(it_path + "/a", str(stale));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on instancetypes.amlarc.azureml.com \"a\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"a","group":"amlarc.azureml.com","kind":"instancetypes"},"code":409})");

  auto fresh = body_of(s.get(it_path + "/a"));
  fresh["spec"].as_object()["nodeSelector"] = boost::json::object{{"k", "v"}};
  auto ok = s.put(it_path + "/a", str(fresh));
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(body_of(ok).at("metadata").at("generation"), 2);
}

TEST(KubeCrud, PutOfCustomResourceNeedsResourceVersion) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto r = s.put(it_path + "/a", instance_type("a", "3"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"InstanceType.amlarc.azureml.com \"a\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update","reason":"Invalid","details":{"name":"a","group":"amlarc.azureml.com","kind":"InstanceType","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 0x0: must be specified for an update","field":"metadata.resourceVersion"}]},"code":422})");
}

TEST(KubeCrud, PutOfBuiltInKindMayBeUnconditional) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"c"},"data":{"a":"1"}})").status, 201);
  auto r = s.put(cms + "/c", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"2"}})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r).at("data").at("a"), "2");
  EXPECT_FALSE(body_of(r).at("metadata").as_object().contains("generation"));
}

TEST(KubeCrud, NamesAndNamespacesAreChecked) {
  server s;
  auto bad_name = s.post(cms, R"({"metadata":{"name":"Bad_Name"}})");
  EXPECT_EQ(bad_name.status, 422);
  EXPECT_EQ(body_of(bad_name).at("details").at("causes").at(0).at("field"), "metadata.name");
  auto no_name = s.post(cms, R"({"metadata":{}})");
  EXPECT_EQ(no_name.status, 422);
  EXPECT_EQ(body_of(no_name).at("message"),
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
  auto mismatch = s.post(cms, R"({"metadata":{"name":"c","namespace":"kube-system"}})");
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(body_of(mismatch).at("message"),
            "the namespace of the provided object does not match the namespace sent on the request");
  auto missing_ns = s.post("/api/v1/namespaces/nope/configmaps", R"({"metadata":{"name":"c"}})");
  EXPECT_EQ(missing_ns.status, 404);
  EXPECT_EQ(body_of(missing_ns).at("message"), "namespaces \"nope\" not found");
  auto wrong_kind = s.post(cms, R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"c"}})");
  EXPECT_EQ(wrong_kind.status, 400);
  auto bad_label = s.post(cms, R"({"metadata":{"name":"c","labels":{"a":"not ok"}}})");
  EXPECT_EQ(bad_label.status, 422);
  auto bad_json = s.post(cms, "{nope");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(body_of(bad_json).at("reason"), "BadRequest");
}

TEST(KubeCrud, GenerateNameAddsASuffix) {
  server s;
  auto r = s.post("/api/v1/namespaces/default/pods", R"({"metadata":{"generateName":"job-"},"spec":{"containers":[{"name":"c","image":"i"}]}})");
  ASSERT_EQ(r.status, 201);
  auto name = std::string(body_of(r).at("metadata").at("name").as_string());
  EXPECT_EQ(name.size(), 9u);
  EXPECT_EQ(name.substr(0, 4), "job-");
  // Defaults a real API server fills in.
  EXPECT_EQ(body_of(r).at("status").at("phase"), "Pending");
  EXPECT_EQ(body_of(r).at("spec").at("schedulerName"), "default-scheduler");
}

TEST(KubeCrud, DryRunWritesNothing) {
  server s;
  auto rv = s.api.resource_version();
  auto r = s.post(it_path + "?dryRun=All", instance_type("a"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(s.api.resource_version(), rv);
  EXPECT_EQ(s.get(it_path + "/a").status, 404);
}

TEST(KubeCrud, JsonPatchAppliesOperationsAndFailedTestIsInvalid) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"c"},"data":{"a":"1"}})").status, 201);
  auto r = s.patch(cms + "/c", R"([{"op":"add","path":"/data/b","value":"2"},{"op":"replace","path":"/data/a","value":"3"},)"
                               R"({"op":"copy","from":"/data/b","path":"/data/c"},{"op":"remove","path":"/data/b"}])",
                   "application/json-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r).at("data")), R"({"a":"3","c":"2"})");
  auto failed = s.patch(cms + "/c", R"([{"op":"test","path":"/data/a","value":"nope"}])", "application/json-patch+json");
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(body_of(failed).at("reason"), "Invalid");
  auto missing = s.patch(cms + "/c", R"([{"op":"remove","path":"/data/zz"}])", "application/json-patch+json");
  EXPECT_EQ(missing.status, 422);
}

TEST(KubeCrud, PatchWithStaleResourceVersionIsConflict) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto r = s.patch(it_path + "/a", R"({"metadata":{"resourceVersion":"1","labels":{"a":"b"}}})",
                   "application/merge-patch+json");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(body_of(r).at("reason"), "Conflict");
}

TEST(KubeCrud, UnknownPatchTypeIsUnsupportedMediaType) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"c"}})").status, 201);
  EXPECT_EQ(s.patch(cms + "/c", "{}", "text/plain").status, 415);
}

TEST(KubeCrud, FinalizersHoldDeletionUntilCleared) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"c","finalizers":["example.com/hold"]}})").status, 201);
  auto r = s.del(cms + "/c");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(body_of(r).at("metadata").as_object().contains("deletionTimestamp"));
  EXPECT_EQ(s.get(cms + "/c").status, 200);
  auto cleared = s.patch(cms + "/c", R"({"metadata":{"finalizers":null}})", "application/merge-patch+json");
  ASSERT_EQ(cleared.status, 200);
  EXPECT_EQ(s.get(cms + "/c").status, 404);
}

TEST(KubeCrud, DeletePreconditionsAreChecked) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"c"}})").status, 201);
  auto r = s.del(cms + "/c", R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"other"}})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(s.get(cms + "/c").status, 200);
}

TEST(KubeCrud, DeleteCascadesToDependents) {
  server s;
  auto rs = body_of(s.post("/apis/apps/v1/namespaces/default/replicasets",
                           R"({"metadata":{"name":"rs"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})"));
  auto uid = std::string(rs.at("metadata").at("uid").as_string());
  auto pod = R"({"metadata":{"name":"p","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":")" + uid +
             R"("}]},"spec":{"containers":[{"name":"c","image":"i"}]}})";
  ASSERT_EQ(s.post("/api/v1/namespaces/default/pods", pod).status, 201);
  ASSERT_EQ(s.del("/apis/apps/v1/namespaces/default/replicasets/rs", R"({"propagationPolicy":"Background"})").status, 200);
  EXPECT_EQ(s.get("/api/v1/namespaces/default/pods/p").status, 404);
}

TEST(KubeCrud, DeletingTheCrdDeletesItsObjects) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  ASSERT_EQ(s.del("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/instancetypes.amlarc.azureml.com").status, 200);
  ASSERT_EQ(s.api.create(kube::resources::customresourcedefinitions, kube::instance_type_crd()).at("kind"), "CustomResourceDefinition");
  EXPECT_EQ(s.get(it_path + "/a").status, 404);
}

TEST(KubeCrud, DeletingANamespaceDeletesItsObjects) {
  server s;
  ASSERT_EQ(s.post("/api/v1/namespaces", R"({"metadata":{"name":"team"}})").status, 201);
  ASSERT_EQ(s.post("/api/v1/namespaces/team/configmaps", R"({"metadata":{"name":"c"}})").status, 201);
  ASSERT_EQ(s.del("/api/v1/namespaces/team").status, 200);
  EXPECT_EQ(s.get("/api/v1/namespaces/team/configmaps/c").status, 404);
}

TEST(KubeCrud, DeleteCollectionUsesSelectors) {
  server s;
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"a","labels":{"app":"x"}}})").status, 201);
  ASSERT_EQ(s.post(cms, R"({"metadata":{"name":"b","labels":{"app":"y"}}})").status, 201);
  auto r = s.del(cms + "?labelSelector=app%3Dx");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r).at("items").as_array().size(), 1u);
  EXPECT_EQ(s.get(cms + "/a").status, 404);
  EXPECT_EQ(s.get(cms + "/b").status, 200);
}

TEST(KubeCrud, StatusSubresourceWritesOnlyStatus) {
  server s;
  ASSERT_EQ(s.post("/apis/apps/v1/namespaces/default/deployments",
                   R"({"metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},"status":{"readyReplicas":9}})")
                .status,
            201);
  auto d = body_of(s.get("/apis/apps/v1/namespaces/default/deployments/d"));
  EXPECT_FALSE(d.contains("status") && d.at("status").as_object().contains("readyReplicas"));  // status is not writable on create
  auto r = s.patch("/apis/apps/v1/namespaces/default/deployments/d/status",
                   R"({"spec":{"replicas":5},"status":{"readyReplicas":2}})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  auto after = body_of(r);
  EXPECT_EQ(after.at("status").at("readyReplicas"), 2);
  EXPECT_EQ(after.at("spec").at("replicas"), 2);
  EXPECT_EQ(after.at("metadata").at("generation"), 1);
}

TEST(KubeCrud, MethodsThatDoNotApplyAreRejected) {
  server s;
  EXPECT_EQ(s.put(cms, "{}").status, 405);
  EXPECT_EQ(s.post(cms + "/c", "{}").status, 405);
  EXPECT_EQ(s.post("/api/v1/configmaps", R"({"metadata":{"name":"c"}})").status, 405);
  EXPECT_EQ(s.get("/api/v1/namespaces/default/configmaps/c/nothing").status, 404);
}

TEST(KubeCrud, PodLogComesFromTheProvider) {
  server s;
  ASSERT_EQ(s.post("/api/v1/namespaces/default/pods", R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}})").status, 201);
  EXPECT_EQ(s.get("/api/v1/namespaces/default/pods/p/log").body, "");
  s.api.set_pod_log_provider([](std::string_view, std::string_view pod, std::string_view container) -> std::optional<std::string> {
    return std::string(pod) + "/" + std::string(container) + " says hi\n";
  });
  auto r = s.get("/api/v1/namespaces/default/pods/p/log?container=c");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "p/c says hi\n");
  EXPECT_EQ(s.get("/api/v1/namespaces/default/pods/p/log?container=zz").status, 400);
}

}  // namespace
