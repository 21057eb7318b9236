// The workspace value types, sans I/O: Kubernetes computes (contracts/aml-workspace-and-auth.md
// §1.3-1.5, §3.1), command jobs from the seed's YAML and their REST body (§2.2-2.4, §3.4), online
// endpoints and deployments (§2.5-2.6).
#include <amlk8s/model/compute.hpp>
#include <amlk8s/model/job.hpp>
#include <amlk8s/model/online.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace amlk8s::workspace_objects_test {

namespace json = boost::json;
using model::command_job;
using model::kubernetes_compute;
using model::online_deployment;
using model::online_endpoint;

const char* cluster = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1";

bool has_field(const std::vector<validation_issue>& issues, std::string_view field) {
  for (const auto& i : issues)
    if (i.field == field && !i.fix.empty()) return true;
  return false;
}

// ---- computes ---------------------------------------------------------------------------------

TEST(KubernetesCompute, AttachBodyIsTheMinimalShapeAzureMlSends) {
  kubernetes_compute c;
  c.name = "k8s-compute";
  c.cluster = resource_id::parse(cluster);
  c.namespace_name = "training";
  c.identity = model::compute_identity{"UserAssigned", {"/uami/one", "/uami/two"}, "", ""};
  EXPECT_TRUE(c.validate().empty());
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_NE(c.warnings()[0].find("only the first"), std::string::npos);
  const auto body = c.to_json().as_object();
  const auto& p = body.at("properties").as_object();
  EXPECT_EQ(p.at("computeType"), "Kubernetes");
  EXPECT_EQ(p.at("resourceId"), cluster);
  EXPECT_EQ(p.at("properties").at("namespace"), "training");
  const auto& uami = body.at("identity").at("userAssignedIdentities").as_object();
  EXPECT_EQ(uami.size(), 1u);
  EXPECT_TRUE(uami.contains("/uami/one"));
}

TEST(KubernetesCompute, ValidationNamesEveryBadField) {
  kubernetes_compute c;
  c.name = "1bad_name";
  c.cluster = resource_id::parse("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x");
  c.namespace_name = "Not_A_Namespace";
  c.identity = model::compute_identity{"UserAssigned", {}, "", ""};
  const auto issues = c.validate();
  EXPECT_TRUE(has_field(issues, "name"));
  EXPECT_TRUE(has_field(issues, "cluster"));
  EXPECT_TRUE(has_field(issues, "namespace"));
  EXPECT_TRUE(has_field(issues, "identity.user_assigned_identities"));
}

TEST(KubernetesCompute, ReadsTheServiceAnswerWithInstanceTypes) {
  const auto body = json::parse(R"({
    "id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s",
    "name": "k8s", "location": "eastus",
    "identity": {"type": "SystemAssigned", "principalId": "p1", "tenantId": "t1"},
    "properties": {"computeType": "Kubernetes", "resourceId": ")" + std::string(cluster) + R"(",
      "provisioningState": "Failed",
      "provisioningErrors": [{"error": {"code": "BadArgument", "message": "no extension"}}],
      "properties": {"namespace": "ns1", "defaultInstanceType": "defaultinstancetype",
        "instanceTypes": {"cpusmall": {"nodeSelector": null,
           "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}}}}}})");
  const auto c = kubernetes_compute::from_json(body);
  EXPECT_EQ(c.namespace_name, "ns1");
  EXPECT_EQ(c.provisioning_error_code, "BadArgument");
  EXPECT_FALSE(c.succeeded());
  ASSERT_TRUE(c.instance_types.contains("cpusmall"));
  EXPECT_EQ(c.instance_types.at("cpusmall").limits.at("cpu").to_string(), "1");
  // The service listed no defaultinstancetype: the virtual default stands in (§3.3).
  auto d = c.find_instance_type("");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->is_virtual_default);
  EXPECT_FALSE(c.find_instance_type("gpularge"));
  EXPECT_NE(to_string(c).find("cpusmall"), std::string::npos);
}

// ---- jobs -------------------------------------------------------------------------------------

// Seed 002, "Select instance type to submit training job", verbatim with its placeholders filled.
constexpr const char* seed_job = R"yaml(command: python -c "print('Hello world!')"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
)yaml";

TEST(CommandJob, ReadsTheSeedHelloWorldJob) {
  const auto j = command_job::from_yaml(seed_job, "hello.yml");
  EXPECT_EQ(j.command, "python -c \"print('Hello world!')\"");
  ASSERT_TRUE(j.environment_inline);
  EXPECT_EQ(j.environment_inline->image, "python");
  EXPECT_EQ(j.compute, "azureml:k8s-compute");
  EXPECT_EQ(j.instance_type, "cpusmall");
  EXPECT_EQ(j.instance_count, 1);
  EXPECT_TRUE(j.validate().empty());
}

TEST(CommandJob, RestBodyFollowsTheContract) {
  auto j = command_job::from_yaml(R"(
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
type: command
name: train_1
display_name: Train
experiment_name: mnist
command: python train.py --lr ${{inputs.lr}} --data ${{inputs.data}}
environment: azureml:sklearn-env:3
compute: k8s-compute
inputs:
  lr: 0.01
  data:
    type: uri_folder
    path: azureml://datastores/workspaceblobstore/paths/mnist/
    mode: ro_mount
outputs:
  model:
    type: uri_folder
    mode: upload
environment_variables:
  MODE: fast
resources:
  instance_type: gpularge
  instance_count: 2
  shm_size: 4g
limits:
  timeout: 300
distribution:
  type: pytorch
  process_count_per_instance: 4
identity:
  type: aml_token
)");
  ASSERT_TRUE(j.validate().empty());
  const auto body = j.to_json("/c/id", "/env/id").as_object();
  const auto& p = body.at("properties").as_object();
  EXPECT_EQ(p.at("jobType"), "Command");
  EXPECT_EQ(p.at("computeId"), "/c/id");
  EXPECT_EQ(p.at("environmentId"), "/env/id");
  EXPECT_EQ(p.at("experimentName"), "mnist");
  EXPECT_EQ(p.at("resources").at("instanceType"), "gpularge");
  EXPECT_EQ(p.at("resources").at("instanceCount"), 2);
  EXPECT_EQ(p.at("resources").at("shmSize"), "4g");
  EXPECT_EQ(p.at("limits").at("timeout"), "PT300S");
  EXPECT_EQ(p.at("inputs").at("lr").at("jobInputType"), "literal");
  EXPECT_EQ(p.at("inputs").at("lr").at("value"), "0.01");
  EXPECT_EQ(p.at("inputs").at("data").at("mode"), "ReadOnlyMount");
  EXPECT_EQ(p.at("outputs").at("model").at("mode"), "Upload");
  EXPECT_EQ(p.at("distribution").at("distributionType"), "PyTorch");
  EXPECT_EQ(p.at("distribution").at("processCountPerInstance"), 4);
  EXPECT_EQ(p.at("identity").at("identityType"), "AMLToken");
  EXPECT_EQ(p.at("environmentVariables").at("MODE"), "fast");

  // What the service answers is read back into the same job.
  json::object answer{{"id", "/jobs/train_1"}, {"name", "train_1"}, {"properties", p}};
  answer["properties"].as_object()["status"] = "Running";
  const auto back = command_job::from_json(answer);
  EXPECT_EQ(back.status, "Running");
  EXPECT_FALSE(back.is_terminal());
  EXPECT_EQ(back.timeout, std::chrono::seconds(300));
  EXPECT_EQ(back.inputs.at("data").mode, "ro_mount");
  EXPECT_EQ(back.distribution->type, "pytorch");
  EXPECT_EQ(back.identity, "aml_token");
}

TEST(CommandJob, ValidationCatchesWhatTheServiceWouldRefuse) {
  command_job j;
  j.name = "bad name";
  j.command = "python run.py ${{inputs.missing}}";
  j.environment = "azureml:env-without-version";
  j.compute = "serverless";
  j.instance_count = 0;
  j.shm_size = "lots";
  j.code = "./src";
  j.inputs["x"] = model::job_input{"uri_folder", "", "", "upload", ""};
  const auto issues = j.validate();
  for (auto field : {"name", "command", "environment", "compute", "resources.instance_count", "resources.shm_size",
                     "code", "inputs.x.path", "inputs.x.mode"})
    EXPECT_TRUE(has_field(issues, field)) << field;
  command_job empty;
  const auto none = empty.validate();
  EXPECT_TRUE(has_field(none, "command"));
  EXPECT_TRUE(has_field(none, "environment"));
  EXPECT_TRUE(has_field(none, "compute"));
}

TEST(CommandJob, YamlErrorsNameTheKeyAndTheFile) {
  try {
    command_job::from_yaml("type: sweep\ncommand: x\n", "sweep.yml");
    FAIL() << "a sweep job was accepted";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("sweep.yml"), std::string::npos);
    EXPECT_EQ(e.diag().validation.at(0).field, "type");
  }
  EXPECT_THROW(command_job::from_yaml("command: [unclosed\n", "broken.yml"), amlk8s::error);
}

TEST(CommandJob, InlineCondaFileIsReadRelativeToTheJobFile) {
  const auto dir = std::filesystem::temp_directory_path() / "amlk8s_job_yaml_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "conda.yml") << "dependencies:\n  - python=3.11\n";
  std::ofstream(dir / "job.yml") << "command: echo hi\nenvironment:\n  image: python:3.11\n  conda_file: conda.yml\n"
                                    "compute: azureml:k8s\n";
  const auto j = command_job::load_file(dir / "job.yml");
  ASSERT_TRUE(j.environment_inline);
  EXPECT_NE(j.environment_inline->conda_file.find("python=3.11"), std::string::npos);
  // The anonymous environment's version is a hash of its contents: stable, and different for other contents.
  auto other = *j.environment_inline;
  other.image = "python:3.12";
  EXPECT_EQ(model::anonymous_environment_version(*j.environment_inline),
            model::anonymous_environment_version(*j.environment_inline));
  EXPECT_NE(model::anonymous_environment_version(*j.environment_inline), model::anonymous_environment_version(other));
  const auto env = model::anonymous_environment_body(other).as_object();
  EXPECT_EQ(env.at("properties").at("isAnonymous"), true);
  std::filesystem::remove_all(dir);
}

TEST(CommandJob, TerminalStatusesAreAzureMlsSet) {
  for (auto s : {"Completed", "Failed", "Canceled", "NotResponding", "Paused"}) EXPECT_TRUE(model::is_terminal_job_status(s));
  for (auto s : {"NotStarted", "Queued", "Starting", "Preparing", "Running", "Finalizing", "CancelRequested"})
    EXPECT_FALSE(model::is_terminal_job_status(s));
}

// ---- online endpoints and deployments -----------------------------------------------------------

// Seed 002, "Select instance type to deploy model", verbatim.
constexpr const char* seed_deployments = R"(deployments:
  - name: blue
    app_insights_enabled: true
    model: 
      name: sklearn_mnist_model
      version: 1
      local_path: ./model/sklearn_mnist_model.pkl
    code_configuration:
      code: 
        local_path: ./script/
      scoring_script: score.py
    instance_type: cpusmall
    environment: 
      name: sklearn-mnist-env
      version: 1
      path: .
      conda_file: file:./model/conda.yml
      docker:
        image: mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210727.v1
)";

TEST(OnlineDeployment, ReadsTheSeedDeploymentShape) {
  const auto all = online_deployment::all_from_yaml(seed_deployments, "endpoint.yml");
  ASSERT_EQ(all.size(), 1u);
  const auto& d = all[0];
  EXPECT_EQ(d.name, "blue");
  EXPECT_EQ(d.model, "azureml:sklearn_mnist_model:1");
  EXPECT_EQ(d.instance_type, "cpusmall");
  EXPECT_TRUE(d.app_insights_enabled);
  ASSERT_TRUE(d.environment_inline);
  EXPECT_EQ(d.environment_inline->image, "mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210727.v1");
  EXPECT_EQ(d.scoring_script, "score.py");
  // The local code folder needs an upload, which is said before anything is sent; so is the missing endpoint.
  const auto issues = d.validate();
  EXPECT_TRUE(has_field(issues, "code_configuration.code"));
  EXPECT_TRUE(has_field(issues, "endpoint_name"));
}

TEST(OnlineDeployment, BodyCarriesInstanceTypeAndCapacity) {
  online_deployment d;
  d.name = "blue";
  d.endpoint_name = "mnist";
  d.model = "azureml:mnist:1";
  d.instance_type = "cpusmall";
  d.instance_count = 3;
  d.request_timeout = std::chrono::milliseconds(1500);
  ASSERT_TRUE(d.validate().empty());
  const auto body = d.to_json("/models/mnist/versions/1", "/env/1", "").as_object();
  EXPECT_EQ(body.at("sku").at("capacity"), 3);
  const auto& p = body.at("properties").as_object();
  EXPECT_EQ(p.at("endpointComputeType"), "Kubernetes");
  EXPECT_EQ(p.at("instanceType"), "cpusmall");
  EXPECT_EQ(p.at("model"), "/models/mnist/versions/1");
  EXPECT_EQ(p.at("requestSettings").at("requestTimeout"), "PT1.500S");
  EXPECT_FALSE(p.contains("codeConfiguration"));
}

TEST(OnlineEndpoint, YamlBodyAndValidation) {
  auto e = online_endpoint::from_yaml("name: mnist\ncompute: azureml:k8s-compute\nauth_mode: aml_token\n");
  ASSERT_TRUE(e.validate().empty());
  const auto body = e.to_json("/computes/k8s-compute").as_object();
  EXPECT_EQ(body.at("properties").at("authMode"), "AMLToken");
  EXPECT_EQ(body.at("properties").at("compute"), "/computes/k8s-compute");
  e.traffic = {{"blue", 70}, {"green", 20}};
  e.auth_mode = "password";
  const auto issues = e.validate();
  EXPECT_TRUE(has_field(issues, "traffic"));
  EXPECT_TRUE(has_field(issues, "auth_mode"));
  const auto read = online_endpoint::from_json(json::parse(
      R"({"name":"mnist","properties":{"authMode":"Key","scoringUri":"https://x/score","traffic":{"blue":100}}})"));
  EXPECT_EQ(read.auth_mode, "key");
  EXPECT_EQ(read.traffic.at("blue"), 100);
  EXPECT_NE(to_string(read).find("blue=100%"), std::string::npos);
}

}  // namespace amlk8s::workspace_objects_test
