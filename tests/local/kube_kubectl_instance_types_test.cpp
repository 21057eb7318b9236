// Conformance: InstanceTypes written by real kubectl are read by amlk8s unchanged, and those written
// by amlk8s are read, listed, labelled, re-applied and deleted by kubectl (contracts/kubernetes.md
// §1.2, §2.1), against a cluster of the local control plane with the AzureML extension installed
// through azureml_client, so the CRD comes from the extension as it does on a real cluster.
#include <amlk8s/core/quantity.hpp>
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/model/instance_types_client.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace json = boost::json;
namespace local = amlk8s::local;
namespace model = amlk8s::model;

constexpr const char* kubectl_path = "/usr/bin/kubectl";

// The seed documents' manifests, verbatim (as tests/model/instance_type_test.cpp has them).
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

struct run_result {
  int status = -1;  // the exit status, or -1 when kubectl did not exit normally
  std::string output;  // stdout and stderr together
};

// Runs `argv` to completion with stdout and stderr collected.
run_result run(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  run_result out;
  char buf[4096];
  for (;;) {
    const auto n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.output.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class KubectlInstanceTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kubectl_path)) GTEST_SKIP() << kubectl_path << " is not installed";
    local::control_plane_options o;
    o.min_retry_after = std::chrono::seconds(0);
    plane = std::make_unique<local::control_plane>(o);
    session = model::session::from_endpoints_json(plane->endpoints().to_json());
    local::cluster_spec c;
    c.kind = local::cluster_kind::aks;
    c.subscription = plane->endpoints().subscription_id;
    c.resource_group = "rg";
    c.name = "kubectl-types";
    c.location = "eastus";
    c.kubernetes_version = "1.30.6";
    c.distribution = "aks";
    c.node_pools.push_back({"system", 1, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
    plane->azure().arm().add_cluster(c);
    const std::vector<std::string> settings{"enableTraining=True"};
    const auto ext = session->azureml().create(amlk8s::resource_id::parse(local::arm_id(c)), "azureml",
                                               model::azureml_settings::from_key_values(settings));
    ASSERT_TRUE(ext.succeeded());
    dir = std::filesystem::temp_directory_path() /
          ("amlk8s-kubectl-types-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir);
    types = std::make_unique<model::instance_types_client>(session->kube_from_kubeconfig(kubeconfig()));
  }
  void TearDown() override {
    types.reset();
    session.reset();
    plane.reset();
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }

  std::filesystem::path kubeconfig() const { return plane->kubeconfig_path("kubectl-types"); }

  run_result kubectl(std::vector<std::string> args) const {
    std::vector<std::string> argv{kubectl_path, "--kubeconfig=" + kubeconfig().string(),
                                  "--cache-dir=" + (dir / "cache").string(), "--request-timeout=20s"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  // Writes `text` to a file in the test's directory; returns its path.
  std::string manifest(const std::string& name, const std::string& text) const {
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
  }

  json::object kubectl_json(const std::string& name) const {
    const auto r = kubectl({"get", "instancetype", name, "-o", "json"});
    EXPECT_EQ(r.status, 0) << r.output;
    return r.status == 0 ? json::parse(r.output).as_object() : json::object{};
  }

  json::object labels_of(const std::string& name) const {
    const auto o = types->kube().get(amlk8s::kube::resources::instancetypes, "", name);
    const auto* labels = o.at("metadata").as_object().if_contains("labels");
    return labels ? labels->as_object() : json::object{};
  }

  static inline int counter = 0;
  std::unique_ptr<local::control_plane> plane;
  std::unique_ptr<model::session> session;
  std::unique_ptr<model::instance_types_client> types;
  std::filesystem::path dir;
};

void expect_same(const model::instance_type& read, const model::instance_type& expected) {
  EXPECT_EQ(read.name, expected.name);
  EXPECT_EQ(read.node_selector, expected.node_selector) << expected.name;
  EXPECT_EQ(read.requests, expected.requests) << expected.name;
  EXPECT_EQ(read.limits, expected.limits) << expected.name;
  EXPECT_EQ(read, expected);
}

TEST_F(KubectlInstanceTypes, CrdIsThereOnceTheExtensionIsIn) {
  const auto r = kubectl({"get", "crd", "instancetypes.amlarc.azureml.com"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("instancetypes.amlarc.azureml.com"), std::string::npos) << r.output;
  EXPECT_TRUE(types->crd_installed());
}

TEST_F(KubectlInstanceTypes, KubectlApplyOfTheSeedManifestsIsReadByAmlk8s) {
  const auto single = kubectl({"apply", "-f", manifest("single.yaml", seed_single)});
  ASSERT_EQ(single.status, 0) << single.output;
  EXPECT_NE(single.output.find("instancetype.amlarc.azureml.com/myinstancetypename created"), std::string::npos)
      << single.output;
  const auto list = kubectl({"apply", "-f", manifest("list.yaml", seed_list)});
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("instancetype.amlarc.azureml.com/cpusmall created"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("instancetype.amlarc.azureml.com/defaultinstancetype created"), std::string::npos)
      << list.output;

  const auto expected_single = model::instance_type::load(seed_single).at(0);
  expect_same(types->get("myinstancetypename"), expected_single);
  const auto expected_list = model::instance_type::load(seed_list);
  ASSERT_EQ(expected_list.size(), 2u);
  for (const auto& t : expected_list) expect_same(types->get(t.name), t);

  auto listed = types->list();
  ASSERT_EQ(listed.size(), 3u);
  std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  expect_same(listed[0], expected_list[0]);    // cpusmall
  expect_same(listed[1], expected_list[1]);    // defaultinstancetype
  expect_same(listed[2], expected_single);     // myinstancetypename
  // The CR named defaultinstancetype replaces the virtual one (§1.3).
  EXPECT_FALSE(types->resolve().is_virtual_default);
}

TEST_F(KubectlInstanceTypes, Amlk8sApplyIsReadByKubectlFieldByField) {
  const auto all = model::instance_type::load(seed_list);
  for (const auto& t : all) EXPECT_EQ(types->apply(t).action, model::apply_action::created);
  const auto single = model::instance_type::load(seed_single).at(0);
  EXPECT_EQ(types->apply(single).action, model::apply_action::created);

  for (const auto* t : {&all[0], &all[1], &single}) {
    const auto got = kubectl_json(t->name);
    const auto want = t->to_json();
    EXPECT_EQ(got.at("apiVersion"), want.at("apiVersion"));
    EXPECT_EQ(got.at("kind"), want.at("kind"));
    EXPECT_EQ(got.at("metadata").at("name"), want.at("metadata").at("name"));
    EXPECT_EQ(got.at("spec"), want.at("spec")) << json::serialize(got);
    // kubectl reads the annotation amlk8s wrote as its own last-applied configuration.
    const auto& annotations = got.at("metadata").at("annotations").as_object();
    ASSERT_TRUE(annotations.contains("kubectl.kubernetes.io/last-applied-configuration")) << json::serialize(got);
    auto last = json::parse(annotations.at("kubectl.kubernetes.io/last-applied-configuration").as_string()).as_object();
    EXPECT_EQ(last.at("spec"), want.at("spec"));
  }

  const auto table = kubectl({"get", "instancetypes"});
  ASSERT_EQ(table.status, 0) << table.output;
  EXPECT_EQ(table.output.rfind("NAME", 0), 0u) << table.output;
  for (const auto* name : {"cpusmall", "defaultinstancetype", "myinstancetypename"})
    EXPECT_NE(table.output.find(std::string("\n") + name + " "), std::string::npos) << name << "\n" << table.output;

  const auto label = kubectl({"label", "instancetype", "cpusmall", "a=b"});
  ASSERT_EQ(label.status, 0) << label.output;
  EXPECT_NE(label.output.find("instancetype.amlarc.azureml.com/cpusmall labeled"), std::string::npos) << label.output;
  EXPECT_EQ(labels_of("cpusmall"), (json::object{{"a", "b"}}));
  // A label is no change to the type: amlk8s's apply leaves it, and the label, alone.
  EXPECT_EQ(types->apply(all[0]).action, model::apply_action::unchanged);
  EXPECT_EQ(labels_of("cpusmall"), (json::object{{"a", "b"}}));
  expect_same(types->get("cpusmall"), all[0]);

  const auto del = kubectl({"delete", "-f", manifest("list.yaml", seed_list)});
  ASSERT_EQ(del.status, 0) << del.output;
  EXPECT_NE(del.output.find("instancetype.amlarc.azureml.com \"cpusmall\" deleted"), std::string::npos) << del.output;
  EXPECT_NE(del.output.find("instancetype.amlarc.azureml.com \"defaultinstancetype\" deleted"), std::string::npos)
      << del.output;
  auto left = types->list();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "myinstancetypename");
  types->delete_("myinstancetypename");
  EXPECT_TRUE(types->list().empty());
  const auto none = kubectl({"get", "instancetypes"});
  EXPECT_EQ(none.status, 0) << none.output;
  EXPECT_NE(none.output.find("No resources found"), std::string::npos) << none.output;
}

TEST_F(KubectlInstanceTypes, KubectlApplyTwiceIsUnchanged) {
  const auto file = manifest("single.yaml", seed_single);
  const auto first = kubectl({"apply", "-f", file});
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("myinstancetypename created"), std::string::npos) << first.output;
  const auto rv = kubectl_json("myinstancetypename").at("metadata").at("resourceVersion");
  const auto second = kubectl({"apply", "-f", file});
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("instancetype.amlarc.azureml.com/myinstancetypename unchanged"), std::string::npos)
      << second.output;
  EXPECT_EQ(kubectl_json("myinstancetypename").at("metadata").at("resourceVersion"), rv);
}

TEST_F(KubectlInstanceTypes, Amlk8sApplyAfterKubectlApplySharesTheLastAppliedAnnotation) {
  ASSERT_EQ(kubectl({"apply", "-f", manifest("list.yaml", seed_list)}).status, 0);
  auto all = model::instance_type::load(seed_list);
  for (const auto& t : all) EXPECT_EQ(types->apply(t).action, model::apply_action::unchanged) << t.name;

  // A change amlk8s applies is one kubectl sees, and kubectl's next apply of the old manifest
  // takes it back: both read the same last-applied configuration.
  all[0].limits["cpu"] = amlk8s::quantity::parse("2");
  all[0].node_selector["pool"] = "cpu";
  const auto changed = types->apply(all[0]);
  EXPECT_EQ(changed.action, model::apply_action::configured);
  EXPECT_EQ(changed.applied, all[0]);
  const auto got = kubectl_json("cpusmall");
  EXPECT_EQ(got.at("spec").at("resources").at("limits").at("cpu"), "2");
  EXPECT_EQ(got.at("spec").at("nodeSelector").at("pool"), "cpu");

  const auto back = kubectl({"apply", "-f", manifest("list.yaml", seed_list)});
  ASSERT_EQ(back.status, 0) << back.output;
  EXPECT_NE(back.output.find("instancetype.amlarc.azureml.com/cpusmall configured"), std::string::npos) << back.output;
  EXPECT_NE(back.output.find("instancetype.amlarc.azureml.com/defaultinstancetype unchanged"), std::string::npos)
      << back.output;
  // The nodeSelector only amlk8s's apply had is removed by kubectl: it was in the shared annotation.
  const auto original = model::instance_type::load(seed_list);
  expect_same(types->get("cpusmall"), original[0]);
  EXPECT_EQ(types->apply(original[0]).action, model::apply_action::unchanged);
}

TEST_F(KubectlInstanceTypes, KubectlApplyAfterAmlk8sApplyIsUnchanged) {
  const auto single = model::instance_type::load(seed_single).at(0);
  EXPECT_EQ(types->apply(single).action, model::apply_action::created);
  const auto rv = kubectl_json("myinstancetypename").at("metadata").at("resourceVersion");
  const auto r = kubectl({"apply", "-f", manifest("single.yaml", seed_single)});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("instancetype.amlarc.azureml.com/myinstancetypename unchanged"), std::string::npos) << r.output;
  EXPECT_EQ(kubectl_json("myinstancetypename").at("metadata").at("resourceVersion"), rv);

  // A manifest amlk8s writes (to_yaml) is one kubectl applies as the same object.
  const auto yaml = kubectl({"apply", "-f", manifest("written.yaml", single.to_yaml())});
  ASSERT_EQ(yaml.status, 0) << yaml.output;
  EXPECT_NE(yaml.output.find("myinstancetypename unchanged"), std::string::npos) << yaml.output;
}

// What kubectl prints (a `kind: List` with server metadata) is text amlk8s loads back unchanged.
TEST_F(KubectlInstanceTypes, KubectlGetOutputLoadsBackIntoTheSameTypes) {
  auto all = model::instance_type::load(seed_list);
  all.push_back(model::instance_type::load(seed_single).at(0));
  for (const auto& t : all) ASSERT_EQ(types->apply(t).action, model::apply_action::created);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto* format : {"yaml", "json"}) {
    const auto r = kubectl({"get", "instancetypes", "-o", format});
    ASSERT_EQ(r.status, 0) << r.output;
    auto loaded = model::instance_type::load(r.output, std::string("kubectl get -o ") + format);
    std::sort(loaded.begin(), loaded.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    EXPECT_EQ(loaded, all) << r.output;
    const auto one = kubectl({"get", "instancetype", "myinstancetypename", "-o", format});
    ASSERT_EQ(one.status, 0) << one.output;
    EXPECT_EQ(model::instance_type::load(one.output), (std::vector<model::instance_type>{all[2]})) << one.output;
  }
}

}  // namespace
