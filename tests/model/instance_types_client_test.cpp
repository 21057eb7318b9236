// instance_types_client against the local control plane over HTTPS, signed in as a user would be:
// the CRD arrives with the AzureML extension, apply creates / patches / leaves alone as kubectl
// does, the virtual default (contracts/kubernetes.md §1.3, §2.1).
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/model/instance_types_client.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

namespace amlk8s::instance_types_client_test {

using model::apply_action;
using model::instance_type;
using model::instance_types_client;

constexpr const char* manifest = R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: myinstancetypename
spec:
  nodeSelector:
    mylabel: mylabelvalue
  resources:
    limits:
      cpu: "1"
      nvidia.com/gpu: 1
      memory: "2Gi"
    requests:
      cpu: "700m"
      memory: "1500Mi"
)";

constexpr const char* list_manifest = R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests: {cpu: "100m", memory: "100Mi"}
        limits: {cpu: "1", nvidia.com/gpu: 0, memory: "1Gi"}
  - metadata:
      name: defaultinstancetype
    spec:
      resources:
        requests: {cpu: "1", memory: "1Gi"}
        limits: {cpu: "1", nvidia.com/gpu: 0, memory: "1Gi"}
)";

const kube::resource& crds = kube::resources::customresourcedefinitions;

local::cluster_spec cluster(std::string name) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = "00000000-0000-4000-8000-00000000e001";
  c.resource_group = "it-rg";
  c.name = std::move(name);
  c.location = "EastUS";
  c.kubernetes_version = "1.30.6";
  c.distribution = "aks";
  local::node_pool pool;
  pool.name = "pool";
  pool.count = 3;
  pool.vm_size = "Standard_D4s_v3";
  pool.cpu_millicores = 4000;
  pool.memory_bytes = 16LL << 30;
  c.node_pools.push_back(pool);
  return c;
}

std::vector<std::string> names(const std::vector<instance_type>& types) {
  std::vector<std::string> out;
  for (const auto& t : types) out.push_back(t.name);
  return out;
}

class InstanceTypesClient : public ::testing::Test {
 protected:
  InstanceTypesClient()
      : plane([] {
          local::control_plane_options o;
          o.lro_delay = std::chrono::milliseconds(20);
          o.min_retry_after = std::chrono::seconds(0);
          return o;
        }()),
        session(model::session::from_endpoints_json(plane.endpoints().to_json())),
        spec(cluster("it-aks")),
        id(resource_id::parse(local::arm_id(spec))) {
    plane.azure().arm().add_cluster(spec);
  }

  void install_extension() {
    model::azureml_settings s;
    s.enable_training = true;
    ASSERT_TRUE(session->azureml().create(id, "azureml", s).succeeded());
  }
  kube::client k8s() { return session->kube_from_kubeconfig(plane.kubeconfig_path(spec.name)); }
  // Requests the server has read so far.
  std::uint64_t requests() { return plane.server().stats().requests; }
  boost::json::object stored(std::string_view name) {
    auto o = plane.cluster(spec.name)->get(local::kube::resources::instancetypes, "", name);
    return o ? *o : boost::json::object{};
  }

  local::control_plane plane;
  std::unique_ptr<model::session> session;
  local::cluster_spec spec;
  resource_id id;
};

TEST_F(InstanceTypesClient, CrdComesWithTheExtensionAndGoesWithIt) {
  instance_types_client types(k8s());
  EXPECT_FALSE(types.crd_installed());
  EXPECT_THROW(types.list(), amlk8s::error);  // no such resource yet
  install_extension();
  EXPECT_TRUE(types.crd_installed());
  EXPECT_TRUE(types.list().empty());
  const auto crd = k8s().get(crds, "", "instancetypes.amlarc.azureml.com");
  EXPECT_EQ(crd.at("metadata").at("labels").at("app.kubernetes.io/managed-by"), "Helm");
  EXPECT_TRUE(session->extensions().delete_(id, "azureml"));
  EXPECT_FALSE(types.crd_installed());
}

TEST_F(InstanceTypesClient, ApplyCreatesThenLeavesUnchangedThenPatchesTheDifference) {
  install_extension();
  instance_types_client types(k8s());
  auto t = instance_type::from_yaml(manifest).at(0);

  auto start = requests();
  auto first = types.apply(t);
  EXPECT_EQ(first.action, apply_action::created);
  EXPECT_EQ(first.applied, t);
  EXPECT_EQ(requests() - start, 2u);  // GET 404, POST
  // The annotation kubectl would have written for the same file.
  const auto annotation = stored(t.name).at("metadata").at("annotations").at("kubectl.kubernetes.io/last-applied-configuration");
  EXPECT_EQ(annotation.as_string(),
            R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"annotations":{},"name":"myinstancetypename"},)"
            R"("spec":{"nodeSelector":{"mylabel":"mylabelvalue"},"resources":{"limits":{"cpu":"1","memory":"2Gi","nvidia.com/gpu":1},)"
            R"("requests":{"cpu":"700m","memory":"1500Mi"}}}})"
            "\n");
  const auto rv = stored(t.name).at("metadata").at("resourceVersion");

  start = requests();
  auto second = types.apply(t);
  EXPECT_EQ(second.action, apply_action::unchanged);
  EXPECT_EQ(stored(t.name).at("metadata").at("resourceVersion"), rv);
  EXPECT_EQ(requests() - start, 1u);  // GET only

  // A label a controller added stays; the label the file dropped goes; the new cpu limit lands.
  plane.cluster(spec.name)->merge_patch(local::kube::resources::instancetypes, "", t.name,
                                        boost::json::parse(R"({"metadata":{"labels":{"team":"ml"}}})").as_object());
  t.node_selector.clear();
  t.limits["cpu"] = quantity::parse("2");
  start = requests();
  auto third = types.apply(t);
  EXPECT_EQ(third.action, apply_action::configured);
  EXPECT_EQ(requests() - start, 2u);  // GET, PATCH
  EXPECT_EQ(third.applied, t);
  const auto after = stored(t.name);
  EXPECT_FALSE(after.at("spec").as_object().contains("nodeSelector"));
  EXPECT_EQ(after.at("spec").at("resources").at("limits").at("cpu"), "2");
  EXPECT_EQ(after.at("metadata").at("labels").at("team"), "ml");
  EXPECT_EQ(types.apply(t).action, apply_action::unchanged);
}

TEST_F(InstanceTypesClient, AnObjectKubectlAppliedFromTheSameFileIsUnchanged) {
  install_extension();
  // What `kubectl apply -f my_instance_type.yaml` POSTs (§2.1): the file plus its annotation.
  auto object = boost::json::parse(R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"annotations":{
      "kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"amlarc.azureml.com/v1alpha1\",\"kind\":\"InstanceType\",\"metadata\":{\"annotations\":{},\"name\":\"myinstancetypename\"},\"spec\":{\"nodeSelector\":{\"mylabel\":\"mylabelvalue\"},\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"2Gi\",\"nvidia.com/gpu\":1},\"requests\":{\"cpu\":\"700m\",\"memory\":\"1500Mi\"}}}}\n"},
      "name":"myinstancetypename"},"spec":{"nodeSelector":{"mylabel":"mylabelvalue"},"resources":{"limits":{"cpu":"1","nvidia.com/gpu":1,"memory":"2Gi"},
      "requests":{"cpu":"700m","memory":"1500Mi"}}}})");
  k8s().create(kube::resources::instancetypes, "", object);
  instance_types_client types(k8s());
  EXPECT_EQ(types.apply(instance_type::from_yaml(manifest).at(0)).action, apply_action::unchanged);
}

TEST_F(InstanceTypesClient, InvalidTypesAreRejectedBeforeAnyRequest) {
  install_extension();
  instance_types_client types(k8s());
  auto t = instance_type::from_yaml(manifest).at(0);
  t.requests["nvidia.com/gpu"] = quantity::parse("1");
  const auto before = plane.server().stats().requests;
  try {
    types.apply(t);
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_FALSE(e.diag().validation.empty());
    EXPECT_EQ(e.diag().validation[0].field, "spec.resources.requests.nvidia.com/gpu");
  }
  EXPECT_THROW(types.get(""), amlk8s::error);
  EXPECT_THROW(types.delete_("Not_A_Name"), amlk8s::error);
  EXPECT_EQ(plane.server().stats().requests, before);
}

TEST_F(InstanceTypesClient, GetListAllPagesAndDelete) {
  install_extension();
  instance_types_client types(k8s(), {.profile = model::default_profile::current, .page_size = 1});
  for (const auto& t : instance_type::from_yaml(list_manifest)) EXPECT_EQ(types.apply(t).action, apply_action::created);
  types.apply(instance_type::from_yaml(manifest).at(0));
  EXPECT_EQ(names(types.list()), (std::vector<std::string>{"cpusmall", "defaultinstancetype", "myinstancetypename"}));
  EXPECT_EQ(types.get("cpusmall").limits.at("nvidia.com/gpu"), quantity::parse("0"));

  // The CR overrides the default: no virtual one is added.
  auto listed = types.list_with_default();
  EXPECT_EQ(listed.size(), 3u);
  EXPECT_TRUE(std::none_of(listed.begin(), listed.end(), [](const auto& t) { return t.is_virtual_default; }));

  types.delete_("defaultinstancetype");
  try {
    types.get("defaultinstancetype");
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
  }
  listed = types.list_with_default(model::default_profile::legacy);
  EXPECT_EQ(names(listed), (std::vector<std::string>{"defaultinstancetype", "cpusmall", "myinstancetypename"}));
  EXPECT_TRUE(listed[0].is_virtual_default);
  EXPECT_EQ(listed[0].requests.at("cpu"), quantity::parse("0.6"));
  EXPECT_THROW(types.delete_("defaultinstancetype"), amlk8s::error);
}

TEST_F(InstanceTypesClient, ResolveFallsBackToTheVirtualDefaultOnlyForItsName) {
  install_extension();
  instance_types_client types(k8s());
  auto current = types.resolve("defaultinstancetype");
  EXPECT_TRUE(current.is_virtual_default);
  EXPECT_EQ(current.limits.at("cpu"), quantity::parse("2"));
  auto legacy = types.resolve("", model::default_profile::legacy);
  EXPECT_TRUE(legacy.is_virtual_default);
  EXPECT_EQ(legacy.limits.at("memory"), quantity::parse("1536Mi"));
  try {
    types.resolve("gpu-large");
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
  }
  auto custom = instance_type::from_yaml(list_manifest).at(1);  // defaultinstancetype, 1 cpu
  types.apply(custom);
  auto resolved = types.resolve("defaultinstancetype");
  EXPECT_FALSE(resolved.is_virtual_default);
  EXPECT_EQ(resolved, custom);
}

TEST_F(InstanceTypesClient, AsyncFormsCompleteWithTokens) {
  install_extension();
  instance_types_client types(k8s());
  diagnostics diag;
  auto applied = types.async_apply(instance_type::from_yaml(manifest).at(0), diag, boost::asio::use_future).get();
  EXPECT_EQ(applied.action, apply_action::created);
  EXPECT_TRUE(types.async_crd_installed(diag, boost::asio::use_future).get());
  EXPECT_EQ(types.async_list(diag, boost::asio::use_future).get().size(), 1u);
  EXPECT_EQ(types.async_get("myinstancetypename", diag, boost::asio::use_future).get().name, "myinstancetypename");
  EXPECT_TRUE(types.async_resolve("", model::default_profile::current, diag, boost::asio::use_future).get().is_virtual_default);
  types.async_delete("myinstancetypename", diag, boost::asio::use_future).get();
  std::promise<error_code> done;
  diagnostics missing;
  types.async_get("myinstancetypename", missing, [&](error_code ec, instance_type) { done.set_value(ec); });
  EXPECT_EQ(done.get_future().get(), errc::not_found);
  EXPECT_EQ(missing.http_status, 404);
}

}  // namespace amlk8s::instance_types_client_test
