"""Real servers for end-to-end tests: a trained Rasa model, the Rasa server, the action server,
a Chroma store holding the sample catalogue, and the packaged language model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import rest, supervisor
from config.settings import PROJECT_ROOT, Settings, load_settings

# Several checkouts (or developers) on one machine can run the suite side by side by choosing
# their own ports and folder with SALESBOT_E2E_RASA_PORT / SALESBOT_E2E_ACTION_PORT / SALESBOT_E2E_VAR_DIR.
E2E_ENV = {
    "SALESBOT_VAR_DIR": os.environ.get("SALESBOT_E2E_VAR_DIR", str(PROJECT_ROOT / "var" / "e2e")),
    "SALESBOT_RASA_PORT": os.environ.get("SALESBOT_E2E_RASA_PORT", "5105"),
    "SALESBOT_ACTION_PORT": os.environ.get("SALESBOT_E2E_ACTION_PORT", "5155"),
    # The suite sends far more than a customer would, all from 127.0.0.1: the rate limits are tested on
    # their own Rasa instance (tests/e2e/test_abuse.py); the message length limit stays.
    "SALESBOT_RATE_LIMIT_SENDER": "off",
    "SALESBOT_RATE_LIMIT_IP": "off",
    # These tests check what is said, not how fast (the benchmarks measure speed): on a busy machine a model
    # reply must not turn into the rendered fallback because its 8 s budget ran out.
    "SALESBOT_LLM_TIME_LIMIT": os.environ.get("SALESBOT_E2E_LLM_TIME_LIMIT", "30"),
}


class Assistant:
    """The running assistant, driven over HTTP the way a client would."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.services: list[supervisor.Service] = []

    def start(self) -> None:
        self.services = [supervisor.action_service(self.settings), supervisor.rasa_service(self.settings)]
        supervisor.start_all(self.services, self.settings.var_dir / "logs")
        supervisor.warm_up_actions(self.settings)

    def stop(self) -> None:
        supervisor.stop_all(self.services)

    def say(self, sender: str, text: str) -> list[dict]:
        return rest.say(self.settings.rasa_url, sender, text, timeout=180).messages

    def text(self, sender: str, message: str) -> str:
        return rest.say(self.settings.rasa_url, sender, message, timeout=180).text

    def tracker(self, sender: str) -> dict:
        return rest.tracker(self.settings.rasa_url, sender)


def run(command: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="session")
def e2e_settings() -> Iterator[Settings]:
    saved = {k: os.environ.get(k) for k in E2E_ENV}
    os.environ.update(E2E_ENV)
    settings = load_settings()
    # Fresh conversations and store each run; the trained Rasa model is reused when data is unchanged.
    for stale in ("chroma", "tracker.db", "logs"):
        path = settings.var_dir / stale
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    yield settings
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def trained_model(e2e_settings: Settings) -> Path:
    run(supervisor.train_command(e2e_settings), supervisor.rasa_env(e2e_settings))
    return supervisor.models_dir(e2e_settings)


@pytest.fixture(scope="session")
def ingested(e2e_settings: Settings) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "bot.cli", "ingest"], {})


@pytest.fixture(scope="session")
def assistant(e2e_settings: Settings, trained_model: Path, ingested) -> Iterator[Assistant]:
    running = Assistant(e2e_settings)
    running.start()
    yield running
    running.stop()
