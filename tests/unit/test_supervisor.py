import argparse
import os
import signal
import socket
import sys
import threading
import time

import pytest

from bot.cli.supervisor import (
    Service,
    StartupError,
    action_service,
    ensure_port_free,
    model_is_current,
    models_dir,
    rasa_env,
    rasa_service,
    record_run,
    record_training,
    refuse_earlier_run,
    start_all,
    stop_all,
    train_command,
    training_digest,
    training_inputs,
    web_service,
    with_api_token,
)
from config.settings import PROJECT_ROOT, Settings, load_settings


def test_a_port_in_use_names_the_setting_to_change():
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StartupError, match=f"Port {port} .*SALESBOT_RASA_PORT"):
            ensure_port_free(port, "rasa", "SALESBOT_RASA_PORT")


def test_missing_rasa_environment_says_how_to_fix(tmp_path):
    settings = load_settings({"SALESBOT_RASA_VENV": str(tmp_path / "nowhere")})
    with pytest.raises(StartupError, match="make setup"):
        train_command(settings)


def test_auth_token_protects_the_api_and_the_health_check(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rasa").touch()
    service = rasa_service(load_settings({"SALESBOT_RASA_AUTH_TOKEN": "s3cret", "SALESBOT_RASA_VENV": str(tmp_path)}))
    assert "--auth-token=s3cret" in service.command
    assert service.health_url.endswith("/status?token=s3cret")


def test_up_generates_an_api_token_outside_development_only(tmp_path):
    chosen = Settings(var_dir=tmp_path, rasa_auth_token="mine")
    assert with_api_token(chosen) is chosen
    development = Settings(var_dir=tmp_path, env="development")
    assert with_api_token(development).rasa_auth_token == ""

    first = with_api_token(Settings(var_dir=tmp_path))
    token_file = tmp_path / "rasa-api-token"
    assert len(first.rasa_auth_token) >= 24
    assert token_file.read_text().strip() == first.rasa_auth_token
    assert token_file.stat().st_mode & 0o077 == 0, "only the owner may read the token"
    assert with_api_token(Settings(var_dir=tmp_path)).rasa_auth_token != first.rasa_auth_token  # one per run


def test_rasa_gets_one_openmp_thread_unless_the_operator_chose(tmp_path, monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert rasa_env(Settings(var_dir=tmp_path))["OMP_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert rasa_env(Settings(var_dir=tmp_path))["OMP_NUM_THREADS"] == "4"


def test_training_is_skipped_only_for_a_model_of_the_current_inputs(tmp_path):
    settings = Settings(var_dir=tmp_path)
    assert not model_is_current(settings)  # no model yet
    models = models_dir(settings)
    models.mkdir(parents=True)
    (models / "20261202-000000-salesbot.tar.gz").write_bytes(b"model")
    assert not model_is_current(settings)  # a model, but nobody recorded what it was trained from
    record_training(settings, training_digest())
    assert model_is_current(settings)
    record_training(settings, "0" * 64)  # trained from other inputs
    assert not model_is_current(settings)


def test_the_training_inputs_cover_config_domain_data_and_the_featurizer():
    names = {str(path.relative_to(PROJECT_ROOT)) for path in training_inputs()}
    expected = {"bot/config.yml", "bot/domain/core.yml", "data/nlu/general.yml", "bot/rasa_plugins/nlu_features.py"}
    assert expected <= names
    assert any(name.startswith("data/stories/") for name in names)


# --- shutdown and start-up never leave servers behind ---------------------------------------------

SLEEPER = "import time; time.sleep(60)"
# Stops a second after SIGTERM, long enough for signals to arrive while stop_all waits for it.
SLOW_TO_STOP = (
    "import signal, sys, time; from pathlib import Path\n"
    "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1), sys.exit(0)))\n"
    "Path(sys.argv[1]).touch(); time.sleep(60)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_service(name: str, code: str, *args: str) -> Service:
    return Service(name, [sys.executable, "-c", code, *args], free_port(), "http://127.0.0.1:1/")


@pytest.fixture
def raising_handlers():
    """The handlers `salesbot up` had: SIGINT and SIGTERM raise KeyboardInterrupt; restored afterwards."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, interrupt)
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@pytest.fixture
def started(tmp_path):
    """Services started for a test; whatever is left running is killed afterwards."""
    services: list[Service] = []
    yield services
    for service in services:
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def test_shutdown_finishes_whatever_signals_arrive(tmp_path, raising_handlers, started):
    ready = tmp_path / "ready"
    started += [python_service("first", SLEEPER), python_service("second", SLOW_TO_STOP, str(ready))]
    for service in started:
        service.start(tmp_path)
    deadline = time.monotonic() + 10
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)

    def impatient() -> None:  # a process manager's TERM after Ctrl-C, then Ctrl-C again
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=impatient)
    sender.start()
    stop_all(started)  # stops "second" first, and waits for it while the signals arrive
    sender.join()
    assert [s.process.poll() is not None for s in started] == [True, True]


def test_a_busy_port_stops_start_up_before_any_server_starts(tmp_path, started):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        second = python_service("rasa", SLEEPER)
        second.port, second.port_setting = busy.getsockname()[1], "SALESBOT_RASA_PORT"
        started += [python_service("actions", SLEEPER), second]
        with pytest.raises(
            StartupError, match=f"Port {second.port} .*in use by pid {os.getpid()} .*SALESBOT_RASA_PORT"
        ):
            start_all(started, tmp_path)
    assert [s.process for s in started] == [None, None]


def test_an_interrupt_during_start_up_stops_what_was_started(tmp_path, raising_handlers, started):
    run = tmp_path / "servers.json"
    started += [python_service("actions", SLEEPER)]  # never healthy: start_all waits until interrupted
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        start_all(started, tmp_path, timeout=30, run=run)
    assert started[0].process.poll() is not None
    assert not run.exists(), "the record goes with the servers"


def test_start_up_refuses_to_run_beside_the_servers_of_an_earlier_run(tmp_path, started):
    run = tmp_path / "servers.json"
    started += [python_service("rasa", SLEEPER)]
    started[0].start(tmp_path)
    record_run(run, started)  # its supervisor was killed: nobody stops this server
    pid = started[0].process.pid
    with pytest.raises(
        StartupError, match=rf"already running .*rasa server \(pid {pid}, port {started[0].port}\).*-{pid}"
    ):
        refuse_earlier_run(run)
    assert run.exists(), "the record of a running server is kept"

    stop_all(started)
    refuse_earlier_run(run)  # all ended: the record is stale, forgotten
    assert not run.exists()


def test_an_unreadable_run_record_is_named_and_kept(tmp_path):
    run = tmp_path / "servers.json"
    run.write_text("{not json")
    with pytest.raises(StartupError, match=r"servers\.json is unreadable"):
        refuse_earlier_run(run)
    assert run.read_text() == "{not json"


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--looks-like-an-option", "plain_token"])
def test_any_api_token_reaches_rasa_as_the_tokens_value(tmp_path, token):
    """secrets.token_urlsafe starts with "-" once in 64 tokens; argparse (Rasa's parser) read it as an option."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rasa").touch()
    service = rasa_service(Settings(var_dir=tmp_path, rasa_auth_token=token, rasa_venv=tmp_path))
    parser = argparse.ArgumentParser(exit_on_error=False)  # the options of `rasa run` that take a value
    for option in ("--cors", "--port", "--model", "--credentials", "--endpoints", "-t/--auth-token"):
        parser.add_argument(*option.split("/"))
    parser.add_argument("--enable-api", action="store_true")
    assert parser.parse_args(service.command[2:]).auth_token == token
    assert service.health_url.endswith(f"/status?token={token}")


# --- the servers' logs -------------------------------------------------------------------------------

LINE = "line {:04d} " + "x" * 40 + "\n"  # 51 bytes


def test_every_server_rotates_its_log_as_the_settings_say(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rasa").touch()
    env = {"SALESBOT_LOG_MAX_MB": "0.5", "SALESBOT_LOG_BACKUPS": "2", "SALESBOT_VAR_DIR": str(tmp_path)}
    settings = load_settings({**env, "SALESBOT_RASA_VENV": str(tmp_path)})
    for service in (action_service(settings), rasa_service(settings), web_service(settings)):
        assert (service.log_max_bytes, service.log_backups) == (500_000, 2), service.name


def test_a_servers_log_is_rotated_by_size_and_keeps_the_newest_lines(tmp_path, started):
    service = python_service("chatty", f"for i in range(400): print({LINE!r}.format(i), end='')")
    service.log_max_bytes, service.log_backups = 2_000, 3
    started.append(service)
    service.start(tmp_path)
    service.process.wait(10)
    service.stop()
    logs = [tmp_path / name for name in ("chatty.log.3", "chatty.log.2", "chatty.log.1", "chatty.log")]  # oldest first
    assert sorted(tmp_path.glob("chatty.log*")) == sorted(logs), "three rotated copies, the oldest deleted"
    assert all(1_900 < log.stat().st_size <= 2_000 for log in logs[:-1])
    kept = "".join(log.read_text() for log in logs)
    assert "".join(LINE.format(i) for i in range(400)).endswith(kept) and kept.endswith(LINE.format(399))


def test_personal_data_a_server_prints_is_redacted_in_its_log(tmp_path, started):
    """Rasa logs the messages it receives at debug level; its process cannot import the project's redaction."""
    said = "Received user message 'mail me at anna.berg@example.com or call +41 79 123 45 67'"
    service = python_service("rasa-like", f"print({said!r})")
    started.append(service)
    service.start(tmp_path)
    service.process.wait(10)
    service.stop()
    logged = (tmp_path / "rasa-like.log").read_text()
    assert "anna.berg@example.com" not in logged and "123 45 67" not in logged
    assert "[email]" in logged and "[phone]" in logged


def test_a_server_that_fails_at_start_up_is_named_with_its_last_words(tmp_path, started):
    started.append(python_service("rasa", "import sys; print('cannot load the model'); sys.exit(1)"))
    with pytest.raises(StartupError, match=r"rasa server exited during start-up(.|\n)*cannot load the model"):
        start_all(started, tmp_path, timeout=30)
