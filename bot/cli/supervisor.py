"""Starts the assistant's processes, waits for their health checks, and stops them cleanly."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from bot.cli.credentials import write_credentials
from config.settings import PROJECT_ROOT, Settings, parse_redis_url
from privacy.logs import copy_to_rotating_log

RASA_PATHS = {
    "config": "bot/config.yml",
    "domain": "bot/domain",
    "credentials": "bot/credentials.yml",
    "endpoints": "endpoints.yml",
    "data": ["data/nlu", "data/rules", "data/stories"],
}


WARM_UP_ATTEMPTS = 10
TROUBLE_MARKER = "having trouble looking that up"  # in actions.replies.TROUBLE_REPLY: the action gave up
LOCK_STORE_VARIABLES = (
    "SALESBOT_LOCK_STORE_TYPE",
    "SALESBOT_LOCK_STORE_HOST",
    "SALESBOT_LOCK_STORE_PORT",
    "SALESBOT_LOCK_STORE_DB",
    "SALESBOT_LOCK_STORE_PASSWORD",
)
# Rasa's own redis lock store races between instances; this one serialises its tickets.
SERIAL_REDIS_LOCK_STORE = "bot.rasa_plugins.lock_store.SerialRedisLockStore"


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
    log_max_bytes: int = Settings().log_max_bytes  # the log's rotation (privacy.logs.copy_to_rotating_log)
    log_backups: int = Settings().log_backups
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    log_writer: threading.Thread | None = None

    def start(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.log"
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the children in order
        )
        # The server writes to a pipe; this thread writes its lines to the log file and rotates it by size.
        self.log_writer = threading.Thread(
            target=copy_to_rotating_log,
            args=(self.process.stdout, self.log_path, self.log_max_bytes, self.log_backups),
            name=f"{self.name}-log",
            daemon=True,
        )
        self.log_writer.start()

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
        """SIGTERM to the server's process group, SIGKILL after `timeout` seconds; then its last lines are
        written to the log."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._finish_log()

    def _finish_log(self, timeout: float = 5) -> None:
        """Waits until the log writer has written what the ended server wrote (a process the server left
        behind may hold the pipe open: then not longer than `timeout` seconds)."""
        if self.log_writer is not None:
            self.log_writer.join(timeout)

    def log_tail(self, lines: int = 30) -> str:
        if self.process is not None and self.process.poll() is not None:
            self._finish_log()
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _signal_group(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):  # the group ended between poll() and now
        os.killpg(pid, signum)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (e.g. from a process manager) raise KeyboardInterrupt once, even when the shell
    that started us ignores SIGINT (background jobs); later ones are only noted, so the shutdown they
    started runs to its end (a second Ctrl-C, or a TERM after Ctrl-C, must not leave servers running)."""

    def interrupt(signum: int, frame: object) -> None:
        _note_signals()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _still_stopping(signum: int, frame: object) -> None:
    print("still stopping the servers; please wait", file=sys.stderr)


def _note_signals() -> None:
    signal.signal(signal.SIGINT, _still_stopping)
    signal.signal(signal.SIGTERM, _still_stopping)


@contextmanager
def signals_noted() -> Iterator[None]:
    """SIGINT and SIGTERM are noted, not raised, inside the block; the handlers are restored after it."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    _note_signals()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def ensure_port_free(port: int, name: str, setting: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError as exc:
            holder = port_holder(port)
            raise StartupError(
                f"Port {port} (for the {name} server) is already in use{f' by {holder}' if holder else ''}. "
                f"Stop whatever runs there (`lsof -i :{port}`) or choose another port with {setting}."
            ) from exc


def port_holder(port: int) -> str:
    """'pid 1234 (rasa run …)' for the process listening on `port`, read from /proc (Linux); '' when
    unknown (another system, or a process of another user)."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:  # sl local_address rem_address st ... inode
            cells = row.split()
            if len(cells) > 9 and cells[3] == "0A" and int(cells[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                sockets.add(f"socket:[{cells[9]}]")
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if any(os.readlink(fd) in sockets for fd in (process / "fd").iterdir()):
                return f"pid {process.name} ({command_line(int(process.name))[:120]})"
        except OSError:
            continue
    return ""


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


# --- the run file: which servers a `salesbot up` started ----------------------------------------------


def run_file(settings: Settings) -> Path:
    """<var>/servers.json: written while `salesbot up` runs, removed when it has stopped every server."""
    return settings.var_dir / "servers.json"


def record_run(path: Path, services: list[Service]) -> None:
    servers = [
        {"name": s.name, "pid": s.process.pid, "port": s.port, "command": command_line(s.process.pid)}
        for s in services
        if s.process is not None
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"supervisor": os.getpid(), "servers": servers}, indent=1) + "\n")


def _running(server: dict) -> bool:
    """The recorded process still runs (and is the same program, where /proc tells: pids are reused)."""
    try:
        os.kill(int(server["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    now = command_line(int(server["pid"]))
    return not now or not server.get("command") or now == server["command"]


def refuse_earlier_run(path: Path) -> None:
    """Raises StartupError naming the servers of an earlier run that still run (its supervisor was killed
    before it could stop them, or it still runs); a record of servers that all ended is removed."""
    if not path.exists():
        return
    try:
        servers = json.loads(path.read_text())["servers"]
        alive = [s for s in servers if _running(s)]
    except (ValueError, KeyError, TypeError) as exc:
        raise StartupError(f"{path} is unreadable ({exc!r}); remove it once no salesbot server runs") from exc
    if not alive:
        path.unlink()
        return
    names = ", ".join(f"the {s['name']} server (pid {s['pid']}, port {s['port']})" for s in alive)
    groups = " ".join(f"-{s['pid']}" for s in alive)
    raise StartupError(
        f"salesbot is already running with this var folder ({path}): {names}. Stop that run with Ctrl-C in "
        f"its terminal, or, if nothing supervises it any more, with `kill -TERM -- {groups}`; then start again."
    )


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
        "SALESBOT_TRACKER_URL": settings.tracker_url,
        "SALESBOT_ACTION_URL": settings.action_url,
        "SALESBOT_EVENT_BROKER_URL": settings.app_db,  # a full URL: Rasa's SQL broker uses it as it is
        **lock_store_env(settings),
        "PYTHONPATH": str(PROJECT_ROOT),  # credentials.yml names channel classes in bot/rasa_plugins/channels
        # One OpenMP thread for the NLU sentence embedding (bot/rasa_plugins/nlu_features.py explains why)
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        **channel_env(settings),
    }


def channel_env(settings: Settings) -> dict[str, str]:
    """The values credentials.yml reads; a channel whose values are not all set is left out."""
    return {
        "SALESBOT_RATE_LIMIT_SENDER": settings.rate_limit_sender,
        "SALESBOT_RATE_LIMIT_IP": settings.rate_limit_ip,
        "SALESBOT_MAX_MESSAGE_CHARS": str(settings.max_message_chars),
        "SALESBOT_TRUSTED_PROXIES": settings.trusted_proxies,
        "SALESBOT_CORS_ORIGINS": settings.cors_origins,
        "SALESBOT_SLACK_TOKEN": settings.slack_token,
        "SALESBOT_SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SALESBOT_SLACK_API_URL": settings.slack_api_url,
        "SALESBOT_TELEGRAM_TOKEN": settings.telegram_token,
        "SALESBOT_TELEGRAM_BOT_NAME": settings.telegram_bot_name,
        "SALESBOT_TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
        "SALESBOT_TELEGRAM_API_URL": settings.telegram_api_url,
    }


def credentials_file(settings: Settings) -> Path:
    """var/credentials.yml: bot/credentials.yml with only the configured channels."""
    target = settings.var_dir / "credentials.yml"
    write_credentials(PROJECT_ROOT / RASA_PATHS["credentials"], channel_env(settings), target)
    return target


def lock_store_env(settings: Settings) -> dict[str, str]:
    """endpoints.yml's lock store: in memory for one Rasa instance, Redis when several share conversations."""
    if not settings.lock_store_url:
        return dict.fromkeys(LOCK_STORE_VARIABLES, "") | {"SALESBOT_LOCK_STORE_TYPE": "in_memory"}
    redis = parse_redis_url(settings.lock_store_url)
    values = (SERIAL_REDIS_LOCK_STORE, redis.host, str(redis.port), str(redis.db), redis.password)
    return dict(zip(LOCK_STORE_VARIABLES, values, strict=True))


def models_dir(settings: Settings) -> Path:
    return settings.var_dir / "rasa-models"


def training_inputs() -> list[Path]:
    """Every file a Rasa model is built from (config, domain, training data, the NLU featurizer's code)."""
    roots = [RASA_PATHS["config"], RASA_PATHS["domain"], *RASA_PATHS["data"], "bot/rasa_plugins/nlu_features.py"]
    files: list[Path] = []
    for root in roots:
        path = PROJECT_ROOT / root
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def training_digest() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_is_current(settings: Settings) -> bool:
    """True when a model exists and was trained from exactly the current inputs (`salesbot train` skips)."""
    folder = models_dir(settings)
    stamp = folder / "inputs.sha256"
    has_model = folder.is_dir() and any(folder.glob("*.tar.gz"))
    return has_model and stamp.is_file() and stamp.read_text().strip() == training_digest()


def record_training(settings: Settings, digest: str) -> None:
    (models_dir(settings) / "inputs.sha256").write_text(digest + "\n")


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


def with_api_token(settings: Settings) -> Settings:
    """Settings whose Rasa HTTP API has a token: the configured one, else (outside development) a new one.

    Rasa's API can rewrite conversations and swap the model, and `rasa run` listens on every
    interface; the web channels (REST, socket.io, Slack, Telegram) don't need the token. A
    generated token is written to `<var>/rasa-api-token` (owner-only) for operators' own calls.
    """
    if settings.rasa_auth_token or settings.env == "development":
        return settings
    token = secrets.token_urlsafe(24)
    path = settings.var_dir / "rasa-api-token"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    return replace(settings, rasa_auth_token=token)


def cors_origins(settings: Settings) -> list[str]:
    return [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]


def log_limits(settings: Settings) -> dict[str, int]:
    return {"log_max_bytes": settings.log_max_bytes, "log_backups": settings.log_backups}


def rasa_service(settings: Settings) -> Service:
    command = [
        str(rasa_executable(settings)),
        "run",
        "--enable-api",
        "--cors",
        *cors_origins(settings),
        "--port",
        str(settings.rasa_port),
        "--model",
        str(models_dir(settings)),
        "--credentials",
        str(credentials_file(settings)),
        "--endpoints",
        RASA_PATHS["endpoints"],
    ]
    status = f"{settings.rasa_url}/status"
    if settings.rasa_auth_token:
        # One argument: a token that starts with "-" (token_urlsafe makes one in 64) is not read as an option.
        command.append(f"--auth-token={settings.rasa_auth_token}")
        status += f"?token={quote(settings.rasa_auth_token, safe='')}"
    env = rasa_env(settings)
    return Service("rasa", command, settings.rasa_port, status, "SALESBOT_RASA_PORT", env, **log_limits(settings))


def action_service(settings: Settings) -> Service:
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)]
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    health = f"http://localhost:{settings.action_port}/health"
    limits = log_limits(settings)
    return Service("actions", command, settings.action_port, health, "SALESBOT_ACTION_PORT", env, **limits)


def web_service(settings: Settings) -> Service:
    command = [sys.executable, "-m", "bot.web", "--port", str(settings.web_port)]
    health = f"http://localhost:{settings.web_port}/health"
    env = {
        "SALESBOT_RASA_PORT": str(settings.rasa_port),
        "SALESBOT_RASA_AUTH_TOKEN": settings.rasa_auth_token,
        "SALESBOT_PUBLIC_RASA_URL": settings.public_rasa_url,
    }
    return Service("web", command, settings.web_port, health, "SALESBOT_WEB_PORT", env, **log_limits(settings))


def start_all(services: list[Service], log_dir: Path, timeout: float = 180, run: Path | None = None) -> None:
    """Start services in order; each must pass its health check before the next starts. Every port is
    checked first; on any failure or interrupt the services started so far are stopped. With `run`, the
    started servers are recorded there (see `record_run`)."""
    for service in services:
        ensure_port_free(service.port, service.name, service.port_setting)
    try:
        for service in services:
            service.start(log_dir)
            if run is not None:
                record_run(run, services)
            _wait_until_healthy(service, timeout)
    except BaseException:
        stop_all(services, run)
        raise


def _wait_until_healthy(service: Service, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not service.healthy():
        if service.process and service.process.poll() is not None:
            raise StartupError(
                f"The {service.name} server exited during start-up. Last lines of {service.log_path}:\n"
                f"{service.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise StartupError(
                f"The {service.name} server was not healthy after {timeout:.0f}s; see {service.log_path}"
            )
        time.sleep(1)


def stop_all(services: list[Service], run: Path | None = None) -> None:
    """Stops the services in reverse order; signals that arrive meanwhile cannot cut it short. The run
    record goes once every server has stopped."""
    with signals_noted():
        for service in reversed(services):
            service.stop()
        if run is not None:
            run.unlink(missing_ok=True)


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
        if TROUBLE_MARKER not in texts:
            return
        time.sleep(2)
