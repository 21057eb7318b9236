# %% [markdown]
# # AzureML on Kubernetes, end to end, from a notebook
#
# The whole story on the embedded local control plane: a cluster, the AzureML extension, instance
# types, a compute, the seed's hello-world job (its command really runs) and a model deployment that
# answers on its scoring URI. Cells are marked `# %%` (Jupyter, VS Code); `python end_to_end.py`
# runs them all.

# %%
import sys

import amlk8s

plane = amlk8s.local.ControlPlane(lro_delay=0.05, run_job_processes=True)
client = amlk8s.Client.from_endpoints(plane.endpoints)
cluster = plane.add_cluster("aks-notebook", nodes=3)
plane.add_workspace("ml-ws", resource_group="ml-rg")
kubeconfig = plane.kubeconfig_path("aks-notebook")
ws = client.workspace(resource_group="ml-rg", name="ml-ws")
print(cluster)

# %% Preflight, then install the AzureML extension with training and inference.
settings = amlk8s.AzureMLSettings.from_key_values(
    ["enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
     "allowInsecureConnections=True", "inferenceRouterHA=False"])
print(client.azureml.preflight(cluster, settings, kubeconfig=kubeconfig, production=False))
extension = client.azureml.begin_create(cluster, "azureml", settings).result()
report = client.azureml.verify(cluster, "azureml", kubeconfig=kubeconfig)
print(extension.provisioning_state, "- verified:", report.ok)

# %% Instance types (the seed's list), and which nodes they fit.
types = amlk8s.InstanceType.load_all("""apiVersion: amlarc.azureml.com/v1alpha1
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
""")
operations = amlk8s.InstanceTypeOperations(kubeconfig=kubeconfig)
for t in types:
    print(t.name, operations.apply(t).action)
print(amlk8s.analyze_fit(kubeconfig, types))  # a FitTable: it renders as HTML in a notebook

# %% Attach the cluster to the workspace.
compute = ws.computes.begin_attach(amlk8s.KubernetesCompute(name="k8s-compute", resource_id=cluster),
                                   kubeconfig=kubeconfig).result()
print(compute)

# %% The seed's hello-world job on instance type cpusmall: submit, stream its log, final status.
job = amlk8s.CommandJob.from_yaml("""command: python -c "print('Hello world!')"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
""")
submitted = ws.jobs.create(job, kubeconfig=kubeconfig)
done = ws.jobs.stream(submitted.name, kubeconfig=kubeconfig, interval=0.1)
print(done)

# %% Deploy a model on cpusmall and call its endpoint.
ws.online.create_model_version(amlk8s.ModelVersion(
    name="sklearn_mnist_model", version="1",
    path="azureml://datastores/workspaceblobstore/paths/models/sklearn_mnist_model/1/model.pkl"))
ws.online.begin_create_endpoint(amlk8s.OnlineEndpoint(name="mnist", compute="azureml:k8s-compute")).result()
deployment = ws.online.begin_create_deployment(
    amlk8s.OnlineDeployment(name="blue", endpoint_name="mnist", model="azureml:sklearn_mnist_model:1",
                            instance_type="cpusmall"), kubeconfig=kubeconfig).result()
ws.online.set_traffic("mnist", {"blue": 100})
answer = ws.online.invoke("mnist", {"data": [[0.1, 0.2, 0.3]]})
print(deployment, "\nanswer:", answer)

# %% Clean up.
ws.online.begin_delete_deployment("mnist", "blue").wait()
ws.online.begin_delete_endpoint("mnist").wait()
ws.computes.begin_detach("k8s-compute").wait()
client.extensions.begin_delete(cluster, "azureml").wait()
plane.stop()
ok = extension.provisioning_state == "Succeeded" and done.status == "Completed" and '"blue"' in answer
print("the story ran end to end." if ok else "some steps FAILED.")
sys.exit(0 if ok else 1)
