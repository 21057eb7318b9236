// InstanceType manifests (the seed document's, verbatim), JSON and YAML round trips, validation
// (contracts/kubernetes.md §1.2, §1.3, §2.1, §4.3).
#include <amlk8s/model/instance_type.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace amlk8s::instance_type_test {

using model::instance_type;

// Seed 002, "Create custom instance types": my_instance_type.yaml.
constexpr const char* seed_single = R"(apiVersion: amlarc.azureml.com/v1alpha1
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

// Seed 002: my_instance_type_list.yaml (with its trailing blank after "1Gi").
constexpr const char* seed_list = R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests:
          cpu: "100m"
          memory: "100Mi"
        limits:
          cpu: "1"
          nvidia.com/gpu: 0
          memory: "1Gi"

  - metadata:
      name: defaultinstancetype
    spec:
      resources:
        requests:
          cpu: "1"
          memory: "1Gi" 
        limits:
          cpu: "1"
          nvidia.com/gpu: 0
          memory: "1Gi"
)";

// Seed 002, "Default instance type": the resources of the legacy default, in a manifest.
constexpr const char* seed_default = R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: defaultinstancetype
spec:
  resources:
    requests:
      cpu: "0.6"
      memory: "1536Mi"
    limits:
      cpu: "0.6"
      memory: "1536Mi"
      nvidia.com/gpu: null
)";

quantity q(const char* text) { return quantity::parse(text); }

instance_type valid() {
  instance_type t;
  t.name = "gpu-small";
  t.requests = {{"cpu", q("500m")}, {"memory", q("1Gi")}};
  t.limits = {{"cpu", q("1")}, {"memory", q("2Gi")}, {"nvidia.com/gpu", q("1")}};
  return t;
}

std::vector<std::string> fields(const std::vector<validation_issue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.field);
  return out;
}

bool has_field(const std::vector<validation_issue>& issues, std::string_view field) {
  return std::any_of(issues.begin(), issues.end(), [&](const validation_issue& i) { return i.field == field && !i.fix.empty(); });
}

TEST(InstanceTypeManifest, SeedSingleManifestReadsEveryField) {
  auto types = instance_type::from_yaml(seed_single);
  ASSERT_EQ(types.size(), 1u);
  const auto& t = types[0];
  EXPECT_EQ(t.name, "myinstancetypename");
  EXPECT_EQ(t.node_selector, (std::map<std::string, std::string>{{"mylabel", "mylabelvalue"}}));
  EXPECT_EQ(t.requests.at("cpu"), q("700m"));
  EXPECT_EQ(t.requests.at("memory"), q("1500Mi"));
  EXPECT_EQ(t.limits.at("cpu"), q("1000m"));
  EXPECT_EQ(t.limits.at("memory"), q("2048Mi"));
  EXPECT_EQ(t.limits.at("nvidia.com/gpu"), q("1"));
  EXPECT_FALSE(t.is_virtual_default);
  EXPECT_TRUE(t.validate().empty());
}

TEST(InstanceTypeManifest, SeedListItemsInheritApiVersionAndKind) {
  auto types = instance_type::from_yaml(seed_list, "my_instance_type_list.yaml");
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].name, "cpusmall");
  EXPECT_EQ(types[0].limits.at("nvidia.com/gpu"), q("0"));
  EXPECT_EQ(types[1].name, "defaultinstancetype");
  EXPECT_EQ(types[1].requests.at("memory"), q("1Gi"));
  for (const auto& t : types) EXPECT_TRUE(t.validate().empty()) << t.name;
}

TEST(InstanceTypeManifest, SeedDefaultWithNullGpuLeavesTheGpuUnset) {
  auto types = instance_type::from_yaml(seed_default);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_FALSE(types[0].limits.contains("nvidia.com/gpu"));
  EXPECT_EQ(types[0].requests.at("cpu").milli_value(), 600);
  EXPECT_EQ(types[0].limits.at("memory"), q("1.5Gi"));
  auto legacy = instance_type::virtual_default(model::default_profile::legacy);
  EXPECT_EQ(types[0].requests, legacy.requests);
  EXPECT_EQ(types[0].limits, legacy.limits);
}

TEST(InstanceTypeManifest, SeedManifestsRoundTripThroughYamlAndJson) {
  for (const char* text : {seed_single, seed_list, seed_default}) {
    const auto types = instance_type::from_yaml(text);
    auto again = instance_type::from_yaml(model::to_yaml(types));
    EXPECT_EQ(again, types) << model::to_yaml(types);
    for (const auto& t : types) {
      EXPECT_EQ(instance_type::from_json(t.to_json()), t);
      EXPECT_EQ(instance_type::from_json_text(t.to_json_text()), std::vector<instance_type>{t});
    }
  }
}

TEST(InstanceTypeManifest, WritesStringsForCpuAndMemoryAndAnIntegerGpuAsTheDocsDo) {
  const auto t = instance_type::from_yaml(seed_single).at(0);
  EXPECT_EQ(boost::json::serialize(t.to_json()),
            R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"name":"myinstancetypename"},)"
            R"("spec":{"nodeSelector":{"mylabel":"mylabelvalue"},"resources":{"requests":{"cpu":"700m","memory":"1500Mi"},)"
            R"("limits":{"cpu":"1","memory":"2Gi","nvidia.com/gpu":1}}}})");
  EXPECT_EQ(t.to_yaml(),
            "apiVersion: amlarc.azureml.com/v1alpha1\n"
            "kind: InstanceType\n"
            "metadata:\n"
            "  name: myinstancetypename\n"
            "spec:\n"
            "  nodeSelector:\n"
            "    mylabel: mylabelvalue\n"
            "  resources:\n"
            "    requests:\n"
            "      cpu: 700m\n"
            "      memory: 1500Mi\n"
            "    limits:\n"
            "      cpu: \"1\"\n"
            "      memory: 2Gi\n"
            "      nvidia.com/gpu: 1\n");
}

TEST(InstanceTypeManifest, QuantitiesMayBeStringsOrNumbers) {
  auto t = instance_type::from_json(boost::json::parse(R"({"metadata":{"name":"n"},"spec":{"resources":{
      "requests":{"cpu":0.5,"memory":"1Gi"},"limits":{"cpu":2,"memory":" 2Gi ","nvidia.com/gpu":null}}}})"));
  EXPECT_EQ(t.requests.at("cpu"), q("500m"));
  EXPECT_EQ(t.limits.at("cpu"), q("2"));
  EXPECT_EQ(t.limits.at("memory"), q("2Gi"));
  EXPECT_FALSE(t.limits.contains("nvidia.com/gpu"));
}

TEST(InstanceTypeManifest, TolerationsReadAndWrite) {
  auto types = instance_type::from_yaml(R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata: {name: tolerant}
spec:
  resources:
    requests: {cpu: 1, memory: 1Gi}
    limits: {cpu: 1, memory: 1Gi}
  tolerations:
  - key: ml.azure.com/amlarc-workload
    operator: Equal
    value: "true"
    effect: NoSchedule
  - operator: Exists
    effect: NoExecute
    tolerationSeconds: 30
)");
  ASSERT_EQ(types.size(), 1u);
  ASSERT_EQ(types[0].tolerations.size(), 2u);
  EXPECT_EQ(types[0].tolerations[0].value, "true");
  EXPECT_EQ(types[0].tolerations[1].op, "Exists");
  EXPECT_EQ(types[0].tolerations[1].toleration_seconds, 30);
  EXPECT_TRUE(types[0].validate().empty());
  const auto yaml = types[0].to_yaml();
  EXPECT_NE(yaml.find("    - key: ml.azure.com/amlarc-workload\n      operator: Equal\n      value: \"true\"\n"), std::string::npos) << yaml;
  EXPECT_EQ(instance_type::from_yaml(yaml), types);
}

TEST(InstanceTypeManifest, MultiDocumentStreamsAndCoreListsAndJsonText) {
  const std::string stream = std::string("---\n") + seed_single + "---\n" + seed_list + "---\n";
  auto types = instance_type::from_yaml(stream);
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[2].name, "defaultinstancetype");

  boost::json::object list{{"apiVersion", "v1"}, {"kind", "List"}, {"items", boost::json::array{types[0].to_json(), types[1].to_json()}}};
  auto from_list = instance_type::load(boost::json::serialize(list));
  EXPECT_EQ(from_list, (std::vector<instance_type>{types[0], types[1]}));

  auto typed = instance_type::load(R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceTypeList","items":[
      {"metadata":{"name":"a"},"spec":{"resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}}}]})");
  ASSERT_EQ(typed.size(), 1u);
  EXPECT_EQ(typed[0].name, "a");
}

TEST(InstanceTypeManifest, LoadsFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("amlk8s_it_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "list.yaml") << seed_list;
  std::ofstream(dir / "one.json") << instance_type::from_yaml(seed_single).at(0).to_json_text();
  EXPECT_EQ(instance_type::load_file(dir / "list.yaml").size(), 2u);
  EXPECT_EQ(instance_type::load_file(dir / "one.json").at(0).name, "myinstancetypename");
  try {
    instance_type::load_file(dir / "missing.yaml");
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
  }
  std::filesystem::remove_all(dir);
}

TEST(InstanceTypeManifest, BadShapesNameTheirFields) {
  try {
    instance_type::from_yaml(R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
- metadata: {name: a}
  spec:
    nodeSelector: {gpu: true}
    resources:
      limits: {cpu: "1x", memory: [1]}
)", "types.yaml");
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_EQ(fields(e.diag().validation),
              (std::vector<std::string>{"types.yaml: items[0].spec.nodeSelector.gpu", "types.yaml: items[0].spec.resources.limits.cpu",
                                        "types.yaml: items[0].spec.resources.limits.memory"}));
  }
  EXPECT_THROW(instance_type::from_yaml("a: [b"), amlk8s::error);
  EXPECT_THROW(instance_type::from_json_text("{"), amlk8s::error);
  EXPECT_THROW(instance_type::from_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), amlk8s::error);
}

TEST(InstanceTypeValidation, ValidTypeHasNoIssues) { EXPECT_TRUE(valid().validate().empty()); }

TEST(InstanceTypeValidation, CpuAndMemoryRequestsAndLimitsAreRequiredAndNotZero) {
  auto t = valid();
  t.requests.erase("cpu");
  t.limits["memory"] = q("0");
  auto issues = t.validate();
  EXPECT_EQ(fields(issues), (std::vector<std::string>{"spec.resources.requests.cpu", "spec.resources.limits.memory"}));
  EXPECT_TRUE(has_field(issues, "spec.resources.requests.cpu"));
  t = valid();
  t.requests.clear();
  t.limits.clear();
  EXPECT_EQ(t.validate().size(), 4u);
}

TEST(InstanceTypeValidation, GpuOnlyInLimitsAndWhole) {
  auto t = valid();
  t.requests["nvidia.com/gpu"] = q("1");
  EXPECT_TRUE(has_field(t.validate(), "spec.resources.requests.nvidia.com/gpu"));
  t = valid();
  t.limits["nvidia.com/gpu"] = q("0.5");
  auto issues = t.validate();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "spec.resources.limits.nvidia.com/gpu");
  t.limits["nvidia.com/gpu"] = q("-1");
  EXPECT_TRUE(has_field(t.validate(), "spec.resources.limits.nvidia.com/gpu"));
  t.limits["nvidia.com/gpu"] = q("0");
  EXPECT_TRUE(t.validate().empty());
}

TEST(InstanceTypeValidation, RequestsMustNotExceedLimits) {
  auto t = valid();
  t.requests["memory"] = q("3Gi");
  auto issues = t.validate();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "spec.resources.requests.memory");
  EXPECT_NE(issues[0].fix.find("spec.resources.limits.memory"), std::string::npos);
  t.requests["memory"] = q("2048Mi");  // equal by value
  EXPECT_TRUE(t.validate().empty());
}

TEST(InstanceTypeValidation, OtherExtendedResourcesCannotBeOvercommitted) {
  auto t = valid();
  t.requests["example.com/fpga"] = q("1");
  EXPECT_TRUE(has_field(t.validate(), "spec.resources.requests.example.com/fpga"));
  t.limits["example.com/fpga"] = q("2");
  EXPECT_TRUE(has_field(t.validate(), "spec.resources.requests.example.com/fpga"));
  t.limits["example.com/fpga"] = q("1");
  EXPECT_TRUE(t.validate().empty());
}

TEST(InstanceTypeValidation, NameMustBeADns1123Subdomain) {
  for (const char* bad : {"", "Upper", "-a", "a-", "a..b", "a_b", "a.-b"}) {
    auto t = valid();
    t.name = bad;
    EXPECT_TRUE(has_field(t.validate(), "metadata.name")) << bad;
  }
  for (const char* good : {"a", "cpu-small", "gpu.a100.x2", "0a"}) {
    auto t = valid();
    t.name = good;
    EXPECT_TRUE(t.validate().empty()) << good;
  }
  EXPECT_FALSE(model::is_dns1123_subdomain(std::string(254, 'a')));
}

TEST(InstanceTypeValidation, TolerationOperatorsAndEffects) {
  auto t = valid();
  t.tolerations.push_back({"k", "Equals", "v", "NoSchedule", std::nullopt});
  t.tolerations.push_back({"k", "Exists", "v", "Sometimes", std::nullopt});
  t.tolerations.push_back({"", "Equal", "", "", std::nullopt});
  t.tolerations.push_back({"k", "Equal", "v", "NoSchedule", 10});
  EXPECT_EQ(fields(t.validate()),
            (std::vector<std::string>{"spec.tolerations[0].operator", "spec.tolerations[1].value", "spec.tolerations[1].effect",
                                      "spec.tolerations[2].operator", "spec.tolerations[3].tolerationSeconds"}));
  t.tolerations = {{"", "Exists", "", "", std::nullopt}, {"k", "Equal", "v", "NoExecute", 10}};
  EXPECT_TRUE(t.validate().empty());
}

TEST(InstanceTypeValidation, ValidateOrThrowCarriesTheIssues) {
  auto t = valid();
  t.limits.erase("cpu");
  try {
    t.validate_or_throw();
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_EQ(fields(e.diag().validation), std::vector<std::string>{"spec.resources.limits.cpu"});
  }
}

TEST(InstanceTypeValidation, NodeSelectorMustBeASubsetOfTheExtensions) {
  auto t = valid();
  t.node_selector = {{"pool", "gpu"}, {"zone", "1"}};
  EXPECT_TRUE(t.check_node_selector({}).empty());
  EXPECT_TRUE(t.check_node_selector({{"pool", "gpu"}, {"zone", "1"}, {"team", "ml"}}).empty());
  auto issues = t.check_node_selector({{"pool", "cpu"}});
  EXPECT_EQ(fields(issues), (std::vector<std::string>{"spec.nodeSelector.pool", "spec.nodeSelector.zone"}));
  EXPECT_NE(issues[0].message.find("conflicts"), std::string::npos);
}

TEST(InstanceTypeValidation, VirtualDefaultsFollowTheTwoDocumentedProfiles) {
  auto legacy = instance_type::virtual_default(model::default_profile::legacy);
  EXPECT_EQ(legacy.name, "defaultinstancetype");
  EXPECT_TRUE(legacy.is_virtual_default);
  EXPECT_EQ(legacy.requests.at("cpu"), q("0.6"));
  EXPECT_EQ(legacy.limits.at("memory"), q("1536Mi"));
  EXPECT_FALSE(legacy.limits.contains("nvidia.com/gpu"));
  auto current = instance_type::virtual_default(model::default_profile::current);
  EXPECT_EQ(current.requests.at("cpu"), q("100m"));
  EXPECT_EQ(current.requests.at("memory"), q("2Gi"));
  EXPECT_EQ(current.limits.at("cpu"), q("2"));
  EXPECT_EQ(current.limits.at("memory"), q("2Gi"));
  EXPECT_TRUE(legacy.validate().empty());
  EXPECT_TRUE(current.validate().empty());
}

}  // namespace amlk8s::instance_type_test
