// labelSelector and fieldSelector on lists (contracts/kubernetes.md §2.7).
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

struct selectors : ::testing::Test {
  server s;
  void SetUp() override {
    auto pod = [&](std::string name, std::string labels, std::string node, std::string phase) {
      auto body = R"({"metadata":{"name":")" + name + R"(","labels":)" + labels + R"(},"spec":{"nodeName":")" + node +
                  R"(","containers":[{"name":"c","image":"i"}]}})";
      ASSERT_EQ(s.post("/api/v1/namespaces/azureml/pods", body).status, 201);
      if (!phase.empty()) {
        ASSERT_EQ(s.patch("/api/v1/namespaces/azureml/pods/" + name + "/status", R"({"status":{"phase":")" + phase + R"("}})",
                          "application/merge-patch+json")
                      .status,
                  200);
      }
    };
    pod("p1", R"({"app":"gw","tier":"front","kubernetes.io/role":"x"})", "node-a", "Running");
    pod("p2", R"({"app":"gw","tier":"back"})", "node-b", "");
    pod("p3", R"({"app":"db"})", "node-a", "Succeeded");
  }

  std::vector<std::string> names(const std::string& query) {
    auto r = s.get("/api/v1/namespaces/azureml/pods?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    auto list = body_of(r);
    for (const auto& i : list.at("items").as_array()) out.emplace_back(i.at("metadata").at("name").as_string());
    return out;
  }
  using v = std::vector<std::string>;
};

TEST_F(selectors, LabelEquality) {
  EXPECT_EQ(names("labelSelector=app%3Dgw"), (v{"p1", "p2"}));
  EXPECT_EQ(names("labelSelector=app%3D%3Dgw"), (v{"p1", "p2"}));
  EXPECT_EQ(names("labelSelector=app!%3Dgw"), (v{"p3"}));
  EXPECT_EQ(names("labelSelector=tier!%3Dfront"), (v{"p2", "p3"}));  // a missing label counts as "not equal"
}

TEST_F(selectors, LabelSets) {
  EXPECT_EQ(names("labelSelector=tier%20in%20(front%2Cback)"), (v{"p1", "p2"}));
  EXPECT_EQ(names("labelSelector=tier%20notin%20(front)"), (v{"p2", "p3"}));
  EXPECT_EQ(names("labelSelector=app%20in%20(db),tier"), (v{}));
}

TEST_F(selectors, LabelExistence) {
  EXPECT_EQ(names("labelSelector=tier"), (v{"p1", "p2"}));
  EXPECT_EQ(names("labelSelector=!tier"), (v{"p3"}));
  EXPECT_EQ(names("labelSelector=kubernetes.io/role"), (v{"p1"}));
  EXPECT_EQ(names("labelSelector=app%3Dgw,tier%3Dback"), (v{"p2"}));
}

TEST_F(selectors, MalformedLabelSelectorIsBadRequest) {
  auto r = s.get("/api/v1/namespaces/azureml/pods?labelSelector=app%20in%20(a");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r).at("reason"), "BadRequest");
  EXPECT_EQ(s.get("/api/v1/namespaces/azureml/pods?labelSelector=%3D%3Dx").status, 400);
}

TEST_F(selectors, PodFieldSelectors) {
  EXPECT_EQ(names("fieldSelector=spec.nodeName%3Dnode-a"), (v{"p1", "p3"}));
  EXPECT_EQ(names("fieldSelector=status.phase%3DPending"), (v{"p2"}));
  EXPECT_EQ(names("fieldSelector=status.phase!%3DSucceeded,spec.nodeName%3D%3Dnode-a"), (v{"p1"}));
  EXPECT_EQ(names("fieldSelector=metadata.namespace%3Dazureml&labelSelector=app%3Ddb"), (v{"p3"}));
}

TEST_F(selectors, AllNamespacesListAndNamespaceField) {
  auto r = body_of(s.get("/api/v1/pods?fieldSelector=metadata.namespace%3Dazureml"));
  EXPECT_EQ(r.at("items").as_array().size(), 3u);
  EXPECT_TRUE(body_of(s.get("/api/v1/pods?fieldSelector=metadata.namespace%3Ddefault")).at("items").as_array().empty());
}

TEST_F(selectors, UnsupportedFieldIsBadRequest) {
  auto r = s.get("/api/v1/namespaces/azureml/pods?fieldSelector=spec.foo%3Dx");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r).at("message"), "field label not supported: spec.foo");
  // Custom resources support only metadata fields.
  EXPECT_EQ(s.get(it_path + "?fieldSelector=spec.nodeSelector%3Dx").status, 400);
}

}  // namespace
