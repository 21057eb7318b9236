"""`amlk8s` as a user runs it: real arguments, real output and exit codes, against local control
planes started by the fixtures (conftest.py)."""

import json
import os
import pty
import shlex
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import CLI, amlk8s, clean_env, ok, ok_json

AKS = "--cluster-type managedClusters --resource-group rg1 --cluster-name"
ARC = "--cluster-type connectedClusters --resource-group rg1 --cluster-name"

# The four scenarios of the AzureML extension documentation (seed 001), as written there.
SEED_SCENARIOS = {
    "1_aks_proof_of_concept": "az k8s-extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer allowInsecureConnections=True InferenceRouterHA=False --cluster-type managedClusters --cluster-name <your-AKS-cluster-name> --resource-group <your-RG-name> --scope cluster",
    "2_arc_training_only": "az k8s-extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True --cluster-type connectedClusters --cluster-name <your-connected-cluster-name> --resource-group <your-RG-name> --scope cluster",
    "3_aks_production_https": "az k8s-extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer sslCname=<ssl cname> --config-protected sslCertPemFile=<file-path-to-cert-PEM> sslKeyPemFile=<file-path-to-cert-KEY> --cluster-type managedClusters --cluster-name <your-AKS-cluster-name> --resource-group <your-RG-name> --scope cluster",
    "4_arc_production_nvidia_gpus": "az k8s-extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=NodePort sslCname=<ssl cname> installNvidiaDevicePlugin=True installDcgmExporter=True --config-protected sslCertPemFile=<file-path-to-cert-PEM> sslKeyPemFile=<file-path-to-cert-KEY> --cluster-type connectedClusters --cluster-name <your-connected-cluster-name> --resource-group <your-RG-name> --scope cluster",
}
SCENARIO_CLUSTERS = {"1_aks_proof_of_concept": "aks1", "2_arc_training_only": "arc1",
                     "3_aks_production_https": "aks-https", "4_arc_production_nvidia_gpus": "arc-gpu"}

INSTANCE_TYPES = """apiVersion: amlarc.azureml.com/v1alpha1
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
"""


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A certificate for ml.contoso.com and its key, as scenarios 3 and 4 pass them."""
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ml.contoso.com",
                    "-addext", "subjectAltName=DNS:ml.contoso.com", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
                   check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def translated(scenario, tls):
    """The seed's command line, `az k8s-extension create` → `amlk8s extension create`, placeholders filled."""
    line = SEED_SCENARIOS[scenario].replace("az k8s-extension create", "amlk8s extension create", 1)
    cluster = SCENARIO_CLUSTERS[scenario]
    for placeholder, value in {"<extension-name>": "azureml", "<your-AKS-cluster-name>": cluster,
                               "<your-connected-cluster-name>": cluster, "<your-RG-name>": "rg1",
                               "<ssl cname>": "ml.contoso.com", "<file-path-to-cert-PEM>": str(tls[0]),
                               "<file-path-to-cert-KEY>": str(tls[1])}.items():
        line = line.replace(placeholder, value)
    words = shlex.split(line)
    assert words[:3] == ["amlk8s", "extension", "create"]
    return words[1:]


# ---- help ----------------------------------------------------------------------------------------

COMMANDS = [
    "extension create", "extension show", "extension list", "extension update", "extension delete", "extension verify",
    "cluster show", "cluster preflight",
    "instancetype apply", "instancetype get", "instancetype list", "instancetype delete", "instancetype fit",
    "compute attach", "compute detach", "compute show", "compute list",
    "job create", "job show", "job list", "job cancel", "job logs",
    "model create", "model show",
    "online-endpoint create", "online-endpoint show", "online-endpoint list", "online-endpoint delete",
    "online-endpoint get-credentials", "online-endpoint invoke",
    "online-deployment create", "online-deployment show", "online-deployment list", "online-deployment delete",
    "configure",
]


def test_main_help_lists_groups_exit_codes_and_local():
    r = ok(amlk8s("--help"))
    for word in ("extension", "instancetype", "compute", "online-deployment", "Exit codes:", "AMLK8S_LOCAL_ENDPOINTS",
                 "--local FILE", "AZURE_SUBSCRIPTION_ID", "AMLK8S_DEFAULTS_GROUP"):
        assert word in r.stdout, word
    for code in range(0, 7):
        assert f"\n  {code}  " in r.stdout


def test_version():
    assert ok(amlk8s("--version")).stdout.startswith("amlk8s ")


def test_no_arguments_is_a_usage_error():
    r = amlk8s()
    assert r.returncode == 2 and "usage: amlk8s" in r.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    r = ok(amlk8s(command + " --help"))
    assert r.stdout.startswith("usage: amlk8s " + command)
    assert "Examples:" in r.stdout and "amlk8s " + command.split()[0] in r.stdout.split("Examples:")[1]
    assert "Exit codes:" in r.stdout


def test_group_help_lists_its_commands():
    r = ok(amlk8s("extension --help"))
    for verb in ("create", "show", "list", "update", "delete", "verify"):
        assert f"\n  {verb} " in r.stdout


def test_extension_create_help_shows_the_four_seed_scenarios():
    r = ok(amlk8s("extension create --help"))
    for line in SEED_SCENARIOS.values():
        assert line.replace("az k8s-extension create", "amlk8s extension create") in r.stdout


# ---- the four seed scenarios ----------------------------------------------------------------------

@pytest.mark.parametrize("scenario", sorted(SEED_SCENARIOS))
def test_seed_scenario_command_line(plane, tls_files, scenario):
    r = amlk8s(*translated(scenario, tls_files), plane=plane)
    ext = ok_json(r)
    assert ext["name"] == "azureml"
    assert ext["properties"]["provisioningState"] == "Succeeded"
    settings = ext["properties"]["configurationSettings"]
    assert settings["enableTraining"] == "True"
    cluster = SCENARIO_CLUSTERS[scenario]
    if scenario.startswith("3") or scenario.startswith("4"):
        assert settings["sslCname"] == "ml.contoso.com"
        # Protected values never reach the output, and the key file never either.
        key = Path(tls_files[1]).read_text()
        assert "PRIVATE KEY" not in r.stdout + r.stderr
        assert key.splitlines()[1] not in r.stdout + r.stderr
    if scenario.startswith("4"):
        assert settings["installNvidiaDevicePlugin"] == "True"
    cluster_flags = (AKS if "aks" in cluster else ARC).split() + [cluster]
    shown = ok_json(amlk8s("extension", "show", "--name", "azureml", *cluster_flags, plane=plane))
    assert shown["id"] == ext["id"]
    verify = ok(amlk8s("extension", "verify", "--name", "azureml", *cluster_flags, plane=plane))
    assert "Running" in verify.stdout and "Missing" not in verify.stdout
    listed = ok_json(amlk8s("extension", "list", *cluster_flags, plane=plane))
    assert [e["name"] for e in listed] == ["azureml"]


# ---- output ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def installed(plane, tls_files):
    """Scenario 1's extension on aks1 (shared by the output tests)."""
    r = amlk8s(*(f"extension show -n azureml {AKS} aks1".split()), plane=plane)
    if r.returncode == 3:
        ok(amlk8s(*translated("1_aks_proof_of_concept", tls_files), plane=plane))
    return plane


def test_output_yaml_is_the_same_data_as_json(installed):
    args = f"extension show -n azureml {AKS} aks1"
    as_json = ok_json(amlk8s(args, plane=installed))
    as_yaml = yaml.safe_load(ok(amlk8s(args + " --output yaml", plane=installed)).stdout)
    assert as_yaml == as_json


def test_output_table(installed):
    out = ok(amlk8s(f"extension list {AKS} aks1 -o table", plane=installed)).stdout.splitlines()
    assert out[0].split() == ["Name", "ExtensionType", "Version", "ProvisioningState", "ReleaseTrain"]
    assert set(out[1]) <= {"-", " "}
    assert out[2].split()[:2] == ["azureml", "microsoft.azureml.kubernetes"]
    assert "Succeeded" in out[2]


def test_query_picks_a_field(installed):
    r = ok(amlk8s(f"extension show -n azureml {AKS} aks1 --query properties.provisioningState", plane=installed))
    assert json.loads(r.stdout) == "Succeeded"
    r = ok(amlk8s(f"extension list {AKS} aks1 --query [0].name -o tsv", plane=installed))
    assert r.stdout == "azureml\n"
    r = ok(amlk8s(f"extension list {AKS} aks1 --query [].properties.extensionType", plane=installed))
    assert json.loads(r.stdout) == ["microsoft.azureml.kubernetes"]
    r = ok(amlk8s(f"extension show -n azureml {AKS} aks1 --query properties.configurationSettings.\"nodeSelector.x\"",
                  plane=installed))
    assert r.stdout == ""  # a field that is not there prints nothing


def test_global_flags_may_come_first_or_last(installed):
    first = ok(amlk8s("--output", "tsv", "--query", "name", *f"extension show -n azureml {AKS} aks1".split(),
                      plane=installed))
    last = ok(amlk8s(*f"extension show -n azureml {AKS} aks1 --output=tsv --query=name".split(), plane=installed))
    assert first.stdout == last.stdout == "azureml\n"


def test_repeated_and_space_separated_config_read_the_same(plane):
    base = f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {AKS} aks1 --dry-run"
    spaced = ok_json(amlk8s(base + " --config enableTraining=True enableInference=True inferenceRouterServiceType=NodePort allowInsecureConnections=True", plane=plane))
    repeated = ok_json(amlk8s(base + " --config enableTraining=True --config enableInference=True --config=inferenceRouterServiceType=NodePort --configuration-settings allowInsecureConnections=True", plane=plane))
    assert spaced == repeated
    assert spaced["properties"]["configurationSettings"]["inferenceRouterServiceType"] == "NodePort"


def test_dry_run_hides_protected_values(plane, tls_files):
    r = ok(amlk8s(*translated("3_aks_production_https", tls_files), "--dry-run", plane=plane))
    body = json.loads(r.stdout)
    protected = body["properties"]["configurationProtectedSettings"]
    assert protected and set(protected.values()) == {"***"}
    assert "PRIVATE KEY" not in r.stdout


# ---- bad input: exit code 2, a message naming the flag or setting, and the fix -------------------------

def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


BAD_INPUT = [
    # (command line, what the message must name)
    ("extension create --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1", "--name"),
    ("extension create -n azureml " + AKS + " aks1 --config enableTraining=True", "--extension-type"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes --cluster-type fooClusters -g rg1 -c aks1", "--cluster-type"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config enableTraining=maybe", "enableTraining"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config enableInference=True", "inferenceRouterServiceType"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config enableTraining=True --scope everywhere", "--scope"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config enableTraining=True --no-wait=perhaps", "--no-wait"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config", "--config"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --confg enableTraining=True", "--confg"),
    ("extension create -n a -n b --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1", "--name"),
    ("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes " + AKS + " aks1 --config enableTraining=True --config-file {settings}", "--config-file"),
    ("extension show -n azureml --cluster-type managedClusters -g rg1", "--cluster-name"),
    ("extension show -n azureml " + AKS + " aks1 --output xml", "--output"),
    ("extension show -n azureml " + AKS + " aks1 --query properties..x", "--query"),
    ("extension list --cluster-type foo -g rg1 -c aks1", "--cluster-type"),
    ("extension list --cluster-type managedClusters -c aks1", "--resource-group"),
    ("extension update -n azureml " + AKS + " aks1", "--config"),
    ("extension delete -n azureml " + AKS + " aks1", "--yes"),
    ("extension verify -n azureml " + AKS + " aks1 --kubeconfig /nonexistent/kubeconfig", "--kubeconfig"),
    ("extension verify " + AKS + " aks1", "--name"),
    ("cluster show --cluster-type managedClusters -g rg1", "--name"),
    ("cluster preflight -n aks1 --cluster-type managedClusters -g rg1 --config enableTraining=perhaps", "enableTraining"),
    ("instancetype apply -c aks1", "--filename"),
    ("instancetype apply -f {bad_type} -c aks1", "spec.resources"),
    ("instancetype apply -f /nonexistent/types.yaml -c aks1", "--filename"),
    ("instancetype get -c aks1", "--name"),
    ("instancetype get a b -c aks1", "b"),
    ("instancetype delete -c aks1", "--name"),
    ("instancetype fit -f {bad_type} -c aks1", "spec.resources"),
    ("instancetype list -c aks1 --kubeconfig /nonexistent/kubeconfig", "--kubeconfig"),
    ("compute attach -w ws1 -g rg1 -n 1bad --resource-id {aks1_id}", "--name"),
    ("compute attach -w ws1 -g rg1 -n k8s --resource-id not-an-id", "--resource-id"),
    ("compute attach -w ws1 -g rg1 -n k8s --resource-id {aks1_id} --identity-type Weird", "--identity-type"),
    ("compute attach -w ws1 -g rg1 -n k8s --resource-id {aks1_id} --type AmlCompute", "--type"),
    ("compute attach -w ws1 -g rg1 -n k8s", "--resource-id"),
    ("compute detach -w ws1 -g rg1 -n k8s", "--yes"),
    ("compute show -w ws1 -g rg1", "--name"),
    ("compute list -g rg1", "--workspace-name"),
    ("job create -w ws1 -g rg1", "--file"),
    ("job create -w ws1 -g rg1 -f {job_without_command}", "command"),
    ("job create -w ws1 -g rg1 -f /nonexistent/job.yml", "--file"),
    ("job show -w ws1 -g rg1", "--name"),
    ("job cancel -w ws1 -g rg1", "--name"),
    ("job logs -w ws1 -g rg1", "--name"),
    ("job list -w ws1 -g rg1 --timeout soon", "--timeout"),
    ("model create -w ws1 -g rg1 -n m -v 1", "--path"),
    ("model show -w ws1 -g rg1 -n m", "--version"),
    ("online-endpoint create -w ws1 -g rg1 --compute azureml:k8s", "--name"),
    ("online-endpoint create -w ws1 -g rg1 -n mnist --compute azureml:k8s --auth-mode password", "--auth-mode"),
    ("online-endpoint show -w ws1 -g rg1", "--name"),
    ("online-endpoint list -g rg1", "--workspace-name"),
    ("online-endpoint delete -w ws1 -g rg1 -n mnist", "--yes"),
    ("online-endpoint get-credentials -w ws1 -g rg1", "--name"),
    ("online-endpoint invoke -w ws1 -g rg1 -n mnist", "--request-file"),
    ("online-deployment create -w ws1 -g rg1", "--file"),
    ("online-deployment create -w ws1 -g rg1 -f {deployment_without_model}", "model"),
    ("online-deployment show -w ws1 -g rg1 -n blue", "--endpoint-name"),
    ("online-deployment list -w ws1 -g rg1", "--endpoint-name"),
    ("online-deployment delete -w ws1 -g rg1 -n blue -e mnist", "--yes"),
    ("configure --defaults colour=blue", "--defaults"),
    ("frobnicate", "frobnicate"),
    ("extension frobnicate", "frobnicate"),
    ("local serve --threads many", "--threads"),
]


@pytest.mark.parametrize("line,named", BAD_INPUT, ids=[f"{i:02d}-{b[0].split()[0]}-{b[0].split()[1] if len(b[0].split()) > 1 else ''}" for i, b in enumerate(BAD_INPUT)])
def test_bad_input_exits_2_naming_the_flag_and_the_fix(plane, tmp_path, line, named):
    files = {
        "settings": write(tmp_path, "settings.json", '{"enableTraining": "True"}'),
        "bad_type": write(tmp_path, "bad.yaml", "apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceType\n"
                                                "metadata: {name: broken}\nspec: {resources: {requests: {cpu: '-1'}}}\n"),
        "job_without_command": write(tmp_path, "job.yml", "environment: {docker: {image: python}}\ncompute: azureml:k8s\n"),
        "deployment_without_model": write(tmp_path, "dep.yml", "name: blue\nendpoint_name: mnist\ninstance_type: cpusmall\n"),
        "aks1_id": f"/subscriptions/{plane.endpoints['subscription_id']}/resourceGroups/rg1/providers/"
                   "Microsoft.ContainerService/managedClusters/aks1",
    }
    r = amlk8s(*shlex.split(line.format(**files)), plane=plane)
    assert r.returncode == 2, f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert r.stderr.startswith("ERROR: ")
    assert named in r.stderr, r.stderr
    assert "fix: " in r.stderr, r.stderr
    assert r.stdout == ""


def test_unknown_flag_suggests_the_near_one(plane):
    r = amlk8s(f"extension show -n azureml {AKS} aks1 --qeury name", plane=plane)
    assert r.returncode == 2 and "did you mean --query?" in r.stderr


def test_bad_input_sends_nothing(slow_plane):
    """A bad setting is refused before any request: not even the cluster is read (the plane would answer)."""
    r = amlk8s(f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {AKS} does-not-exist "
               "--config enableInference=True", plane=slow_plane)
    assert r.returncode == 2 and "inferenceRouterServiceType" in r.stderr and "not found" not in r.stderr


# ---- not found: exit code 3 ----------------------------------------------------------------------------

NOT_FOUND = [
    "extension show -n nothere " + AKS + " aks1",
    "extension show -n azureml " + AKS + " no-such-cluster",
    "extension list " + ARC + " no-such-cluster",
    "cluster show -n no-such-cluster -t managedClusters -g rg1",
    "instancetype get nothere -c aks1",
    "instancetype delete nothere -c aks1",
    "compute show -n nothere -w ws1 -g rg1",
    "compute list -w no-such-ws -g rg1",
    "job show -n nothere -w ws1 -g rg1",
    "model show -n nothere -v 1 -w ws1 -g rg1",
    "online-endpoint show -n nothere -w ws1 -g rg1",
    "online-deployment show -n blue -e nothere -w ws1 -g rg1",
]


@pytest.mark.parametrize("line", NOT_FOUND)
def test_not_found_exits_3(installed, line):
    r = amlk8s(line, plane=installed)
    assert r.returncode == 3, f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert r.stderr.startswith("ERROR: ") and r.stdout == ""


def test_delete_of_a_missing_extension_is_no_error(plane):
    r = ok(amlk8s(f"extension delete -n nothere {AKS} aks1 --yes", plane=plane))
    assert "nothing to delete" in r.stderr


# ---- service errors: exit code 5 ---------------------------------------------------------------------

def test_preflight_error_exits_5(plane):
    r = amlk8s("cluster preflight -n aks-sp -t managedClusters -g rg1 --config enableTraining=True", plane=plane)
    assert r.returncode == 5, r.stdout + r.stderr
    assert "Error" in r.stdout and "service principal" in r.stdout.lower()
    data = ok_json(amlk8s("cluster preflight -n aks1 -t managedClusters -g rg1 --config enableTraining=True --dev-test "
                          "-o json", plane=plane))
    assert data["ok"] is True


# ---- long operations: --no-wait, --timeout, progress on a terminal ----------------------------------

def test_no_wait_returns_while_the_operation_runs(slow_plane):
    start = ok(amlk8s(f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {AKS} aks-slow "
                      "--config enableTraining=True --no-wait", plane=slow_plane))
    assert start.stdout == ""
    state = ok(amlk8s(f"extension show -n azureml {AKS} aks-slow --query properties.provisioningState -o tsv",
                      plane=slow_plane)).stdout.strip()
    assert state != "Succeeded"
    deadline = time.monotonic() + 60
    while state != "Succeeded" and time.monotonic() < deadline:
        time.sleep(0.5)
        state = ok(amlk8s(f"extension show -n azureml {AKS} aks-slow --query properties.provisioningState -o tsv",
                          plane=slow_plane)).stdout.strip()
    assert state == "Succeeded"


def test_conflict_exits_4(slow_plane):
    create = f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {AKS} aks-busy --config enableTraining=True"
    ok(amlk8s(create + " --no-wait", plane=slow_plane))
    r = amlk8s(create, plane=slow_plane)  # the first operation is still running
    assert r.returncode == 4, r.stdout + r.stderr
    assert "AnotherOperationInProgress" in r.stderr and r.stdout == ""


def test_update_of_protected_settings_needs_confirmation(installed, tls_files):
    update = ["extension", "update", "-n", "azureml", *AKS.split(), "aks1", "--config-protected",
              f"sslCertPemFile={tls_files[0]}", f"sslKeyPemFile={tls_files[1]}", "--config", "sslCname=ml.contoso.com"]
    r = amlk8s(*update, plane=installed)
    assert r.returncode == 2 and "--yes" in r.stderr and "replace all protected settings" in r.stderr
    ext = ok_json(amlk8s(*update, "--yes", plane=installed))
    assert ext["properties"]["configurationSettings"]["sslCname"] == "ml.contoso.com"
    assert "PRIVATE KEY" not in json.dumps(ext)


def test_timeout_exits_6(slow_plane):
    r = amlk8s(f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {ARC} arc1 "
               "--config enableTraining=True --timeout 1", plane=slow_plane)
    assert r.returncode == 6, r.stdout + r.stderr
    assert "ERROR: " in r.stderr and r.stdout == ""


def run_on_terminal(*args, plane):
    """Runs the tool with stderr on a pseudo-terminal; returns (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(CLI), "--local", str(plane.local), *args], stdout=subprocess.PIPE, stderr=slave,
                            stdin=subprocess.DEVNULL, env=clean_env())
    os.close(slave)
    chunks = []

    def read():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    out, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out.decode(), b"".join(chunks).decode(errors="replace")


def test_progress_on_a_terminal_and_quiet_otherwise(slow_plane):
    args = f"extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes {AKS} aks-ops --config enableTraining=True -o tsv --query name".split()
    code, out, shown = run_on_terminal(*args, plane=slow_plane)
    assert code == 0 and out == "azureml\n"
    assert "Creating extension 'azureml' on aks-ops:" in shown
    assert "\r" in shown and any(f"{s} Creating" in shown for s in "|/-\\")
    assert "Succeeded (" in shown and "s)" in shown
    # The same without a terminal: no progress at all.
    quiet = ok(amlk8s(*f"extension update -n azureml {AKS} aks-ops --config installPromOp=False -o tsv --query name".split(),
                      plane=slow_plane))
    assert "\r" not in quiet.stderr and "Updating extension" not in quiet.stderr


# ---- configuration: environment, config file, AMLK8S_LOCAL_ENDPOINTS ------------------------------

def test_local_endpoints_from_the_environment(installed):
    env = clean_env(AMLK8S_LOCAL_ENDPOINTS=installed.local.read_text())
    r = ok(amlk8s(f"extension show -n azureml {AKS} aks1 --query name -o tsv", env=env))
    assert r.stdout == "azureml\n"


def test_defaults_from_environment_and_config_file(installed, tmp_path):
    env = clean_env(AMLK8S_DEFAULTS_GROUP="rg1", AMLK8S_DEFAULTS_WORKSPACE="ws1")
    assert ok_json(amlk8s("--local", str(installed.local), "compute", "list", env=env)) is not None
    config = tmp_path / "config.json"
    env = clean_env(AMLK8S_CONFIG=str(config))
    r = amlk8s("--local", str(installed.local), "compute", "list", env=env)
    assert r.returncode == 2 and "AMLK8S_CONFIG" in r.stderr  # named but missing
    ok(amlk8s("configure", "--defaults", "group=rg1", "workspace=ws1", env=env))
    assert json.loads(config.read_text()) == {"group": "rg1", "workspace": "ws1"}
    assert ok_json(amlk8s("--local", str(installed.local), "compute", "list", env=env)) is not None
    # The cluster commands take the default group too.
    r = ok(amlk8s("--local", str(installed.local), *"extension show -n azureml -t managedClusters -c aks1 --query name -o tsv".split(), env=env))
    assert r.stdout == "azureml\n"
    assert ok_json(amlk8s("configure", "--list-defaults", env=env)) == {"group": "rg1", "workspace": "ws1"}
    config.write_text('{"group": "rg1", "colour": "blue"}')
    r = amlk8s("--local", str(installed.local), "compute", "list", env=env)
    assert r.returncode == 2 and "colour" in r.stderr


def test_subscription_from_flag_is_used(installed):
    r = amlk8s(f"extension show -n azureml {AKS} aks1 --subscription 11111111-1111-4111-8111-111111111111", plane=installed)
    assert r.returncode == 3 and "11111111-1111-4111-8111-111111111111" in r.stderr


def test_without_local_or_subscription_says_what_is_missing():
    r = amlk8s(f"extension show -n azureml {AKS} aks1")
    assert r.returncode == 2 and "--subscription" in r.stderr and "AZURE_SUBSCRIPTION_ID" in r.stderr


# ---- local serve ----------------------------------------------------------------------------------

def test_local_serve_prints_the_ready_line_and_serves(tmp_path):
    proc = subprocess.Popen([str(CLI), "local", "serve", "--http", "--work-dir", str(tmp_path), "--threads", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        line = proc.stdout.readline()
        info = json.loads(line)
        for key in ("arm_endpoint", "authority_host", "tenant_id", "client_id", "client_secret", "subscription_id",
                    "kubeconfig_dir"):
            assert key in info
        assert info["arm_endpoint"].startswith("http://127.0.0.1:")
        # The tool talks to it through the line itself.
        r = amlk8s("cluster show -n nothere -t managedClusters -g rg1", env=clean_env(AMLK8S_LOCAL_ENDPOINTS=line))
        assert r.returncode == 3
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
    help_text = ok(amlk8s("local serve --help")).stdout
    assert "--no-job-processes" in help_text and "--clusters FILE" in help_text


# ---- instance types ------------------------------------------------------------------------------

def test_instance_types_apply_get_list_fit_delete(installed, tmp_path):
    f = write(tmp_path, "types.yaml", INSTANCE_TYPES)
    assert ok(amlk8s(f"instancetype apply -f {f} -c aks1", plane=installed)).stdout == \
        "instancetype.amlarc.azureml.com/cpusmall created\n"
    assert ok(amlk8s(f"instancetype apply -f {f} -c aks1", plane=installed)).stdout.endswith("cpusmall unchanged\n")
    g = write(tmp_path, "types2.yaml", INSTANCE_TYPES.replace('memory: "1Gi"', 'memory: "2Gi"'))
    assert ok(amlk8s(f"instancetype apply -f {g} -c aks1", plane=installed)).stdout.endswith("cpusmall configured\n")
    got = ok_json(amlk8s("instancetype get cpusmall -c aks1", plane=installed))
    assert got["spec"]["resources"]["limits"]["memory"] == "2Gi"
    # defaultinstancetype appears as AzureML shows it, though no such object exists.
    assert ok_json(amlk8s("instancetype", "get", "defaultinstancetype", "--kubeconfig", installed.kubeconfig("aks1"),
                          plane=installed))["metadata"]["name"] == "defaultinstancetype"
    names = ok_json(amlk8s("instancetype list -c aks1 --query [].metadata.name", plane=installed))
    assert sorted(names) == ["cpusmall", "defaultinstancetype"]
    table = ok(amlk8s("instancetype list -c aks1 -o table", plane=installed)).stdout
    assert table.splitlines()[0].split()[:3] == ["NAME", "CPU", "MEMORY"]
    fit = ok(amlk8s("instancetype fit -c aks1", plane=installed)).stdout
    assert "cpusmall" in fit and "TOTAL" in fit
    fit_json = ok_json(amlk8s("instancetype fit -c aks1 --type cpusmall -o json", plane=installed))
    assert fit_json["instanceTypes"][0]["instanceType"] == "cpusmall" and fit_json["instanceTypes"][0]["fits"]
    assert ok(amlk8s("instancetype delete cpusmall -c aks1", plane=installed)).stdout == \
        'instancetype.amlarc.azureml.com "cpusmall" deleted\n'
    assert amlk8s("instancetype get cpusmall -c aks1", plane=installed).returncode == 3


# ---- the workspace: compute, jobs, models, online endpoints ------------------------------------------

@pytest.fixture(scope="session")
def compute(plane, tmp_path_factory):
    """The AzureML extension on aks-ml, instance type cpusmall, and compute k8s-compute in ml-ws."""
    ok(amlk8s("extension create -n azureml --extension-type Microsoft.AzureML.Kubernetes --cluster-type managedClusters "
              "--cluster-name aks-ml --resource-group ml-rg --config enableTraining=True enableInference=True "
              "inferenceRouterServiceType=LoadBalancer allowInsecureConnections=True inferenceRouterHA=False", plane=plane))
    d = tmp_path_factory.mktemp("ml")
    ok(amlk8s("instancetype", "apply", "-f", write(d, "types.yaml", INSTANCE_TYPES), "-c", "aks-ml", plane=plane))
    cluster_id = f"/subscriptions/{plane.endpoints['subscription_id']}/resourceGroups/ml-rg/providers/" \
                 "Microsoft.ContainerService/managedClusters/aks-ml"
    attached = ok_json(amlk8s("compute", "attach", "--resource-group", "ml-rg", "--workspace-name", "ml-ws", "--name",
                              "k8s-compute", "--resource-id", cluster_id, "--type", "Kubernetes", plane=plane))
    assert attached["provisioning_state"] == "Succeeded"
    assert "cpusmall" in attached["instance_types"]
    return plane


WS = "-w ml-ws -g ml-rg"


def test_compute_show_list_and_attach_checks(compute, plane):
    shown = ok_json(amlk8s(f"compute show -n k8s-compute {WS}", plane=compute))
    assert shown["type"] == "kubernetes" and shown["namespace"] == "default"
    assert ok(amlk8s(f"compute list {WS} --query [].name -o tsv", plane=compute)).stdout == "k8s-compute\n"
    # A cluster without the AzureML extension is refused before the attach: a failed check (5).
    arc = f"/subscriptions/{plane.endpoints['subscription_id']}/resourceGroups/rg1/providers/" \
          "Microsoft.ContainerService/managedClusters/aks-sp"
    r = amlk8s(f"compute attach -n sp-compute {WS} --resource-id {arc}", plane=compute)
    assert r.returncode == 5 and "--resource-id" in r.stderr and "extension" in r.stderr, r.stderr
    # A namespace the cluster does not have (checked through its kubeconfig).
    ml = f"/subscriptions/{plane.endpoints['subscription_id']}/resourceGroups/ml-rg/providers/" \
         "Microsoft.ContainerService/managedClusters/aks-ml"
    r = amlk8s(f"compute attach -n ns-compute {WS} --resource-id {ml} --namespace nothere", plane=compute)
    assert r.returncode == 5 and "--namespace" in r.stderr, r.stderr


def test_compute_attach_no_wait_and_detach(compute, plane):
    ml = f"/subscriptions/{plane.endpoints['subscription_id']}/resourceGroups/ml-rg/providers/" \
         "Microsoft.ContainerService/managedClusters/aks-ml"
    r = ok(amlk8s(f"compute attach -n second {WS} --resource-id {ml} --user-assigned-identities "
                  "/subscriptions/x/resourceGroups/ml-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1 "
                  "--no-wait", plane=compute))
    assert r.stdout == ""
    deadline = time.monotonic() + 30
    while True:
        shown = amlk8s(f"compute show -n second {WS} --query provisioning_state -o tsv", plane=compute)
        if shown.returncode == 0 and shown.stdout.strip() == "Succeeded" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert shown.stdout.strip() == "Succeeded"
    assert ok_json(amlk8s(f"compute show -n second {WS} --query identity.type", plane=compute)) == "UserAssigned"
    ok(amlk8s(f"compute detach -n second {WS} --yes", plane=compute))
    assert amlk8s(f"compute show -n second {WS}", plane=compute).returncode == 3


HELLO_JOB = """command: echo "Hello world!"
environment:
  docker:
    image: python
compute: azureml:k8s-compute
resources:
  instance_type: cpusmall
"""


def test_job_create_stream_show_list(compute, tmp_path):
    job = write(tmp_path, "job.yml", HELLO_JOB)
    r = ok(amlk8s(f"job create -f {job} {WS} --stream", plane=compute))
    assert "Hello world!" in r.stdout
    assert "Status: Completed" in r.stdout
    name = r.stdout.split("RunId: ")[1].split()[0]
    shown = ok_json(amlk8s(f"job show -n {name} {WS}", plane=compute))
    assert shown["status"] == "Completed" and shown["resources"]["instance_type"] == "cpusmall"
    assert name in ok_json(amlk8s(f"job list {WS} --query [].name", plane=compute))
    logs = ok(amlk8s(f"job logs -n {name} {WS}", plane=compute))
    assert "Hello world!" in logs.stdout


def test_job_create_then_cancel(compute, tmp_path):
    job = write(tmp_path, "long.yml", HELLO_JOB.replace('echo "Hello world!"', "sleep 60"))
    created = ok_json(amlk8s(f"job create -f {job} {WS} --name long-job --display-name long", plane=compute))
    assert created["name"] == "long-job" and created["display_name"] == "long"
    cancelled = ok_json(amlk8s(f"job cancel -n long-job {WS}", plane=compute))
    assert cancelled["status"] == "Canceled"
    # Streaming a job that did not complete exits 5.
    r = amlk8s(f"job logs -n long-job {WS}", plane=compute)
    assert r.returncode == 5 and "Canceled" in r.stderr


def test_job_with_an_unknown_instance_type_is_refused(compute, tmp_path):
    job = write(tmp_path, "job.yml", HELLO_JOB.replace("cpusmall", "nosuchtype"))
    r = amlk8s(f"job create -f {job} {WS}", plane=compute)
    assert r.returncode == 5 and "nosuchtype" in r.stderr, r.stderr


DEPLOYMENT = """name: blue
endpoint_name: mnist
model: azureml:sklearn_mnist_model:1
environment:
  image: mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210727.v1
instance_type: cpusmall
instance_count: 1
"""


def test_online_endpoint_and_deployment(compute, tmp_path):
    model = ok_json(amlk8s(f"model create -n sklearn_mnist_model -v 1 --path "
                           f"azureml://datastores/workspaceblobstore/paths/models/sklearn_mnist_model/1/model.pkl {WS}",
                           plane=compute))
    assert model["version"] == "1"
    assert ok_json(amlk8s(f"model show -n sklearn_mnist_model -v 1 {WS}", plane=compute))["name"] == "sklearn_mnist_model"
    endpoint = ok_json(amlk8s(f"online-endpoint create -n mnist --compute azureml:k8s-compute {WS}", plane=compute))
    assert endpoint["provisioning_state"] == "Succeeded" and endpoint["scoring_uri"]
    deployment = ok_json(amlk8s("online-deployment", "create", "-f", write(tmp_path, "blue.yml", DEPLOYMENT),
                                "--all-traffic", *WS.split(), plane=compute))
    assert deployment["provisioning_state"] == "Succeeded" and deployment["instance_type"] == "cpusmall"
    assert ok_json(amlk8s(f"online-endpoint show -n mnist {WS} --query traffic", plane=compute)) == {"blue": 100}
    table = ok(amlk8s(f"online-deployment list -e mnist {WS} -o table", plane=compute)).stdout
    assert table.splitlines()[2].split()[:3] == ["blue", "mnist", "cpusmall"]
    keys = ok_json(amlk8s(f"online-endpoint get-credentials -n mnist {WS}", plane=compute))
    assert keys["primaryKey"] and keys["secondaryKey"]
    request = write(tmp_path, "request.json", '{"data": [[0.1, 0.2, 0.3]]}')
    answer = ok(amlk8s(f"online-endpoint invoke -n mnist --request-file {request} {WS}", plane=compute))
    assert answer.stdout.strip()
    ok(amlk8s(f"online-deployment delete -n blue -e mnist {WS} --yes", plane=compute))
    assert amlk8s(f"online-deployment show -n blue -e mnist {WS}", plane=compute).returncode == 3
    ok(amlk8s(f"online-endpoint delete -n mnist {WS} --yes", plane=compute))
    assert amlk8s(f"online-endpoint show -n mnist {WS}", plane=compute).returncode == 3
