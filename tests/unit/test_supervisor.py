import socket

import pytest

from bot.cli.supervisor import (
    StartupError,
    ensure_port_free,
    model_is_current,
    models_dir,
    rasa_env,
    rasa_service,
    record_training,
    train_command,
    training_digest,
    training_inputs,
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
    assert service.command[service.command.index("--auth-token") + 1] == "s3cret"
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
