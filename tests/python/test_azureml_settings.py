import json

import pytest

import amlk8s

AKS = amlk8s.cluster_id("managedClusters", "00000000-0000-0000-0000-000000000001", "rg", "aks1")
ARC = amlk8s.cluster_id("connectedClusters", "00000000-0000-0000-0000-000000000001", "rg", "arc1")


def test_keyword_construction_and_reading_back():
    s = amlk8s.AzureMLSettings(enable_training=True, enable_inference=True,
                               inference_router_service_type="nodeport", ssl_cname="ml.contoso.com",
                               node_selector={"pool": "gpu"})
    assert s.enable_training is True
    assert s.inference_router_service_type == "NodePort"
    assert s.node_selector == {"pool": "gpu"}
    assert s.allow_insecure_connections is None


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="enable_trainig"):
        amlk8s.AzureMLSettings(enable_trainig=True)


def test_bad_service_type_names_the_field():
    with pytest.raises(amlk8s.ValidationError) as info:
        amlk8s.AzureMLSettings(inference_router_service_type="Ingress")
    assert "inference_router_service_type" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_secrets_never_come_back():
    s = amlk8s.AzureMLSettings(enable_training=True, relay_server_connection_string="Endpoint=sb://x/;SharedAccessKey=k3y",
                               extra_protected_settings={"token": "t0k3n"})
    assert s.relay_server_connection_string == "***"
    assert s.extra_protected_settings == {"token": "***"}
    assert "k3y" not in repr(s) and "t0k3n" not in repr(s)


def test_key_values_with_legacy_names_and_warnings():
    s = amlk8s.AzureMLSettings.from_key_values(["enableTraining=True", "inferenceLoadBalancerHA=False"])
    assert s.inference_router_ha is False
    assert any("legacy" in w for w in s.warnings)


def test_validation_lists_issues_in_order():
    s = amlk8s.AzureMLSettings(enable_inference=True)
    issues = s.validate()
    assert [i.field for i in issues] == ["configurationSettings.allowInsecureConnections",
                                         "configurationSettings.inferenceRouterServiceType"]
    assert "allowInsecureConnections=True" in issues[0].fix


def test_build_create_gives_the_body_and_a_dry_run():
    s = amlk8s.AzureMLSettings(enable_training=True, enable_inference=True, inference_router_service_type="LoadBalancer",
                               allow_insecure_connections=True)
    r = amlk8s.build_azureml_create(s, cluster=AKS, location="EastUS", node_count=2)
    settings = r.body["properties"]["configurationSettings"]
    assert settings["clusterPurpose"] == "DevTest"
    assert settings["inferenceRouterHA"] == "false"
    assert settings["domain"] == "eastus.cloudapp.azure.com"
    assert r.identity_type is None
    assert json.loads(r.dry_run()) == r.body


def test_build_create_on_arc_adds_identity_and_hides_pem():
    s = amlk8s.AzureMLSettings(enable_training=True)
    r = amlk8s.build_azureml_create(s, cluster=ARC, location="westeurope")
    assert r.body["identity"] == {"type": "SystemAssigned"}
    assert r.configuration_settings["relayserver.enabled"] == "true"


def test_build_create_refuses_namespace_scope():
    with pytest.raises(amlk8s.ValidationError) as info:
        amlk8s.build_azureml_create(amlk8s.AzureMLSettings(enable_training=True), cluster=AKS, location="eastus",
                                    scope="namespace")
    assert "cluster scope" in str(info.value)


def test_update_with_protected_settings_needs_confirmation():
    changes = amlk8s.AzureMLSettings(relay_server_connection_string="Endpoint=sb://r/")
    with pytest.raises(amlk8s.ValidationError):
        amlk8s.build_azureml_update(changes)
    r = amlk8s.build_azureml_update(changes, replaces_all_protected_settings=True)
    assert r.body["properties"]["configurationProtectedSettings"]["relayServerConnectionString"] == "***"


def test_expected_components_follow_the_table():
    s = amlk8s.AzureMLSettings(enable_training=True, install_volcano=False)
    names = [c.name for c in amlk8s.expected_components(s, cluster_type="connectedClusters", extension_name="ml")]
    assert "relayserver" in names and "aml-operator" in names
    assert "volcano-scheduler" not in names
    assert "ml-kube-state-metrics" in names
