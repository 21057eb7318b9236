// amlk8s end to end: the whole story of AzureML on Kubernetes, on the embedded local control plane.
//
// Declare an AKS cluster and a workspace; preflight the cluster; install the AzureML extension with
// training and inference; verify its components; create the seed documents' instance types and a
// GPU one; show which fit where; attach the cluster to the workspace; submit the seed's hello-world
// job on an instance type, stream its log and show its final status (the command really runs, as a
// local process); deploy a model on an instance type and call its scoring endpoint; clean up.
// No Azure subscription and no cluster are needed. Exits non-zero when any step does not succeed.
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/version.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/instance_types_client.hpp>
#include <amlk8s/model/session.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <string_view>

namespace {

using namespace amlk8s;

void step(std::string_view text) { std::cout << "\n==> " << text << "\n"; }

void print_block(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::cout << text << "\n";
}

// Seed 002, "Create custom instance types": my_instance_type_list.yaml, and a GPU type for the
// cluster's GPU pool.
constexpr std::string_view instance_types_yaml = R"(apiVersion: amlarc.azureml.com/v1alpha1
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
---
apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: gpu1
spec:
  nodeSelector:
    accelerator: nvidia
  resources:
    requests:
      cpu: "4"
      memory: "32Gi"
    limits:
      cpu: "4"
      memory: "32Gi"
      nvidia.com/gpu: 1
)";

// Seed 002, "Select instance type to submit training job", with the placeholders filled in.
constexpr std::string_view hello_world_job = R"yaml(command: python -c "print('Hello world!')"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
)yaml";

local::cluster_spec story_cluster() {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.resource_group = "ml-rg";
  c.name = "aks-ml";
  c.location = "eastus";
  c.kubernetes_version = "1.30.6";
  c.distribution = "aks";
  local::node_pool cpu{"cpu", 3, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"};
  local::node_pool gpu{"gpu", 1, "Standard_NC6s_v3", 6000, 112LL << 30, 1, {{"accelerator", "nvidia"}}, {}, "User"};
  c.node_pools = {cpu, gpu};
  return c;
}

bool check(bool ok, std::string_view what) {
  std::cout << (ok ? "  OK    " : "  FAILED ") << what << "\n";
  return ok;
}

}  // namespace

int main() try {
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << " end to end\n";
  bool ok = true;

  step("start the local control plane (HTTPS with a generated CA; job commands run as local processes)");
  local::control_plane_options options;
  options.lro_delay = std::chrono::milliseconds(200);
  options.min_retry_after = std::chrono::seconds(0);
  options.run_job_processes = true;
  local::control_plane plane(options);
  std::cout << "ARM " << plane.endpoints().arm_endpoint << "\n";

  step("declare an AKS cluster (3 CPU nodes, 1 GPU node) and an AzureML workspace");
  auto spec = story_cluster();
  spec.subscription = plane.endpoints().subscription_id;
  plane.azure().arm().add_cluster(spec);
  plane.azure().arm().add_workspace({plane.endpoints().subscription_id, "ml-rg", "ml-ws", "eastus", "the story's workspace"});
  auto s = model::session::from_endpoints_json(plane.endpoints().to_json());
  const auto cluster = resource_id::parse(local::arm_id(spec));
  auto k8s = s->kube_from_kubeconfig(plane.kubeconfig_path(spec.name));
  std::cout << cluster << "\n";

  step("preflight the cluster for training and inference");
  auto settings = model::azureml_settings::from_key_values(std::vector<std::string>{
      "enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
      "allowInsecureConnections=True", "inferenceRouterHA=False"});
  model::preflight_options dev_test;
  dev_test.production = false;  // a development cluster: the production minimum of 4 vCPU per node does not apply
  auto pre = s->azureml().preflight(cluster, settings, &k8s, dev_test);
  print_block(pre.to_string());
  ok &= check(pre.ok(), "preflight");

  step("install the AzureML extension (long-running PUT) and verify its components");
  auto ext = s->azureml().create(cluster, "azureml", settings);
  ok &= check(ext.succeeded(), "extension " + ext.name + ": " + ext.provisioning_state);
  auto report = s->azureml().verify(cluster, "azureml", k8s);
  print_block(report.to_string());
  ok &= check(report.ok(), "verification");

  step("create the instance types (kubectl apply semantics)");
  model::instance_types_client types(k8s);
  std::vector<model::instance_type> all;
  for (const auto& t : model::instance_type::load(instance_types_yaml, "instance-types.yaml")) {
    std::cout << "  " << t.name << ": " << to_string(types.apply(t).action) << "\n";
    all.push_back(t);
  }

  step("which instance types fit where");
  model::fit_analyzer fit(k8s);
  print_block(fit.analyze(all).to_string());

  step("attach the cluster to the workspace as a Kubernetes compute");
  auto ws = s->workspace("ml-rg", "ml-ws");
  model::kubernetes_compute compute;
  compute.name = "k8s-compute";
  compute.cluster = cluster;
  compute.namespace_name = "default";
  model::attach_options attach;
  attach.k8s = &k8s;  // also check that the namespace exists
  auto attached = ws.computes().attach(compute, attach);
  print_block(to_string(attached));
  ok &= check(attached.succeeded(), "compute " + attached.name + ": " + attached.provisioning_state);

  step("submit the seed's hello-world job on instance type cpusmall");
  auto job = model::command_job::from_yaml(hello_world_job, "hello-world.yml");
  job.display_name = "hello-world";
  model::job_create_options create;
  create.k8s = &k8s;  // also check that the instance type can fit a node
  auto submitted = ws.jobs().create(job, create);
  std::cout << "  job " << submitted.name << " is " << submitted.status << "\n";

  step("stream its log");
  model::job_wait_options wait;
  wait.interval = std::chrono::milliseconds(100);
  wait.max_interval = std::chrono::milliseconds(500);
  wait.on_status = [](const model::command_job& j) { std::cout << "  [status] " << j.status << "\n"; };
  auto done = ws.jobs().stream_logs(submitted.name, k8s, [](std::string_view text) { std::cout << "  | " << text; }, wait);
  step("its final status");
  print_block(to_string(done));
  ok &= check(done.status == "Completed", "job " + done.name + ": " + done.status);

  step("deploy a model on instance type cpusmall and call its endpoint");
  model::model_version mv;
  mv.name = "sklearn_mnist_model";
  mv.version = "1";
  mv.model_uri = "azureml://datastores/workspaceblobstore/paths/models/sklearn_mnist_model/1/model.pkl";
  ws.online().create_model_version(mv);
  model::online_endpoint endpoint;
  endpoint.name = "mnist";
  endpoint.compute = "azureml:k8s-compute";
  auto ep = ws.online().create_endpoint(endpoint);
  model::online_deployment blue;
  blue.name = "blue";
  blue.endpoint_name = "mnist";
  blue.model = "azureml:sklearn_mnist_model:1";
  blue.environment_inline = model::inline_environment{"mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210727.v1", ""};
  blue.instance_type = "cpusmall";
  model::deployment_create_options deploy;
  deploy.k8s = &k8s;
  auto deployed = ws.online().create_deployment(blue, deploy);
  print_block(to_string(deployed));
  ok &= check(deployed.provisioning_state == "Succeeded", "deployment blue: " + deployed.provisioning_state);
  ep = ws.online().set_traffic("mnist", {{"blue", 100}});
  print_block(to_string(ep));
  auto answer = ws.online().invoke("mnist", R"({"data": [[0.1, 0.2, 0.3]]})");
  std::cout << "  HTTP " << answer.status << " from deployment " << answer.deployment << ": " << answer.body << "\n";
  ok &= check(answer.status == 200 && answer.deployment == "blue", "scoring");

  step("clean up: the deployment, the endpoint, the compute (detach) and the extension");
  ws.online().delete_deployment("mnist", "blue");
  ws.online().delete_endpoint("mnist");
  ws.computes().detach("k8s-compute");
  s->extensions().delete_(cluster, "azureml");
  std::cout << "  computes left: " << ws.computes().list().size() << "\n";

  std::cout << (ok ? "\nthe story ran end to end.\n" : "\nsome steps FAILED.\n");
  return ok ? 0 : 1;
} catch (const amlk8s::error& e) {
  std::cerr << "error: " << e.what() << "\n";
  for (const auto& v : e.diag().validation) std::cerr << "  " << v.field << ": " << v.message << " (fix: " << v.fix << ")\n";
  return 1;
}
