#include <amlk8s/arm/api_versions.hpp>

#include <gtest/gtest.h>

namespace {

namespace arm = amlk8s::arm;

TEST(ApiVersions, DefaultsComeFromTheContracts) {
  arm::api_versions v;
  EXPECT_EQ(v.find("Microsoft.KubernetesConfiguration"), "2024-11-01");
  EXPECT_EQ(v.find("Microsoft.MachineLearningServices"), "2025-04-01");
  EXPECT_EQ(v.find("Microsoft.ContainerService"), "2022-11-01");
  EXPECT_EQ(v.find("Microsoft.Kubernetes"), "2021-10-01");
  EXPECT_TRUE(v.find("Microsoft.Resources"));
  EXPECT_FALSE(v.find("Microsoft.Relay"));
}

TEST(ApiVersions, LookupIsCaseInsensitiveAndOverridable) {
  arm::api_versions v;
  EXPECT_EQ(v.find("microsoft.kubernetesconfiguration"), "2024-11-01");
  v.set("MICROSOFT.KUBERNETESCONFIGURATION", "2025-03-01");
  EXPECT_EQ(v.find("Microsoft.KubernetesConfiguration"), "2025-03-01");
  v.set("Microsoft.Relay", "2021-11-01");
  EXPECT_EQ(v.find("microsoft.relay"), "2021-11-01");
  EXPECT_TRUE(arm::api_versions::none().entries().empty());
}

TEST(ApiVersions, ProviderOfPicksTheLastProvidersSegment) {
  EXPECT_EQ(arm::provider_of("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c/"
                             "providers/Microsoft.KubernetesConfiguration/extensions/azureml"),
            "Microsoft.KubernetesConfiguration");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c"),
            "Microsoft.Kubernetes");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/"
                             "workspaces/w/computes/k8s?underlyingResourceAction=Detach"),
            "Microsoft.MachineLearningServices");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/providers/Microsoft.MachineLearningServices/workspaces"),
            "Microsoft.MachineLearningServices");
}

TEST(ApiVersions, SubscriptionsGroupsAndRegistrationBelongToMicrosoftResources) {
  EXPECT_EQ(arm::provider_of("/subscriptions/s"), "Microsoft.Resources");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/resourceGroups/rg"), "Microsoft.Resources");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/providers/Microsoft.KubernetesConfiguration"), "Microsoft.Resources");
  EXPECT_EQ(arm::provider_of("/subscriptions/s/providers/Microsoft.KubernetesConfiguration/register"),
            "Microsoft.Resources");
  EXPECT_EQ(arm::provider_of("relative/path"), "");
}

}  // namespace
