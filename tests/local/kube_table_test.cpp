// Table output for kubectl get (contracts/kubernetes.md §2.4).
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

std::vector<std::string> column_names(const boost::json::object& table, bool all = false) {
  std::vector<std::string> out;
  for (const auto& c : table.at("columnDefinitions").as_array())
    if (all || c.at("priority") == 0) out.emplace_back(c.at("name").as_string());
  return out;
}

TEST(KubeTable, NodesHaveKubectlColumnsAndLabelsInRowObjects) {
  server s(false);
  auto spec = node("aks-nodepool1-0", {{"agentpool", "nodepool1"}, {"node-role.kubernetes.io/agent", ""}});
  spec.capacity = {{"cpu", "4"}, {"memory", "16Gi"}};
  spec.kubelet_version = "v1.29.4";
  spec.unschedulable = true;
  s.api.add_node(spec);
  s.clock.advance(std::chrono::seconds(3 * 3600 + 25 * 60));
  auto r = s.get("/api/v1/nodes?limit=500", table_accept);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json;as=Table;v=v1;g=meta.k8s.io");
  auto t = body_of(r);
  EXPECT_EQ(t.at("kind"), "Table");
  EXPECT_EQ(t.at("apiVersion"), "meta.k8s.io/v1");
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Status", "Roles", "Age", "Version"}));
  EXPECT_EQ(t.at("columnDefinitions").at(0).at("format"), "name");
  ASSERT_EQ(t.at("rows").as_array().size(), 1u);
  const auto& row = t.at("rows").at(0).as_object();
  EXPECT_EQ(str(row.at("cells")),
            R"(["aks-nodepool1-0","Ready,SchedulingDisabled","agent","3h25m","v1.29.4","10.240.0.4","<none>","Ubuntu 22.04.4 LTS","5.15.0-1064-azure","containerd://1.7.15-1"])");
  // kubectl --show-labels reads the labels from the row object (PartialObjectMetadata by default).
  EXPECT_EQ(row.at("object").at("kind"), "PartialObjectMetadata");
  EXPECT_EQ(row.at("object").at("apiVersion"), "meta.k8s.io/v1");
  EXPECT_EQ(row.at("object").at("metadata").at("labels").at("agentpool"), "nodepool1");
  EXPECT_EQ(str(t.at("metadata").at("resourceVersion")), "\"" + std::to_string(s.api.resource_version()) + "\"");
}

TEST(KubeTable, IncludeObjectChoosesTheRowObject) {
  server s(false);
  s.api.add_node(node("n"));
  auto full = body_of(s.get("/api/v1/nodes?includeObject=Object", table_accept));
  EXPECT_EQ(full.at("rows").at(0).at("object").at("kind"), "Node");
  EXPECT_TRUE(full.at("rows").at(0).at("object").as_object().contains("status"));
  auto none = body_of(s.get("/api/v1/nodes?includeObject=None", table_accept));
  EXPECT_FALSE(none.at("rows").at(0).as_object().contains("object"));
  EXPECT_EQ(s.get("/api/v1/nodes?includeObject=All", table_accept).status, 400);
}

TEST(KubeTable, PodsShowReadyStatusRestartsAge) {
  server s(false);
  ASSERT_EQ(s.post("/api/v1/namespaces/azureml/pods",
                   R"({"metadata":{"name":"gateway-0"},"spec":{"nodeName":"n1","containers":[{"name":"a","image":"i"},{"name":"b","image":"i"}]}})")
                .status,
            201);
  ASSERT_EQ(s.patch("/api/v1/namespaces/azureml/pods/gateway-0/status",
                    R"({"status":{"phase":"Running","podIP":"10.244.0.7","containerStatuses":[)"
                    R"({"name":"a","ready":true,"restartCount":2,"image":"i","imageID":"x","state":{"running":{}}},)"
                    R"({"name":"b","ready":false,"restartCount":1,"image":"i","imageID":"x","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})",
                    "application/merge-patch+json")
                .status,
            200);
  s.clock.advance(std::chrono::seconds(75));
  auto t = body_of(s.get("/api/v1/namespaces/azureml/pods?limit=500", table_accept));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age"}));
  EXPECT_EQ(column_names(t, true).size(), 9u);
  EXPECT_EQ(str(t.at("rows").at(0).at("cells")), R"(["gateway-0","1/2","CrashLoopBackOff","3","75s","10.244.0.7","n1","<none>","<none>"])");
}

TEST(KubeTable, DeploymentsShowReadyUpToDateAvailable) {
  server s(false);
  ASSERT_EQ(s.post("/apis/apps/v1/namespaces/azureml/deployments",
                   R"({"metadata":{"name":"aml-operator"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"op"}},"template":{"spec":{"containers":[{"name":"op","image":"mcr/op:1"}]}}}})")
                .status,
            201);
  s.api.merge_patch(kube::resources::deployments, "azureml", "aml-operator",
                    boost::json::parse(R"({"status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})").as_object());
  s.clock.advance(std::chrono::seconds(3 * 86400 + 5 * 3600));
  auto t = body_of(s.get("/apis/apps/v1/namespaces/azureml/deployments?limit=500", table_accept));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age"}));
  EXPECT_EQ(str(t.at("rows").at(0).at("cells")), R"(["aml-operator","2/3",3,2,"3d5h","op","mcr/op:1","app=op"])");
}

TEST(KubeTable, CustomResourcesShowNameAndAge) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("cpusmall")).status, 201);
  s.clock.advance(std::chrono::seconds(600));
  auto t = body_of(s.get(it_path + "?limit=500", table_accept));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Age"}));
  EXPECT_EQ(str(t.at("rows").at(0).at("cells")), R"(["cpusmall","10m"])");
  // A GET of one object is a one-row Table too.
  auto one = body_of(s.get(it_path + "/cpusmall", table_accept));
  EXPECT_EQ(one.at("kind"), "Table");
  EXPECT_EQ(one.at("rows").as_array().size(), 1u);
}

TEST(KubeTable, CrdsShowCreatedAt) {
  server s;
  auto t = body_of(s.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/instancetypes.amlarc.azureml.com", table_accept));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Created At"}));
  EXPECT_EQ(str(t.at("rows").at(0).at("cells")), R"(["instancetypes.amlarc.azureml.com","2024-05-01T10:00:00Z"])");
}

TEST(KubeTable, PrinterColumnsOfACrdAreUsed) {
  server s(false);
  auto crd = kube::instance_type_crd();
  crd["spec"].as_object()["versions"].as_array()[0].as_object()["additionalPrinterColumns"] = boost::json::parse(
      R"([{"name":"CPU","type":"string","jsonPath":".spec.resources.limits.cpu"},{"name":"Selector","type":"string","jsonPath":".spec.nodeSelector","priority":1}])");
  s.api.create(kube::resources::customresourcedefinitions, crd);
  ASSERT_EQ(s.post(it_path, instance_type("a", "3")).status, 201);
  auto t = body_of(s.get(it_path, table_accept));
  EXPECT_EQ(column_names(t, true), (std::vector<std::string>{"Name", "CPU", "Selector"}));
  EXPECT_EQ(str(t.at("rows").at(0).at("cells")), R"(["a","3","{\"mylabel\":\"mylabelvalue\"}"])");
}

TEST(KubeTable, PlainJsonWhenTableIsNotAsked) {
  server s;
  auto r = s.get(it_path);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(body_of(r).at("kind"), "InstanceTypeList");
}

}  // namespace
