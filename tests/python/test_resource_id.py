import pytest

import amlk8s

AKS = ("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1"
       "/providers/Microsoft.ContainerService/managedClusters/aks1")


def test_parse_gives_the_parts():
    rid = amlk8s.ResourceId.parse(AKS)
    assert rid.subscription_id == "00000000-0000-0000-0000-000000000001"
    assert rid.resource_group == "rg1"
    assert rid.provider_namespace == "Microsoft.ContainerService"
    assert rid.resource_type == "Microsoft.ContainerService/managedClusters"
    assert rid.name == "aks1"
    assert str(rid) == AKS


def test_comparison_ignores_case_of_types():
    assert amlk8s.ResourceId.parse(AKS) == amlk8s.ResourceId.parse(AKS.replace("managedClusters", "MANAGEDCLUSTERS"))
    assert len({amlk8s.ResourceId.parse(AKS), amlk8s.ResourceId.parse(AKS.lower())}) == 1


def test_child_and_parent_round_trip():
    rid = amlk8s.ResourceId.parse(AKS)
    ws = amlk8s.ResourceId.parse(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws")
    compute = ws.child("computes", "k8s")
    assert compute.parent == ws
    assert compute.name == "k8s"
    assert rid.parent is None or rid.parent != rid


def test_bad_id_raises_value_error_naming_the_part():
    with pytest.raises(ValueError) as info:
        amlk8s.ResourceId.parse("/subscriptions//resourceGroups/rg")
    assert "subscription segment is empty" in str(info.value)
    assert isinstance(info.value, amlk8s.ValidationError)


def test_cluster_id_helper():
    rid = amlk8s.cluster_id("connectedClusters", "s", "rg", "arc1")
    assert rid.resource_type == "Microsoft.Kubernetes/connectedClusters"
    with pytest.raises(amlk8s.ValidationError):
        amlk8s.cluster_id("vms", "s", "rg", "x")
