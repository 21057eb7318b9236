"""Fixtures for the command-line tests: the `amlk8s` program and local control planes that the
tests start with `amlk8s-local serve` (loopback only) and stop at the end.

The programs come from AMLK8S_CLI and AMLK8S_LOCAL_SERVE, else from build/default/src."""

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("AMLK8S_CLI", ROOT / "build" / "default" / "src" / "amlk8s"))
SERVE = Path(os.environ.get("AMLK8S_LOCAL_SERVE", ROOT / "build" / "default" / "src" / "amlk8s-local"))

# Every cluster the tests use; each test that installs something has a cluster of its own.
WORLD = """
clusters:
  - {name: aks1, kind: aks, resourceGroup: rg1, nodePools: [{name: system, count: 2, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: arc1, kind: arc, resourceGroup: rg1, nodePools: [{name: nodes, count: 3, vmSize: Standard_D4s_v3}]}
  - {name: aks-https, kind: aks, resourceGroup: rg1, nodePools: [{name: system, count: 4, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: arc-gpu, kind: arc, resourceGroup: rg1, nodePools: [{name: gpu, count: 3, vmSize: Standard_NC6s_v3}]}
  - {name: aks-sp, kind: aks, resourceGroup: rg1, identity: ServicePrincipal, nodePools: [{name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: aks-ml, kind: aks, resourceGroup: ml-rg, nodePools: [{name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: aks-ops, kind: aks, resourceGroup: rg1, nodePools: [{name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: aks-busy, kind: aks, resourceGroup: rg1, nodePools: [{name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}]}
  - {name: aks-slow, kind: aks, resourceGroup: rg1, nodePools: [{name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}]}
workspaces:
  - {name: ws1, resourceGroup: rg1}
  - {name: ml-ws, resourceGroup: ml-rg}
"""


class Plane:
    """A running `amlk8s-local serve` and the file its ready line was saved to."""

    def __init__(self, work: Path, *flags: str):
        if not SERVE.exists() or not CLI.exists():
            pytest.fail(f"build the tools first ({SERVE}, {CLI}) or set AMLK8S_LOCAL_SERVE and AMLK8S_CLI")
        work.mkdir(parents=True, exist_ok=True)
        (work / "world.yaml").write_text(WORLD)
        self.local = work / "local.json"
        out = open(self.local, "w")
        self.proc = subprocess.Popen([str(SERVE), "serve", "--work-dir", str(work / "plane"), "--clusters",
                                      str(work / "world.yaml"), "--min-retry-after", "0", "--threads", "2", *flags],
                                     stdout=out, stderr=subprocess.PIPE, text=True)
        out.close()
        deadline = time.monotonic() + 30
        while not self.local.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("amlk8s-local serve printed no ready line: " + (self.proc.stderr.read() or ""))
            time.sleep(0.05)
        self.endpoints = json.loads(self.local.read_text().splitlines()[0])

    def kubeconfig(self, cluster: str) -> str:
        return str(Path(self.endpoints["kubeconfig_dir"]) / cluster)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def plane(tmp_path_factory):
    """HTTPS with the plane's own CA; long-running operations take 300 ms."""
    p = Plane(tmp_path_factory.mktemp("plane"), "--lro-delay", "300")
    yield p
    p.stop()


@pytest.fixture(scope="session")
def slow_plane(tmp_path_factory):
    """Plain HTTP; long-running operations take 4 s (for --no-wait, --timeout and progress)."""
    p = Plane(tmp_path_factory.mktemp("slow"), "--http", "--lro-delay", "4000")
    yield p
    p.stop()


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AMLK8S_") and k not in ("AZURE_SUBSCRIPTION_ID", "KUBECONFIG")}
    env["HOME"] = extra.pop("HOME", os.environ.get("AMLK8S_TEST_HOME", "/nonexistent-home"))
    env.update(extra)
    return env


def amlk8s(*args, plane=None, env=None, stdin=subprocess.DEVNULL, timeout=120):
    """Runs the tool as a user does; `args` are words or one command line string."""
    words = shlex.split(args[0]) if len(args) == 1 and isinstance(args[0], str) else [str(a) for a in args]
    if plane is not None:
        words = ["--local", str(plane.local)] + words
    return subprocess.run([str(CLI)] + words, capture_output=True, text=True, stdin=stdin,
                          env=env if env is not None else clean_env(), timeout=timeout)


def ok(result):
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def ok_json(result):
    return json.loads(ok(result).stdout)
