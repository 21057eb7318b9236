"""Fit analysis from Python: from Node/Pod dicts, and over a local control plane cluster."""

import amlk8s


def node(name, gpus=0, labels=None, taints=None):
    alloc = {"cpu": "4", "memory": "16Gi", "pods": "110"}
    if gpus:
        alloc["nvidia.com/gpu"] = str(gpus)
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"taints": taints or []},
        "status": {"allocatable": alloc, "conditions": [{"type": "Ready", "status": "True"}]},
    }


GPU_TYPE = {
    "metadata": {"name": "gpu"},
    "spec": {
        "nodeSelector": {"pool": "gpu"},
        "resources": {"requests": {"cpu": "1", "memory": "4Gi"},
                      "limits": {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": 1}},
    },
}
SMALL_TYPE = {
    "metadata": {"name": "small"},
    "spec": {"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}},
}


def test_fit_from_json_gives_counts_reasons_and_the_scheduler_message():
    nodes = [node("cpu-1", labels={"pool": "cpu"}), node("gpu-1", gpus=1, labels={"pool": "gpu"})]
    pods = [{"metadata": {"name": "t", "namespace": "x"},
             "spec": {"nodeName": "gpu-1", "containers": [{"name": "c", "resources": {"limits": {"nvidia.com/gpu": 1}}}]},
             "status": {"phase": "Running"}}]
    table = amlk8s.fit_from_json(nodes, pods, [GPU_TYPE, SMALL_TYPE])
    assert len(table) == 2
    assert table.nodes == ["cpu-1", "gpu-1"]
    gpu = table["gpu"]
    assert not gpu.fits
    assert gpu.requests["nvidia.com/gpu"] == 1
    assert [n.status for n in gpu.nodes] == ["node_selector", "insufficient"]
    assert gpu.scheduler_message(with_preemption=False) == (
        "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node affinity/selector.")
    small = table["small"]
    assert small.fits and small.total_instances == 16
    assert "<table" in table._repr_html_()
    assert "gpu: 0/2 nodes are available" in str(table)


def test_analyze_fit_over_a_local_cluster():
    with amlk8s.local.ControlPlane() as plane:
        plane.add_cluster("fit-py", nodes=2, gpus=1)
        table = amlk8s.analyze_fit(plane.kubeconfig_path("fit-py"), [SMALL_TYPE, GPU_TYPE])
        assert table["small"].total_instances == 16
        assert table["gpu"].scheduler_message(with_preemption=False) == (
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.")


def test_instance_type_objects_and_manifests_give_the_same_analysis():
    nodes = [node("gpu-1", gpus=1, labels={"pool": "gpu"})]
    typed = amlk8s.InstanceType(name="gpu", node_selector={"pool": "gpu"},
                                requests={"cpu": "1", "memory": "4Gi"},
                                limits={"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"})
    from_object = amlk8s.fit_from_json(nodes, [], [typed])
    from_dict = amlk8s.fit_from_json(nodes, [], [GPU_TYPE])
    assert str(from_object) == str(from_dict)
    assert from_object["gpu"].fits
