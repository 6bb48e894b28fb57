"""Runs a script in the Rasa environment (`.venv-rasa`, Python 3.10), for tests of the Rasa-side plugins
(bot/rasa_plugins), which import Rasa and cannot run in the action server's Python 3.11."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from config.settings import PROJECT_ROOT, load_settings


def run_in_rasa_env(script: str) -> Any:
    """The JSON the script prints on its last line; the test is skipped without a Rasa environment."""
    python = load_settings().rasa_venv / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no Rasa environment at {python.parent.parent} (run `make setup`)")
    completed = subprocess.run(
        [str(python), "-c", script],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])
