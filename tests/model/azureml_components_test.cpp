#include <amlk8s/model/azureml_components.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace amlk8s::model {
namespace {

std::vector<std::string> names(const std::vector<component>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.name);
  return out;
}

bool has(const std::vector<component>& cs, std::string_view name) {
  return std::any_of(cs.begin(), cs.end(), [&](const component& c) { return c.name == name; });
}

TEST(AzuremlComponents, TrainingOnlyOnArcHasRelayOperatorAndVolcanoButNoInference) {
  auto s = selection_from_settings({{"enableTraining", "True"}}, cluster_kind::arc);
  auto cs = expected_components(s, "ml");
  EXPECT_EQ(names(cs), (std::vector<std::string>{"relayserver", "gateway", "aml-operator", "metrics-controller-manager",
                                                 "ml-kube-state-metrics", "ml-prometheus-operator", "volcano-admission",
                                                 "volcano-controllers", "volcano-scheduler", "fluent-bit",
                                                 "prometheus-prom-prometheus"}));
}

TEST(AzuremlComponents, InferenceOnlyOnAksHasRouterWithoutRelayOrTrainingParts) {
  auto s = selection_from_settings({{"enableInference", "true"}, {"inferenceRouterHA", "False"}}, cluster_kind::aks);
  auto cs = expected_components(s, "ml");
  EXPECT_FALSE(has(cs, "relayserver"));
  EXPECT_FALSE(has(cs, "aml-operator"));
  EXPECT_FALSE(has(cs, "volcano-scheduler"));
  EXPECT_TRUE(has(cs, "amlarc-identity-controller"));
  EXPECT_TRUE(has(cs, "inference-operator-controller-manager"));
  auto fe = std::find_if(cs.begin(), cs.end(), [](const component& c) { return c.name == "azureml-fe-v2"; });
  ASSERT_NE(fe, cs.end());
  EXPECT_EQ(fe->replicas, 1);
}

TEST(AzuremlComponents, HaRouterHasThreeReplicasAndOptionalDaemonsetsFollowTheirFlags) {
  auto s = selection_from_settings({{"enableTraining", "true"},
                                    {"enableInference", "true"},
                                    {"installNvidiaDevicePlugin", "TRUE"},
                                    {"installDcgmExporter", "true"},
                                    {"installPromOp", "false"},
                                    {"installVolcano", "False"}},
                                   cluster_kind::aks);
  auto cs = expected_components(s, "azureml");
  auto fe = std::find_if(cs.begin(), cs.end(), [](const component& c) { return c.name == "azureml-fe-v2"; });
  ASSERT_NE(fe, cs.end());
  EXPECT_EQ(fe->replicas, 3);
  EXPECT_TRUE(has(cs, "azureml-dcgm-exporter"));
  EXPECT_TRUE(has(cs, "nvidia-device-plugin-daemonset"));
  EXPECT_FALSE(has(cs, "azureml-prometheus-operator"));
  EXPECT_FALSE(has(cs, "volcano-admission"));
  for (const auto& c : cs) {
    if (c.kind == workload_kind::daemonset) {
      EXPECT_EQ(c.replicas, 0) << c.name;
    }
  }
}

TEST(AzuremlComponents, RelayFollowsItsFlagWhenGiven) {
  EXPECT_FALSE(selection_from_settings({{"relayserver.enabled", "false"}}, cluster_kind::arc).relay_server);
  EXPECT_TRUE(selection_from_settings({{"relayserver.enabled", "true"}}, cluster_kind::aks).relay_server);
  EXPECT_FALSE(selection_from_settings({}, cluster_kind::aks).relay_server);
}

TEST(AzuremlComponents, BooleansAreReadLikeTheCli) {
  EXPECT_TRUE(setting_is_true("True"));
  EXPECT_TRUE(setting_is_true("tRuE"));
  EXPECT_FALSE(setting_is_true("1"));
  EXPECT_FALSE(setting_is_true("yes"));
  EXPECT_FALSE(setting_is_true(""));
  EXPECT_FALSE(setting_is_true("truex"));
}

}  // namespace
}  // namespace amlk8s::model
