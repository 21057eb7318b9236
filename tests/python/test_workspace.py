"""Computes, jobs and online deployments from Python, against the embedded local control plane."""

import pytest

import amlk8s

TYPES = """apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests: {cpu: "100m", memory: "100Mi"}
        limits: {cpu: "1", memory: "1Gi"}
"""

HELLO = """command: python -c "print('Hello world!')"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
"""


@pytest.fixture(scope="module")
def story():
    with amlk8s.local.ControlPlane(lro_delay=0.02, run_job_processes=True) as plane:
        client = amlk8s.Client.from_endpoints(plane.endpoints)
        cluster = plane.add_cluster("aks-ws", nodes=1)
        plane.add_workspace("ws", resource_group="ml-rg")
        kubeconfig = plane.kubeconfig_path("aks-ws")
        settings = amlk8s.AzureMLSettings(enable_training=True, enable_inference=True,
                                          inference_router_service_type="NodePort",
                                          allow_insecure_connections=True, inference_router_ha=False)
        client.azureml.begin_create(cluster, "azureml", settings).result()
        types = amlk8s.InstanceTypeOperations(kubeconfig=kubeconfig)
        for t in amlk8s.InstanceType.load_all(TYPES):
            types.apply(t)
        ws = client.workspace(resource_group="ml-rg", name="ws")
        yield plane, client, ws, cluster, kubeconfig


def test_attach_list_and_detach(story):
    plane, client, ws, cluster, kubeconfig = story
    with pytest.raises(amlk8s.PreconditionFailedError) as info:
        ws.computes.begin_attach(amlk8s.KubernetesCompute(name="bad-ns", resource_id=cluster, namespace="nope"),
                                 kubeconfig=kubeconfig)
    assert "namespace" in str(info.value)
    with pytest.raises(amlk8s.ValidationError):
        ws.computes.begin_attach(amlk8s.KubernetesCompute(name="9bad", resource_id=cluster))
    compute = ws.computes.begin_attach(amlk8s.KubernetesCompute(name="k8s-compute", resource_id=cluster),
                                       kubeconfig=kubeconfig).result()
    assert compute.provisioning_state == "Succeeded"
    assert "cpusmall" in ws.computes.get("k8s-compute").instance_types
    assert [c.name for c in ws.computes.list()] == ["k8s-compute"]
    assert "KubernetesCompute(name='k8s-compute'" in repr(compute)


def test_hello_world_job_streams_and_completes(story):
    plane, client, ws, cluster, kubeconfig = story
    job = amlk8s.CommandJob.from_yaml(HELLO)
    assert job.image == "python" and job.instance_type == "cpusmall"
    submitted = ws.jobs.create(job, kubeconfig=kubeconfig)
    chunks = []
    done = ws.jobs.stream(submitted.name, kubeconfig=kubeconfig, on_text=chunks.append, interval=0.05)
    assert done.status == "Completed"
    assert "Hello world!" in "".join(chunks)
    assert done.is_terminal
    assert "<table>" in done._repr_html_()
    assert submitted.name in [j.name for j in ws.jobs.list()]


def test_job_checks_raise_before_sending(story):
    plane, client, ws, cluster, kubeconfig = story
    with pytest.raises(amlk8s.ValidationError) as info:
        ws.jobs.create(amlk8s.CommandJob(command="", compute="azureml:k8s-compute", image="python"))
    assert "command" in str(info.value)
    with pytest.raises(amlk8s.PreconditionFailedError):
        ws.jobs.create(amlk8s.CommandJob(command="echo", image="python", compute="azureml:k8s-compute",
                                         instance_type="no-such-type"))


def test_cancel_stops_a_running_job(story):
    plane, client, ws, cluster, kubeconfig = story
    job = ws.jobs.create(amlk8s.CommandJob(command="sleep 30", image="python", compute="azureml:k8s-compute",
                                           instance_type="cpusmall"))
    assert ws.jobs.cancel(job.name, interval=0.05).status == "Canceled"


def test_deployment_answers_on_its_endpoint(story):
    plane, client, ws, cluster, kubeconfig = story
    ws.online.create_model_version(amlk8s.ModelVersion(name="m", version="1", path="azureml://datastores/x/paths/m"))
    ws.online.begin_create_endpoint(amlk8s.OnlineEndpoint(name="py-ep", compute="azureml:k8s-compute")).result()
    deployment = ws.online.begin_create_deployment(
        amlk8s.OnlineDeployment(name="blue", endpoint_name="py-ep", model="azureml:m:1", instance_type="cpusmall"),
        kubeconfig=kubeconfig).result()
    assert deployment.provisioning_state == "Succeeded"
    ws.online.set_traffic("py-ep", {"blue": 100})
    answer = ws.online.invoke("py-ep", {"data": [1, 2, 3]})
    assert '"deployment":"blue"' in answer.replace(" ", "")
    keys = ws.online.get_keys("py-ep")
    assert keys.primary_key and keys.primary_key not in repr(keys)
    ws.online.begin_delete_deployment("py-ep", "blue").wait()
    ws.online.begin_delete_endpoint("py-ep").wait()
    assert ws.online.list_endpoints() == [] or all(e.name != "py-ep" for e in ws.online.list_endpoints())
