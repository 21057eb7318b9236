"""Instance types from Python: manifests, validation, and apply/get/list/delete/resolve against the
embedded local control plane."""

import pytest

import amlk8s

MANIFEST = """apiVersion: amlarc.azureml.com/v1alpha1
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
"""

LIST = """apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceTypeList
items:
  - metadata:
      name: cpusmall
    spec:
      resources:
        requests: {cpu: "100m", memory: "100Mi"}
        limits: {cpu: "1", nvidia.com/gpu: 0, memory: "1Gi"}
"""


@pytest.fixture(scope="module")
def plane():
    with amlk8s.local.ControlPlane(lro_delay=0.02) as p:
        yield p


@pytest.fixture(scope="module")
def client(plane):
    return amlk8s.Client.from_endpoints(plane.endpoints)


@pytest.fixture(scope="module")
def cluster_with_extension(plane, client):
    cluster = plane.add_cluster("aks-it", nodes=3)
    ops = amlk8s.InstanceTypeOperations(kubeconfig=plane.kubeconfig_path("aks-it"))
    assert not ops.crd_installed()
    client.azureml.begin_create(cluster, "azureml", amlk8s.AzureMLSettings(enable_training=True)).result()
    assert ops.crd_installed()
    return ops


def test_manifest_round_trip():
    t = amlk8s.InstanceType.from_yaml(MANIFEST)
    assert t.name == "myinstancetypename"
    assert t.node_selector == {"mylabel": "mylabelvalue"}
    assert t.limits["nvidia.com/gpu"] == amlk8s.Quantity(1)
    assert t.requests["memory"] == amlk8s.Quantity("1500Mi")
    assert t.validate() == []
    assert amlk8s.InstanceType.from_yaml(t.to_yaml()) == t
    assert amlk8s.InstanceType.from_json(t.to_json()) == t
    assert t.to_json()["spec"]["resources"]["limits"] == {"cpu": "1", "memory": "2Gi", "nvidia.com/gpu": 1}
    assert [x.name for x in amlk8s.InstanceType.load_all(LIST + "---\n" + MANIFEST)] == ["cpusmall", "myinstancetypename"]


def test_keyword_constructor_and_validation():
    t = amlk8s.InstanceType(name="gpu", requests={"cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": 1},
                            limits={"cpu": 1, "memory": "2Gi", "nvidia.com/gpu": None},
                            tolerations=[amlk8s.Toleration(key="k", operator="Sometimes")])
    fields = [i.field for i in t.validate()]
    assert "spec.resources.requests.nvidia.com/gpu" in fields
    assert "spec.tolerations[0].operator" in fields
    assert "nvidia.com/gpu" not in t.limits
    ok = amlk8s.InstanceType(name="cpu", node_selector={"pool": "a"}, requests={"cpu": "1", "memory": "1Gi"},
                             limits={"cpu": "1", "memory": "1Gi"})
    assert ok.validate() == []
    assert [i.field for i in ok.check_node_selector({"pool": "b"})] == ["spec.nodeSelector.pool"]


def test_apply_get_list_delete(cluster_with_extension):
    ops = cluster_with_extension
    t = amlk8s.InstanceType.from_yaml(MANIFEST)
    assert ops.apply(t).action == "created"
    assert ops.apply(t).action == "unchanged"
    t.limits = {"cpu": "2", "memory": "2Gi", "nvidia.com/gpu": 1}
    result = ops.apply(t)
    assert result.action == "configured"
    assert result.instance_type.limits["cpu"] == amlk8s.Quantity(2)
    assert ops.get("myinstancetypename") == t
    assert [x.name for x in ops.list()] == ["myinstancetypename"]
    listed = ops.list(include_default=True)
    assert [x.name for x in listed] == ["defaultinstancetype", "myinstancetypename"]
    assert listed[0].is_virtual_default
    ops.delete("myinstancetypename")
    with pytest.raises(amlk8s.ResourceNotFoundError):
        ops.get("myinstancetypename")


def test_invalid_apply_raises_validation_error(cluster_with_extension):
    bad = amlk8s.InstanceType(name="Bad_Name", requests={"cpu": "1", "memory": "1Gi"}, limits={"cpu": "1", "memory": "1Gi"})
    with pytest.raises(amlk8s.ValidationError) as info:
        cluster_with_extension.apply(bad)
    assert "metadata.name" in str(info.value)


def test_resolve_default_profiles(cluster_with_extension):
    ops = cluster_with_extension
    current = ops.resolve()
    assert current.is_virtual_default
    assert current.limits["cpu"] == amlk8s.Quantity("2")
    legacy = ops.resolve("defaultinstancetype", profile="legacy")
    assert legacy.requests["cpu"] == amlk8s.Quantity("600m")
    with pytest.raises(amlk8s.ResourceNotFoundError):
        ops.resolve("nope")
