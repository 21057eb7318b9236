// Computes, jobs and Kubernetes online deployments end to end, as a user runs them: a session over
// HTTPS against the local control plane, the AzureML extension installed through azureml_client,
// instance types applied through the Kubernetes API, then attach, jobs (whose commands really run)
// and a deployment that answers on its scoring URI.
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/instance_types_client.hpp>
#include <amlk8s/model/session.hpp>
#include <amlk8s/model/workload_labels.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace amlk8s::workspace_e2e_test {

namespace json = boost::json;
using model::command_job;
using strings = std::vector<std::string>;

constexpr std::string_view types_yaml = R"(apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests: {cpu: "100m", memory: "100Mi"}
        limits: {cpu: "1", memory: "1Gi"}
  - metadata:
      name: whole-node
    spec:
      resources:
        requests: {cpu: "3500m", memory: "8Gi"}
        limits: {cpu: "3500m", memory: "8Gi"}
  - metadata:
      name: gpu1
    spec:
      resources:
        requests: {cpu: "1", memory: "4Gi"}
        limits: {cpu: "1", memory: "4Gi", nvidia.com/gpu: 1}
)";

bool issue_on(const amlk8s::error& e, std::string_view field) {
  for (const auto& v : e.diag().validation)
    if (v.field == field && !v.fix.empty()) return true;
  return false;
}

class WorkspaceEndToEnd : public ::testing::Test {
 protected:
  WorkspaceEndToEnd()
      : plane([] {
          local::control_plane_options o;
          o.lro_delay = std::chrono::milliseconds(20);
          o.min_retry_after = std::chrono::seconds(0);
          o.run_job_processes = true;
          return o;
        }()),
        session(model::session::from_endpoints_json(plane.endpoints().to_json())) {
    local::cluster_spec c;
    c.kind = local::cluster_kind::aks;
    c.subscription = plane.endpoints().subscription_id;
    c.resource_group = "ml-rg";
    c.name = "aks1";
    c.location = "eastus";
    c.distribution = "aks";
    c.node_pools.push_back({"cpu", 1, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
    plane.azure().arm().add_cluster(c);
    plane.azure().arm().add_workspace({plane.endpoints().subscription_id, "ml-rg", "ws", "eastus", ""});
    cluster = resource_id::parse(local::arm_id(c));
  }

  kube::client k8s() const { return session->kube_from_kubeconfig(plane.kubeconfig_path("aks1")); }
  model::workspace_client ws() const { return session->workspace("ml-rg", "ws"); }

  void install_extension(strings settings = {"enableTraining=True", "enableInference=True",
                                              "inferenceRouterServiceType=NodePort", "allowInsecureConnections=True",
                                              "inferenceRouterHA=False"}) {
    auto ext = session->azureml().create(cluster, "azureml", model::azureml_settings::from_key_values(settings));
    ASSERT_TRUE(ext.succeeded());
    model::instance_types_client types(k8s());
    for (const auto& t : model::instance_type::load(types_yaml)) types.apply(t);
  }

  model::kubernetes_compute attach() {
    model::kubernetes_compute c;
    c.name = "k8s-compute";
    c.cluster = cluster;
    auto client = k8s();
    return ws().computes().attach(c, {true, &client});
  }

  static model::job_wait_options quick() {
    model::job_wait_options o;
    o.interval = std::chrono::milliseconds(20);
    o.max_interval = std::chrono::milliseconds(100);
    o.timeout = std::chrono::seconds(30);
    return o;
  }

  command_job job(std::string command, std::string instance_type = "cpusmall") {
    command_job j;
    j.command = std::move(command);
    j.environment_inline = model::inline_environment{"python", ""};
    j.compute = "azureml:k8s-compute";
    j.instance_type = std::move(instance_type);
    return j;
  }

  local::control_plane plane;
  std::unique_ptr<model::session> session;
  resource_id cluster;
};

TEST_F(WorkspaceEndToEnd, AttachIsRefusedWithoutTheExtensionAndNamesTheFix) {
  model::kubernetes_compute c;
  c.name = "k8s-compute";
  c.cluster = cluster;
  try {
    ws().computes().attach(c);
    FAIL() << "attached a cluster without the AzureML extension";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::precondition_failed);
    EXPECT_TRUE(issue_on(e, "cluster")) << e.what();
  }
  EXPECT_TRUE(ws().computes().list().empty());
}

TEST_F(WorkspaceEndToEnd, AttachChecksTheNamespaceAndCopiesInstanceTypes) {
  install_extension();
  model::kubernetes_compute c;
  c.name = "k8s-compute";
  c.cluster = cluster;
  c.namespace_name = "no-such-namespace";
  auto client = k8s();
  try {
    ws().computes().attach(c, {true, &client});
    FAIL() << "attached with a missing namespace";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::precondition_failed);
    EXPECT_TRUE(issue_on(e, "namespace"));
  }
  const auto attached = attach();
  EXPECT_TRUE(attached.succeeded());
  EXPECT_TRUE(attached.instance_types.contains("cpusmall"));
  EXPECT_TRUE(attached.instance_types.contains("gpu1"));
  ASSERT_EQ(ws().computes().list().size(), 1u);
  ws().computes().detach("k8s-compute");
  EXPECT_TRUE(ws().computes().list().empty());
  // Detach leaves the cluster and its extension alone.
  EXPECT_TRUE(session->extensions().get(cluster, "azureml").succeeded());
}

TEST_F(WorkspaceEndToEnd, HelloWorldJobRunsStreamsItsLogAndCompletes) {
  install_extension();
  attach();
  auto j = command_job::from_yaml(R"yaml(command: python -c "print('Hello world!')"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
)yaml");
  auto client = k8s();
  const auto submitted = ws().jobs().create(j, {true, &client});
  EXPECT_FALSE(submitted.name.empty());
  std::string log;
  strings statuses;
  auto o = quick();
  o.on_status = [&](const command_job& x) { statuses.push_back(x.status); };
  const auto done = ws().jobs().stream_logs(submitted.name, client, [&](std::string_view t) { log += t; }, o);
  EXPECT_EQ(done.status, "Completed") << log;
  EXPECT_NE(log.find("Hello world!"), std::string::npos) << log;
  EXPECT_EQ(statuses.back(), "Completed");
  // The job's pod carries the labels the SDK finds it by.
  const auto pods = client.list(kube::resources::pods, "default",
                                {std::string(model::workload_labels::job_name) + "=" + submitted.name});
  EXPECT_EQ(pods.items.size(), 1u);
  // The job is listed, and its inline environment was registered as an anonymous version.
  EXPECT_EQ(ws().jobs().list().size(), 1u);
  EXPECT_NE(done.environment_id.find("CliV2AnonymousEnvironment"), std::string::npos);
}

TEST_F(WorkspaceEndToEnd, FailingCommandEndsFailedAndCancelStopsARunningJob) {
  install_extension();
  attach();
  const auto failing = ws().jobs().create(job("exit 3"));
  EXPECT_EQ(ws().jobs().wait(failing.name, quick()).status, "Failed");

  const auto sleeping = ws().jobs().create(job("sleep 30"));
  // Wait until it runs, then cancel.
  auto o = quick();
  for (int i = 0; i < 200 && ws().jobs().get(sleeping.name).status != "Running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto started = std::chrono::steady_clock::now();
  const auto canceled = ws().jobs().cancel(sleeping.name, o);
  EXPECT_EQ(canceled.status, "Canceled");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

TEST_F(WorkspaceEndToEnd, JobChecksCatchWhatWouldNeverRunBeforeItIsSent) {
  install_extension();
  attach();
  auto client = k8s();
  try {
    ws().jobs().create(job("echo", "no-such-type"));
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::precondition_failed);
    EXPECT_TRUE(issue_on(e, "resources.instance_type"));
    EXPECT_NE(std::string(e.diag().validation.at(0).message).find("cpusmall"), std::string::npos);
  }
  try {
    ws().jobs().create(job("echo", "gpu1"), {true, &client});
    FAIL() << "a GPU job was accepted on a cluster without GPUs";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::precondition_failed);
    EXPECT_NE(e.diag().validation.at(0).message.find("Insufficient nvidia.com/gpu"), std::string::npos)
        << e.diag().validation.at(0).message;
  }
  try {
    auto j = job("echo");
    j.compute = "azureml:missing";
    ws().jobs().create(j);
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::precondition_failed);
    EXPECT_TRUE(issue_on(e, "compute"));
  }
  EXPECT_TRUE(ws().jobs().list().empty());
}

TEST_F(WorkspaceEndToEnd, JobsCompeteForCapacity) {
  install_extension();
  // An instance type that takes 60% of what the one node has free once the extension runs: two
  // such jobs cannot run at once, so the second waits for the first, then runs.
  auto client = k8s();
  const auto nodes = model::fit_analyzer(client).nodes();
  ASSERT_EQ(nodes.size(), 1u);
  const auto milli = nodes[0].free().at("cpu") * 6 / 10;
  model::instance_type big;
  big.name = "most-of-node";
  big.requests["cpu"] = quantity::parse(std::to_string(milli) + "m");
  big.limits["cpu"] = big.requests["cpu"];
  big.requests["memory"] = quantity::parse("1Gi");
  big.limits["memory"] = quantity::parse("1Gi");
  model::instance_types_client(client).apply(big);
  attach();
  const auto first = ws().jobs().create(job("sleep 1", "most-of-node"));
  const auto second = ws().jobs().create(job("echo second", "most-of-node"));
  bool second_waited = false;
  for (int i = 0; i < 150; ++i) {
    const auto a = ws().jobs().get(first.name).status;
    const auto b = ws().jobs().get(second.name).status;
    if (a == "Running" && (b == "Queued" || b == "NotStarted")) second_waited = true;
    if (model::is_terminal_job_status(a)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(second_waited);
  EXPECT_EQ(ws().jobs().wait(first.name, quick()).status, "Completed");
  EXPECT_EQ(ws().jobs().wait(second.name, quick()).status, "Completed");
}

TEST_F(WorkspaceEndToEnd, DeploymentServesItsModelOnTheScoringUri) {
  install_extension();
  attach();
  auto online = ws().online();
  online.create_model_version({"mnist", "1", "azureml://datastores/workspaceblobstore/paths/mnist/model.pkl", "custom_model", "", ""});
  model::online_endpoint e;
  e.name = "mnist-ep";
  e.compute = "azureml:k8s-compute";
  const auto ep = online.create_endpoint(e);
  EXPECT_FALSE(ep.scoring_uri.empty());
  model::online_deployment d;
  d.name = "blue";
  d.endpoint_name = "mnist-ep";
  d.model = "azureml:mnist:1";
  d.instance_type = "cpusmall";
  auto client = k8s();
  const auto deployed = online.create_deployment(d, {true, &client});
  EXPECT_EQ(deployed.provisioning_state, "Succeeded");
  online.set_traffic("mnist-ep", {{"blue", 100}});
  diagnostics d1, d2;
  auto got = online.async_get_endpoint("mnist-ep", d1, boost::asio::use_future);
  auto listed = online.async_list_deployments("mnist-ep", d2, boost::asio::use_future);
  EXPECT_EQ(got.get().traffic.at("blue"), 100);
  EXPECT_EQ(listed.get().size(), 1u);
  const auto answer = online.invoke("mnist-ep", R"({"data": [1, 2]})");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.deployment, "blue");
  EXPECT_NE(answer.body.find("\"input\""), std::string::npos) << answer.body;
  // The keys are secrets: nothing prints them.
  const auto keys = online.get_keys("mnist-ep");
  EXPECT_FALSE(keys.primary.empty());
  const auto pods = client.list(kube::resources::pods, "default",
                                {std::string(model::workload_labels::deployment) + "=blue"});
  EXPECT_EQ(pods.items.size(), 1u);
  online.delete_deployment("mnist-ep", "blue");
  EXPECT_TRUE(client.list(kube::resources::pods, "default", {std::string(model::workload_labels::deployment) + "=blue"})
                  .items.empty());
  online.delete_endpoint("mnist-ep");
  EXPECT_TRUE(online.list_endpoints().empty());
}

TEST_F(WorkspaceEndToEnd, AsyncFormsTakeCompletionTokens) {
  install_extension();
  attach();
  diagnostics diag;
  auto f = ws().jobs().async_create(job("echo async"), {}, diag, boost::asio::use_future);
  const auto submitted = f.get();
  diagnostics wait_diag;
  auto g = ws().jobs().async_wait(submitted.name, quick(), wait_diag, boost::asio::use_future);
  EXPECT_EQ(g.get().status, "Completed");
  diagnostics bad_diag;
  auto bad = ws().jobs().async_create(command_job{}, {}, bad_diag, boost::asio::use_future);
  EXPECT_THROW(bad.get(), boost::system::system_error);
  EXPECT_FALSE(bad_diag.validation.empty());
}

}  // namespace amlk8s::workspace_e2e_test
