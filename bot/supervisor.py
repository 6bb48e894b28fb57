"""Starts the assistant's processes, waits for their health checks, and stops them cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

RASA_PATHS = {
    "config": "bot/config.yml",
    "domain": "bot/domain",
    "credentials": "bot/credentials.yml",
    "endpoints": "endpoints.yml",
    "data": ["data/nlu", "data/rules", "data/stories"],
}


WARM_UP_ATTEMPTS = 10


class StartupError(RuntimeError):
    pass


@dataclass
class Service:
    name: str
    command: list[str]
    port: int
    health_url: str
    port_setting: str = ""
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, log_dir: Path) -> None:
        ensure_port_free(self.port, self.name, self.port_setting)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.log"
        log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **self.env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the children in order
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                if response.status != 200:
                    return False
                if self.name == "rasa":  # /status answers before the model is loaded
                    return bool(json.loads(response.read() or b"{}").get("model_file"))
                return True
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def ensure_port_free(port: int, name: str, setting: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError as exc:
            raise StartupError(
                f"Port {port} (for the {name} server) is already in use. Stop whatever runs there "
                f"(`lsof -i :{port}`) or choose another port with {setting}."
            ) from exc


def rasa_executable(settings: Settings) -> Path:
    path = settings.rasa_venv / "bin" / "rasa"
    if not path.exists():
        raise StartupError(f"Rasa is not installed at {path}. Run `make setup` first.")
    return path


def rasa_env(settings: Settings) -> dict[str, str]:
    """Values that endpoints.yml reads, and Rasa's housekeeping settings."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONHASHSEED": "0",
        "MPLCONFIGDIR": str(settings.var_dir / "matplotlib"),
        "SALESBOT_TRACKER_DB": settings.tracker_db_path,
        "SALESBOT_ACTION_URL": settings.action_url,
    }


def models_dir(settings: Settings) -> Path:
    return settings.var_dir / "rasa-models"


def train_command(settings: Settings, force: bool = False) -> list[str]:
    command = [
        str(rasa_executable(settings)),
        "train",
        "--config",
        RASA_PATHS["config"],
        "--domain",
        RASA_PATHS["domain"],
        "--data",
        *RASA_PATHS["data"],
        "--out",
        str(models_dir(settings)),
    ]
    return [*command, "--force"] if force else command


def rasa_service(settings: Settings) -> Service:
    command = [
        str(rasa_executable(settings)),
        "run",
        "--enable-api",
        "--cors",
        "*",
        "--port",
        str(settings.rasa_port),
        "--model",
        str(models_dir(settings)),
        "--credentials",
        RASA_PATHS["credentials"],
        "--endpoints",
        RASA_PATHS["endpoints"],
    ]
    status = f"{settings.rasa_url}/status"
    if settings.rasa_auth_token:
        command += ["--auth-token", settings.rasa_auth_token]
        status += f"?token={settings.rasa_auth_token}"
    return Service("rasa", command, settings.rasa_port, status, "SALESBOT_RASA_PORT", rasa_env(settings))


def action_service(settings: Settings) -> Service:
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)]
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    health = f"http://localhost:{settings.action_port}/health"
    return Service("actions", command, settings.action_port, health, "SALESBOT_ACTION_PORT", env)


def start_all(services: list[Service], log_dir: Path, timeout: float = 180) -> None:
    """Start services in order; each must pass its health check before the next starts."""
    for service in services:
        service.start(log_dir)
        deadline = time.monotonic() + timeout
        while not service.healthy():
            if service.process and service.process.poll() is not None:
                stop_all(services)
                raise StartupError(
                    f"The {service.name} server exited during start-up. Last lines of {service.log_path}:\n"
                    f"{service.log_tail()}"
                )
            if time.monotonic() > deadline:
                stop_all(services)
                raise StartupError(
                    f"The {service.name} server was not healthy after {timeout:.0f}s; see {service.log_path}"
                )
            time.sleep(1)


def stop_all(services: list[Service]) -> None:
    for service in reversed(services):
        service.stop()


def warm_up_actions(settings: Settings, question: str = "what do you sell?") -> None:
    """Run one real action over the action-server protocol so models load before customers arrive."""
    payload = {
        "next_action": "action_answer_product_question",
        "sender_id": "warm-up",
        "tracker": {
            "sender_id": "warm-up",
            "slots": {},
            "latest_message": {"text": question, "intent": {"name": "ask_product_info"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }
    request = urllib.request.Request(
        settings.action_url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    # The first call may hit the action's time limit while the model loads: ask until a real answer comes.
    for _ in range(WARM_UP_ATTEMPTS):
        with urllib.request.urlopen(request, timeout=600) as response:
            body = json.loads(response.read() or b"{}")
        texts = " ".join(m.get("text") or "" for m in body.get("responses", []))
        if "having trouble" not in texts:
            return
        time.sleep(2)
