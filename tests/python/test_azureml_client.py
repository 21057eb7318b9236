"""The Python surface end to end against the embedded local control plane."""

import threading
import time

import pytest

import amlk8s


@pytest.fixture(scope="module")
def plane():
    with amlk8s.local.ControlPlane(lro_delay=0.05) as p:
        yield p


@pytest.fixture(scope="module")
def client(plane):
    return amlk8s.Client.from_endpoints(plane.endpoints)


def test_endpoints_have_the_documented_keys(plane):
    ep = plane.endpoints
    assert set(ep) == {"arm_endpoint", "authority_host", "tenant_id", "client_id", "client_secret",
                       "subscription_id", "ca_file", "kubeconfig_dir"}
    assert ep["arm_endpoint"].startswith("https://127.0.0.1:")


def test_training_on_arc_end_to_end(plane, client):
    cluster = plane.add_cluster("arc-py", cluster_type="connectedClusters", nodes=3)
    settings = amlk8s.AzureMLSettings.from_key_values(["enableTraining=True"])
    plan = client.azureml.plan_create(cluster, settings)
    assert plan.body["identity"] == {"type": "SystemAssigned"}
    poller = client.azureml.begin_create(cluster, "azureml", settings)
    ext = poller.result()
    assert poller.done()
    assert ext.provisioning_state == "Succeeded"
    assert ext.identity_type == "SystemAssigned"
    assert ext.configuration_settings["enableTraining"] == "True"
    report = client.azureml.verify(cluster, "azureml", kubeconfig=plane.kubeconfig_path("arc-py"))
    assert report.ok, str(report)
    names = {c.name for c in report.components}
    assert "relayserver" in names and "aml-operator" in names
    assert all(c.state == "Running" for c in report.components)
    assert [e.name for e in client.extensions.list(cluster)] == ["azureml"]


def test_insufficient_nodes_fails_with_the_health_check_code(plane, client):
    cluster = plane.add_cluster("aks-py-small", nodes=2)
    settings = amlk8s.AzureMLSettings(enable_inference=True, inference_router_service_type="LoadBalancer",
                                      allow_insecure_connections=True, inference_router_ha=True)
    pre = client.azureml.preflight(cluster, settings, kubeconfig=plane.kubeconfig_path("aks-py-small"))
    assert not pre.ok
    assert pre.findings[0].id == "inference-router-ha-nodes"
    poller = client.azureml.begin_create(cluster, "azureml", settings)
    with pytest.raises(amlk8s.OperationFailedError) as info:
        poller.result()
    assert "E40002" in str(info.value)
    report = client.azureml.verify(cluster, "azureml", kubeconfig=plane.kubeconfig_path("aks-py-small"))
    assert not report.ok
    assert report.health_checks[0].code == "E40002"


def test_bad_settings_raise_before_anything_is_sent(plane, client):
    cluster = plane.add_cluster("aks-py-bad", nodes=3)
    with pytest.raises(amlk8s.ValidationError) as info:
        client.azureml.begin_create(cluster, "azureml", amlk8s.AzureMLSettings(enable_inference=True))
    assert "allowInsecureConnections" in str(info.value)


def test_missing_extension_and_delete(plane, client):
    cluster = plane.add_cluster("aks-py-del", nodes=3)
    with pytest.raises(amlk8s.ResourceNotFoundError):
        client.extensions.get(cluster, "nothing")
    client.azureml.begin_create(cluster, "azureml", amlk8s.AzureMLSettings(enable_training=True)).result()
    assert client.extensions.begin_delete(cluster, "azureml").result() is None
    with pytest.raises(amlk8s.ResourceNotFoundError):
        client.extensions.get(cluster, "azureml")
    # Deleting again is a no-op.
    assert client.extensions.begin_delete(cluster, "azureml").done()


def test_waiting_releases_the_gil(plane, client):
    cluster = plane.add_cluster("aks-py-gil", nodes=3)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        client.azureml.begin_create(cluster, "azureml", amlk8s.AzureMLSettings(enable_training=True)).result()
    finally:
        stop.set()
        t.join()
    assert len(ticks) > 5


def test_client_repr_never_shows_the_secret(plane, client):
    assert plane.endpoints["client_secret"] not in repr(client)
