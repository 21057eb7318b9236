#include <amlk8s/core/error.hpp>
#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/world.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace {

using namespace amlk8s;
using namespace amlk8s::local;

constexpr std::string_view yaml_world = R"(
subscription: 11111111-2222-4333-8444-555555555555
location: westeurope
clusters:
  - name: aks-gpu
    kind: aks
    resourceGroup: rg1
    kubernetesVersion: 1.30
    identity: UserAssigned
    localAccounts: false
    authorizedIpRanges: [10.0.0.0/8, 192.168.1.1/32]
    nodePools:
      - {name: system, count: 3, vmSize: Standard_D4s_v3}
      - name: gpu
        count: 2
        vmSize: standard_nc6s_v3
        labels: {accelerator: nvidia, zone: 1}
        taints: ["sku=gpu:NoSchedule"]
  - name: edge
    kind: arc
    resourceGroup: rg2
    location: eastus
    distribution: k3s
    identity: ServicePrincipal
    nodePools:
      - name: small
        count: 1
        cpu: 1500m
        memory: 6Gi
        gpu: 0
workspaces:
  - name: ws1
    resourceGroup: rg1
    description: "null"
)";

constexpr std::string_view json_world = R"({
  "clusters": [
    {"name": "c1", "resourceGroup": "rg", "kubernetesVersion": "1.29.4",
     "nodePools": [{"name": "p", "count": 2, "cpu": 8, "memory": "64Gi", "gpu": 1}]}
  ],
  "workspaces": [{"name": "w", "resourceGroup": "rg"}]
})";

TEST(World, ParsesYaml) {
  const auto w = parse_world(yaml_world, world_format::yaml, {});
  ASSERT_EQ(w.clusters.size(), 2u);
  const auto& aks = w.clusters[0];
  EXPECT_EQ(aks.kind, cluster_kind::aks);
  EXPECT_EQ(aks.subscription, "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(aks.location, "westeurope");
  EXPECT_EQ(aks.kubernetes_version, "1.30");  // a YAML scalar stays text
  EXPECT_EQ(aks.identity, identity_kind::user_assigned);
  EXPECT_FALSE(aks.local_accounts);
  EXPECT_EQ(aks.authorized_ip_ranges.size(), 2u);
  ASSERT_EQ(aks.node_pools.size(), 2u);
  EXPECT_EQ(aks.node_pools[0].mode, "System");
  const auto& gpu = aks.node_pools[1];
  EXPECT_EQ(gpu.vm_size, "Standard_NC6s_v3");
  EXPECT_EQ(gpu.cpu_millicores, 6000);
  EXPECT_EQ(gpu.memory_bytes, 112LL << 30);
  EXPECT_EQ(gpu.gpus, 1);
  EXPECT_EQ(gpu.mode, "User");
  EXPECT_EQ(gpu.labels.at("zone"), "1");
  EXPECT_EQ(gpu.taints.at(0), "sku=gpu:NoSchedule");
  const auto& arc = w.clusters[1];
  EXPECT_EQ(arc.kind, cluster_kind::arc);
  EXPECT_EQ(arc.distribution, "k3s");
  EXPECT_EQ(arc.identity, identity_kind::service_principal);
  EXPECT_EQ(arc.node_pools.at(0).cpu_millicores, 1500);
  EXPECT_EQ(arc.node_pools.at(0).memory_bytes, 6LL << 30);
  ASSERT_EQ(w.workspaces.size(), 1u);
  EXPECT_EQ(w.workspaces[0].description, "null");  // quoted: a string
}

TEST(World, ParsesJsonAndYamlReadsJsonToo) {
  world_defaults d;
  d.subscription = "sub";
  const auto w = parse_world(json_world, world_format::json, d);
  ASSERT_EQ(w.clusters.size(), 1u);
  EXPECT_EQ(w.clusters[0].subscription, "sub");
  EXPECT_EQ(w.clusters[0].node_pools[0].cpu_millicores, 8000);
  EXPECT_EQ(w.clusters[0].node_pools[0].memory_bytes, 64LL << 30);
  EXPECT_EQ(w.clusters[0].node_pools[0].gpus, 1);
  EXPECT_EQ(parse_world(json_world, world_format::yaml, d), w);
}

TEST(World, ErrorsNameTheMember) {
  auto message_of = [](std::string_view text) {
    try {
      (void)parse_world(text, world_format::yaml, {}, "w.yaml");
    } catch (const error& e) {
      EXPECT_EQ(e.condition(), errc::invalid_argument);
      return e.diag().validation.empty() ? std::string(e.what()) : e.diag().validation[0].field + ": " + e.diag().validation[0].message;
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of("clusters:\n  - {name: a, resourceGroup: r, nodePools: [{name: p, vmSize: Standard_Nope}]}"),
            "clusters[0].nodePools[0].vmSize: 'Standard_Nope' is not a known VM size");
  EXPECT_EQ(message_of("clusters:\n  - {name: a, resourceGroup: r, nodepools: []}"),
            "clusters[0].nodepools: is not a known member");
  EXPECT_EQ(message_of("clusters:\n  - {name: a}"), "clusters[0].resourceGroup: is required");
  EXPECT_EQ(message_of("clusters:\n  - {name: a, resourceGroup: r, nodePools: [{name: p, cpu: 2}]}"),
            "clusters[0].nodePools[0]: has neither vmSize nor both cpu and memory");
  EXPECT_EQ(message_of("clusters:\n  - {name: a, resourceGroup: r, nodePools: [{name: p, vmSize: Standard_D2s_v3, taints: [bad]}]}"),
            "clusters[0].nodePools[0].taints[0]: 'bad' is not a taint");
  EXPECT_EQ(message_of("clusters: [{name: a, resourceGroup: r}, {name: A, resourceGroup: R}]"),
            "clusters[1].name: 'A' is declared twice");
  EXPECT_NE(message_of("clusters: [unclosed").find("is not valid YAML"), std::string::npos);
}

TEST(World, LoadsFilesAndPopulatesArm) {
  const auto dir = std::filesystem::temp_directory_path() / ("amlk8s-world-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "world.yaml") << yaml_world;
    std::ofstream(dir / "world.json") << json_world;
  }
  const auto from_yaml = load_world_file(dir / "world.yaml", {});
  const auto from_json = load_world_file(dir / "world.json", {});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(from_yaml.clusters.size(), 2u);
  EXPECT_EQ(from_json.clusters.size(), 1u);

  auto tokens = std::make_shared<token_service>();
  arm_api arm({}, tokens);
  std::vector<std::string> created;
  arm.on_change([&](resource_event& e) -> std::optional<operation_failure> {
    if (e.cluster) created.push_back(e.cluster->name + "/" + std::to_string(e.cluster->node_pools.size()));
    return std::nullopt;
  });
  arm.apply(from_yaml);
  arm.apply(from_json);
  EXPECT_EQ(created, (std::vector<std::string>{"aks-gpu/2", "edge/1", "c1/1"}));
  const auto aks_id = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg1/providers/"
                      "Microsoft.ContainerService/managedClusters/aks-gpu";
  const auto body = arm.get(aks_id);
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->at("properties").at("agentPoolProfiles").as_array().size(), 2u);
  EXPECT_EQ(body->at("properties").at("disableLocalAccounts"), true);
  EXPECT_EQ(body->at("identity").at("type"), "UserAssigned");
  const auto arc = arm.cluster("/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg2/providers/"
                               "Microsoft.Kubernetes/connectedClusters/edge");
  ASSERT_TRUE(arc.has_value());
  EXPECT_EQ(arc->node_pools.at(0).cpu_millicores, 1500);  // explicit capacity survives the ARM round trip
  const auto c1 = arm.get(std::string("/subscriptions/") + std::string(dev_subscription_id) +
                          "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->at("properties").at("kubernetesVersion"), "1.29.4");
  EXPECT_EQ(arm.ids("Microsoft.MachineLearningServices/workspaces").size(), 2u);
}

TEST(World, Quantities) {
  EXPECT_EQ(parse_quantity("16Gi"), 16.0 * 1073741824.0);
  EXPECT_EQ(parse_quantity("500m"), 0.5);
  EXPECT_EQ(parse_quantity("2"), 2.0);
  EXPECT_EQ(parse_quantity("1.5G"), 1.5e9);
  EXPECT_FALSE(parse_quantity("lots").has_value());
  EXPECT_FALSE(parse_quantity("5Xi").has_value());
}

}  // namespace
