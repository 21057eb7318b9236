// cluster_info from realistic AKS and Arc bodies, and provider registration bodies.
#include <amlk8s/model/cluster.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace amlk8s_model_cluster_test {

using namespace amlk8s;
using amlk8s::model::cluster_info;

// A managedClusters GET answer as the 2022-11-01 API returns it (trimmed of networking details).
constexpr const char* aks_body = R"({
  "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/ml-rg/providers/Microsoft.ContainerService/managedClusters/aks-gpu",
  "location": "EastUS",
  "name": "aks-gpu",
  "type": "Microsoft.ContainerService/ManagedClusters",
  "sku": {"name": "Base", "tier": "Free"},
  "identity": {"type": "SystemAssigned", "principalId": "11111111-2222-3333-4444-555555555555",
               "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
  "properties": {
    "provisioningState": "Succeeded",
    "powerState": {"code": "Running"},
    "kubernetesVersion": "1.29.4",
    "currentKubernetesVersion": "1.29.4",
    "dnsPrefix": "aks-gpu-dns",
    "fqdn": "aks-gpu-dns-abc123.hcp.eastus.azmk8s.io",
    "agentPoolProfiles": [
      {"name": "nodepool1", "count": 3, "vmSize": "Standard_DS2_v2", "osDiskSizeGB": 128, "mode": "System",
       "osType": "Linux", "enableAutoScaling": false},
      {"name": "gpu", "count": 2, "vmSize": "Standard_NC6s_v3", "mode": "User", "enableAutoScaling": true,
       "minCount": 0, "maxCount": 4, "nodeTaints": ["sku=gpu:NoSchedule"]}
    ],
    "servicePrincipalProfile": {"clientId": "msi"},
    "enableRBAC": true,
    "disableLocalAccounts": true,
    "apiServerAccessProfile": {"authorizedIPRanges": ["20.0.0.0/16", "73.140.245.0/24"]},
    "networkProfile": {"networkPlugin": "kubenet", "loadBalancerSku": "Standard"},
    "someFutureMember": {"nested": [1, 2, 3]}
  }
})";

// A connectedClusters GET answer (2021-10-01) for an OpenShift cluster.
constexpr const char* arc_body = R"({
  "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/edge-rg/providers/Microsoft.Kubernetes/connectedClusters/arc-ocp",
  "name": "arc-ocp",
  "type": "microsoft.kubernetes/connectedclusters",
  "location": "WestEurope",
  "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
  "properties": {
    "agentPublicKeyCertificate": "MIICCgKCAgEA",
    "kubernetesVersion": "1.28.5",
    "totalNodeCount": 5,
    "totalCoreCount": 40,
    "agentVersion": "1.14.5",
    "provisioningState": "Succeeded",
    "distribution": "OpenShift",
    "infrastructure": "azure",
    "connectivityStatus": "Connected"
  }
})";

TEST(ClusterInfo, ReadsAnAksClusterWithPools) {
  const auto c = cluster_info::from_json(cluster_kind::aks, boost::json::parse(aks_body));
  EXPECT_EQ(c.kind, cluster_kind::aks);
  EXPECT_EQ(c.id, cluster_id(cluster_kind::aks, "00000000-0000-0000-0000-000000000001", "ml-rg", "aks-gpu"));
  EXPECT_EQ(c.name, "aks-gpu");
  EXPECT_EQ(c.location, "eastus");  // lower-cased as the CLI does
  EXPECT_EQ(c.kubernetes_version, "1.29.4");
  ASSERT_TRUE(c.node_count.has_value());
  EXPECT_EQ(*c.node_count, 5);  // 3 + 2
  ASSERT_EQ(c.agent_pools.size(), 2u);
  EXPECT_EQ(c.agent_pools[0], (model::agent_pool{"nodepool1", 3, "Standard_DS2_v2", "System"}));
  EXPECT_EQ(c.agent_pools[1], (model::agent_pool{"gpu", 2, "Standard_NC6s_v3", "User"}));
  EXPECT_EQ(c.distribution, "aks");
  EXPECT_EQ(c.identity_type, "SystemAssigned");
  EXPECT_EQ(c.service_principal_client_id, "msi");
  EXPECT_FALSE(c.uses_service_principal());
  EXPECT_TRUE(c.local_accounts_disabled);
  EXPECT_EQ(c.authorized_ip_ranges, (std::vector<std::string>{"20.0.0.0/16", "73.140.245.0/24"}));
  EXPECT_EQ(c.provisioning_state, "Succeeded");
  EXPECT_FALSE(c.is_openshift());
  EXPECT_TRUE(c.raw.at("properties").as_object().contains("someFutureMember"));
}

TEST(ClusterInfo, ReadsAnArcCluster) {
  const auto c = cluster_info::from_json(cluster_kind::arc, boost::json::parse(arc_body));
  EXPECT_EQ(c.kind, cluster_kind::arc);
  EXPECT_EQ(c.name, "arc-ocp");
  EXPECT_EQ(c.location, "westeurope");
  EXPECT_EQ(c.kubernetes_version, "1.28.5");
  ASSERT_TRUE(c.node_count.has_value());
  EXPECT_EQ(*c.node_count, 5);
  EXPECT_TRUE(c.agent_pools.empty());
  EXPECT_EQ(c.distribution, "OpenShift");
  EXPECT_TRUE(c.is_openshift());
  EXPECT_EQ(c.connectivity_status, "Connected");
  EXPECT_FALSE(c.uses_service_principal());
  EXPECT_FALSE(c.local_accounts_disabled);
}

TEST(ClusterInfo, ArcWithoutNodeCountLeavesItUnset) {
  const auto c = cluster_info::from_json(
      cluster_kind::arc, boost::json::parse(R"({"name": "a", "location": "eastus", "properties": {"distribution": "k3s"}})"));
  EXPECT_FALSE(c.node_count.has_value());
  EXPECT_EQ(c.distribution, "k3s");
}

TEST(ClusterInfo, ServicePrincipalClusterIsRecognised) {
  auto body = boost::json::parse(aks_body).as_object();
  body.erase("identity");
  body["properties"].as_object()["servicePrincipalProfile"] =
      boost::json::object{{"clientId", "9b5b2d62-4c0b-4c8d-8a52-3cbbd1a7e0f1"}};
  const auto c = cluster_info::from_json(cluster_kind::aks, body);
  EXPECT_TRUE(c.identity_type.empty());
  EXPECT_TRUE(c.uses_service_principal());
  EXPECT_NE(model::to_string(c).find("service principal"), std::string::npos);

  // "msi" (any case) is a managed-identity cluster even without an identity member.
  body["properties"].as_object()["servicePrincipalProfile"] = boost::json::object{{"clientId", "MSI"}};
  EXPECT_FALSE(cluster_info::from_json(cluster_kind::aks, body).uses_service_principal());
}

TEST(ClusterInfo, WrongTypesNameTheMember) {
  try {
    (void)cluster_info::from_json(cluster_kind::aks, boost::json::parse(R"({"properties": {
        "agentPoolProfiles": [{"name": "a", "count": 1}, {"name": "b", "count": "two"}]}})"));
    FAIL() << "expected an error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_FALSE(e.diag().validation.empty());
    EXPECT_EQ(e.diag().validation.front().field, "properties.agentPoolProfiles[1].count");
  }
  EXPECT_THROW((void)cluster_info::from_json(cluster_kind::arc, boost::json::parse("[]")), amlk8s::error);
}

TEST(ClusterInfo, PrintsASummary) {
  std::ostringstream os;
  os << cluster_info::from_json(cluster_kind::aks, boost::json::parse(aks_body));
  EXPECT_NE(os.str().find("managedClusters"), std::string::npos);
  EXPECT_NE(os.str().find("5 node(s)"), std::string::npos);
}

TEST(ClusterProviderRegistration, ReadsTheState) {
  const auto p = model::provider_registration::from_json(boost::json::parse(R"({
      "id": "/subscriptions/s/providers/Microsoft.KubernetesConfiguration",
      "namespace": "Microsoft.KubernetesConfiguration", "registrationState": "Registered",
      "registrationPolicy": "RegistrationRequired", "resourceTypes": []})"));
  EXPECT_EQ(p.provider_namespace, "Microsoft.KubernetesConfiguration");
  EXPECT_TRUE(p.registered());
  EXPECT_FALSE((model::provider_registration{"x", "NotRegistered"}.registered()));
  EXPECT_FALSE((model::provider_registration{"x", "Registering"}.registered()));
  EXPECT_TRUE((model::provider_registration{"x", "registered"}.registered()));
}

}  // namespace amlk8s_model_cluster_test
