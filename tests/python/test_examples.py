"""The Python scenario examples run as a user runs them, and succeed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
SCENARIOS = sorted(p.name for p in EXAMPLES.glob("scenario*.py"))


def test_there_are_four_scenarios():
    assert len(SCENARIOS) == 4


@pytest.mark.parametrize("script", SCENARIOS)
def test_scenario_runs(script):
    env = dict(os.environ)
    result = subprocess.run([sys.executable, str(EXAMPLES / script)], cwd=EXAMPLES, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "provisioningState: Succeeded" in result.stdout
    assert "Running" in result.stdout
    # The dry run never shows the private key.
    assert "PRIVATE KEY" not in result.stdout


def test_notebook_style_end_to_end_runs():
    result = subprocess.run([sys.executable, str(EXAMPLES / "end_to_end.py")], cwd=EXAMPLES, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Hello world!" in result.stdout
    assert "the story ran end to end." in result.stdout
