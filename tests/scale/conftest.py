"""Two Rasa instances sharing PostgreSQL (tracker store) and Redis (lock store) behind nginx, one action
server reading a Chroma server. PostgreSQL, Redis, nginx and Chroma are started by tests/scale/run.sh
(`make test-scale`), which also sets the SALESBOT_* settings these fixtures read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.cli import supervisor
from bot.cli.rest import Reply
from config.settings import PROJECT_ROOT, Settings, load_settings

PROXY_URL = os.environ.get("SALESBOT_SCALE_PROXY_URL", "")
RASA_PORTS = [int(port) for port in os.environ.get("SALESBOT_SCALE_RASA_PORTS", "").split()]

needs_services = pytest.mark.skipif(
    not PROXY_URL, reason="needs PostgreSQL, Redis, nginx and a Chroma server: run `make test-scale`"
)


def upstream(reply: Reply) -> str:
    """Which Rasa instance nginx used ("" when a Rasa instance was called directly)."""
    return reply.headers.get("X-Upstream", "")


def user_texts(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "user"]


class Cluster:
    """The running instances; `kill` ends one without any chance to clean up (SIGKILL)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.action = supervisor.action_service(settings)
        self.rasa = {port: supervisor.rasa_service(replace(settings, rasa_port=port)) for port in RASA_PORTS}

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def start(self) -> None:
        logs = self.settings.var_dir / "logs"
        supervisor.start_all([self.action], logs)
        supervisor.warm_up_actions(self.settings)
        for port, service in self.rasa.items():  # both load their model at the same time
            service.start(logs / f"rasa-{port}")
        deadline = time.monotonic() + 300
        while not all(service.healthy() for service in self.rasa.values()):
            for service in self.rasa.values():
                if service.process and service.process.poll() is not None:
                    self.stop()
                    pytest.fail(f"a Rasa instance exited during start-up:\n{service.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail("the Rasa instances were not healthy after 300 s; see var/scale/logs")
            time.sleep(1)

    def kill(self, port: int) -> None:
        process = self.rasa[port].process
        assert process is not None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        supervisor.stop_all([self.action, *self.rasa.values()])


@pytest.fixture(scope="session")
def scale_settings() -> Settings:
    settings = load_settings()
    assert settings.tracker_url.startswith("postgresql"), "run.sh sets SALESBOT_TRACKER_URL"
    assert settings.lock_store_url.startswith("redis://"), "run.sh sets SALESBOT_LOCK_STORE_URL"
    assert settings.chroma_url, "run.sh sets SALESBOT_CHROMA_URL"
    assert len(RASA_PORTS) == 2, "run.sh sets SALESBOT_SCALE_RASA_PORTS"
    return settings


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="session")
def ingested(scale_settings: Settings) -> subprocess.CompletedProcess:
    """The sample catalogue, embedded here and stored by the Chroma server."""
    return run([sys.executable, "-m", "bot.cli", "ingest"], {})


@pytest.fixture(scope="session")
def cluster(scale_settings: Settings, ingested: subprocess.CompletedProcess) -> Iterator[Cluster]:
    # Rasa's training cache (.rasa/) makes this quick when `make test` trained the same data.
    run(supervisor.train_command(scale_settings), supervisor.rasa_env(scale_settings))
    running = Cluster(scale_settings)
    running.start()
    yield running
    running.stop()

