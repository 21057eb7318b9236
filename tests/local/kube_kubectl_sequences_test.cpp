// The request sequences real kubectl and the Python client send (contracts/kubernetes.md §2.1),
// replayed against one simulated cluster.
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

const std::string item = it_path + "/myinstancetypename";

// What kubectl's client-side apply puts in the annotation: the manifest it applied.
std::string with_last_applied(const std::string& manifest) {
  auto o = boost::json::parse(manifest).as_object();
  o["metadata"].as_object()["annotations"] =
      boost::json::object{{"kubectl.kubernetes.io/last-applied-configuration", manifest + "\n"}};
  return str(o);
}

TEST(KubectlSequences, ApplyNewObjectGets404ThenPosts201) {
  server s;
  auto missing = s.get(item);
  EXPECT_EQ(missing.status, 404);
  auto posted = s.post(it_path + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                       with_last_applied(instance_type("myinstancetypename")));
  ASSERT_EQ(posted.status, 201) << posted.body;
  auto o = body_of(posted);
  const auto& meta = o.at("metadata").as_object();
  EXPECT_EQ(meta.at("name"), "myinstancetypename");
  EXPECT_FALSE(meta.contains("namespace"));
  EXPECT_EQ(meta.at("generation"), 1);
  EXPECT_EQ(meta.at("creationTimestamp"), "2024-05-01T10:00:00Z");
  EXPECT_EQ(meta.at("uid").as_string().size(), 36u);
  EXPECT_FALSE(meta.at("resourceVersion").as_string().empty());
  EXPECT_TRUE(meta.at("annotations").as_object().contains("kubectl.kubernetes.io/last-applied-configuration"));
  // §1.2: custom resources are stored verbatim, quantities included.
  EXPECT_EQ(str(o.at("spec").at("resources").at("limits")), R"({"cpu":"1","nvidia.com/gpu":1,"memory":"2Gi"})");
  EXPECT_EQ(s.get(item).status, 200);
}

TEST(KubectlSequences, ApplyChangedSendsMergePatchWithNulls) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("myinstancetypename")).status, 201);
  auto before = body_of(s.get(item));
  auto patched = s.patch(item + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                         R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},)"
                         R"("spec":{"nodeSelector":null,"resources":{"limits":{"cpu":"2"}}}})",
                         "application/merge-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto o = body_of(patched);
  EXPECT_FALSE(o.at("spec").as_object().contains("nodeSelector"));
  EXPECT_EQ(o.at("spec").at("resources").at("limits").at("cpu"), "2");
  EXPECT_EQ(o.at("spec").at("resources").at("limits").at("memory"), "2Gi");
  EXPECT_EQ(o.at("metadata").at("generation"), 2);
  EXPECT_NE(o.at("metadata").at("resourceVersion"), before.at("metadata").at("resourceVersion"));
  EXPECT_EQ(o.at("metadata").at("uid"), before.at("metadata").at("uid"));
}

TEST(KubectlSequences, NestedNullRemovesOneKey) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("myinstancetypename")).status, 201);
  auto o = body_of(s.patch(item, R"({"spec":{"nodeSelector":{"mylabel":null,"other":"x"}}})", "application/merge-patch+json"));
  EXPECT_EQ(str(o.at("spec").at("nodeSelector")), R"({"other":"x"})");
}

TEST(KubectlSequences, LabelIsAMergePatchThatKeepsGeneration) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("myinstancetypename")).status, 201);
  auto r = s.patch(item + "?fieldManager=kubectl-label", R"({"metadata":{"labels":{"a":"b"}}})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200);
  auto o = body_of(r);
  EXPECT_EQ(o.at("metadata").at("labels").at("a"), "b");
  EXPECT_EQ(o.at("metadata").at("generation"), 1);
}

TEST(KubectlSequences, UnchangedPatchDoesNotBumpResourceVersion) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("myinstancetypename")).status, 201);
  auto rv = s.api.resource_version();
  auto r = s.patch(item, R"({"spec":{"resources":{"limits":{"cpu":"1"}}}})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(s.api.resource_version(), rv);
}

TEST(KubectlSequences, ServerSideApplyCreatesOnMissingThenPrunes) {
  server s;
  auto first = s.patch(item + "?fieldManager=kubectl&fieldValidation=Strict&force=false", instance_type("myinstancetypename"),
                       "application/apply-patch+yaml");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(body_of(first).at("spec").at("nodeSelector").at("mylabel"), "mylabelvalue");

  // The same manager applies a configuration without nodeSelector: the field it owned goes away.
  auto manifest = boost::json::parse(instance_type("myinstancetypename", "2")).as_object();
  manifest["spec"].as_object().erase("nodeSelector");
  auto second = s.patch(item + "?fieldManager=kubectl&force=false", str(manifest), "application/apply-patch+yaml");
  ASSERT_EQ(second.status, 200) << second.body;
  auto o = body_of(second);
  EXPECT_FALSE(o.at("spec").as_object().contains("nodeSelector"));
  EXPECT_EQ(o.at("spec").at("resources").at("limits").at("cpu"), "2");
  EXPECT_EQ(o.at("metadata").at("generation"), 2);

  // kubectl's second request sets the annotation through its own manager; nothing else changes.
  auto annotate = s.patch(item + "?fieldManager=kubectl-last-applied",
                          R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"name":"myinstancetypename",)"
                          R"("annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}}})",
                          "application/apply-patch+yaml");
  ASSERT_EQ(annotate.status, 200) << annotate.body;
  auto a = body_of(annotate);
  EXPECT_EQ(a.at("spec"), o.at("spec"));
  EXPECT_TRUE(a.at("metadata").at("annotations").as_object().contains("kubectl.kubernetes.io/last-applied-configuration"));
}

TEST(KubectlSequences, ServerSideApplyConflictsBetweenManagersUnlessForced) {
  server s;
  ASSERT_EQ(s.patch(item + "?fieldManager=alice", instance_type("myinstancetypename"), "application/apply-patch+yaml").status, 201);
  auto conflict = s.patch(item + "?fieldManager=bob&force=false", instance_type("myinstancetypename", "4"), "application/apply-patch+yaml");
  ASSERT_EQ(conflict.status, 409);
  auto st = body_of(conflict);
  EXPECT_EQ(st.at("reason"), "Conflict");
  EXPECT_EQ(st.at("message"), "Apply failed with 1 conflict: conflict with \"alice\": .spec.resources.limits.cpu");
  EXPECT_EQ(str(st.at("details").at("causes")),
            R"([{"reason":"FieldManagerConflict","message":"conflict with \"alice\": .spec.resources.limits.cpu","field":".spec.resources.limits.cpu"}])");
  auto forced = s.patch(item + "?fieldManager=bob&force=true", instance_type("myinstancetypename", "4"), "application/apply-patch+yaml");
  ASSERT_EQ(forced.status, 200);
  EXPECT_EQ(body_of(forced).at("spec").at("resources").at("limits").at("cpu"), "4");
}

TEST(KubectlSequences, ServerSideApplyNeedsAFieldManager) {
  server s;
  auto r = s.patch(item, instance_type("myinstancetypename"), "application/apply-patch+yaml");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(body_of(r).at("message"),
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
}

TEST(KubectlSequences, DeleteWithPropagationPolicyAnswersStatusForCustomResources) {
  server s;
  auto created = body_of(s.post(it_path, instance_type("myinstancetypename")));
  auto r = s.del(item, R"({"propagationPolicy":"Background"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"myinstancetypename",)"
                    R"("group":"amlarc.azureml.com","kind":"instancetypes","uid":)" +
                        str(created.at("metadata").at("uid")) + "}}");
  // kubectl 1.33's --wait re-GETs and takes 404 as done; 1.20 lists by name and takes empty as done.
  EXPECT_EQ(s.get(item).status, 404);
  auto list = body_of(s.get(it_path + "?fieldSelector=metadata.name%3Dmyinstancetypename"));
  EXPECT_TRUE(list.at("items").as_array().empty());
  EXPECT_EQ(s.del(item).status, 404);
}

TEST(KubectlSequences, DeleteOfBuiltInKindAnswersTheObject) {
  server s;
  ASSERT_EQ(s.post("/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"c"},"data":{"a":"1"}})").status, 201);
  auto r = s.del("/api/v1/namespaces/default/configmaps/c");
  ASSERT_EQ(r.status, 200);
  auto o = body_of(r);
  EXPECT_EQ(o.at("kind"), "ConfigMap");
  EXPECT_EQ(o.at("data").at("a"), "1");
}

TEST(KubectlSequences, MissingInstanceTypeIsTheExactStatus) {
  server s;
  auto r = s.get(it_path + "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"instancetypes.amlarc.azureml.com \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"amlarc.azureml.com","kind":"instancetypes"},"code":404})");
  // The core group has no suffix (§2.6).
  EXPECT_EQ(body_of(s.get("/api/v1/namespaces/default/pods/p")).at("message"), "pods \"p\" not found");
}

TEST(KubectlSequences, FieldSelectorOnNameFiltersTheList) {
  server s;
  for (auto name : {"a", "b", "c"}) ASSERT_EQ(s.post(it_path, instance_type(name)).status, 201);
  auto list = body_of(s.get(it_path + "?fieldSelector=metadata.name%3Db&limit=500"));
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  EXPECT_EQ(list.at("items").at(0).at("metadata").at("name"), "b");
}

TEST(KubectlSequences, ChunkedListFollowsContinueUntilEmpty) {
  server s;
  for (auto name : {"a", "b", "c", "d", "e"}) ASSERT_EQ(s.post(it_path, instance_type(name)).status, 201);
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    auto path = it_path + "?limit=2" + (next.empty() ? "" : "&continue=" + next);
    auto page = body_of(s.get(path));
    ++pages;
    for (const auto& i : page.at("items").as_array()) seen.emplace_back(i.at("metadata").at("name").as_string());
    const auto& meta = page.at("metadata").as_object();
    next = meta.contains("continue") ? std::string(meta.at("continue").as_string()) : std::string();
    if (pages == 1) {
      EXPECT_EQ(meta.at("remainingItemCount"), 3);
    }
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(s.get(it_path + "?limit=2&continue=!!!").status, 400);
}

TEST(KubectlSequences, ListItemsCarryTypeOnlyForCustomResources) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto crs = body_of(s.get(it_path));
  EXPECT_EQ(crs.at("kind"), "InstanceTypeList");
  EXPECT_EQ(crs.at("apiVersion"), "amlarc.azureml.com/v1alpha1");
  EXPECT_EQ(crs.at("items").at(0).at("kind"), "InstanceType");
  auto namespaces = body_of(s.get("/api/v1/namespaces"));
  EXPECT_EQ(namespaces.at("kind"), "NamespaceList");
  EXPECT_FALSE(namespaces.at("items").at(0).as_object().contains("kind"));
  EXPECT_FALSE(namespaces.at("items").at(0).as_object().contains("apiVersion"));
}

TEST(KubectlSequences, StrategicMergePatchMergesContainersByName) {
  server s;
  ASSERT_EQ(s.post("/apis/apps/v1/namespaces/azureml/deployments",
                   R"({"metadata":{"name":"gateway"},"spec":{"selector":{"matchLabels":{"app":"gw"}},"template":{"metadata":)"
                   R"({"labels":{"app":"gw"}},"spec":{"containers":[{"name":"main","image":"gw:1","env":[{"name":"A","value":"1"},)"
                   R"({"name":"B","value":"2"}]},{"name":"side","image":"side:1"}]}}}})")
                .status,
            201);
  auto r = s.patch("/apis/apps/v1/namespaces/azureml/deployments/gateway",
                   R"({"spec":{"template":{"spec":{"containers":[{"name":"main","image":"gw:2","env":[{"name":"B","value":"3"},)"
                   R"({"name":"A","$patch":"delete"}]}],"$setElementOrder/containers":[{"name":"main"},{"name":"side"}]}}}})",
                   "application/strategic-merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  auto containers = body_of(r).at("spec").at("template").at("spec").at("containers");
  EXPECT_EQ(str(containers),
            R"([{"name":"main","image":"gw:2","env":[{"name":"B","value":"3"}]},{"name":"side","image":"side:1"}])");
}

TEST(KubectlSequences, StrategicMergePatchIsRefusedForCustomResources) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto r = s.patch(it_path + "/a", R"({"spec":{}})", "application/strategic-merge-patch+json");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(body_of(r).at("reason"), "UnsupportedMediaType");
}

TEST(KubectlSequences, PythonClientWatchValueTrueStartsAWatch) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto reply = s.api.serve(make(verb::get, it_path + "?watch=True&timeoutSeconds=5"));
  ASSERT_TRUE(reply.stream);
  EXPECT_EQ(reply.stream->timeout(), std::chrono::seconds(5));
  auto lines = reply.stream->poll();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::parse(lines[0]).at("type"), "ADDED");
  EXPECT_FALSE(s.api.serve(make(verb::get, it_path + "?watch=false")).stream);
  EXPECT_FALSE(s.api.serve(make(verb::get, it_path + "?watch=0")).stream);
}

}  // namespace
