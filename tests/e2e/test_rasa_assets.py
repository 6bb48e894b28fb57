"""Rasa's own checks on the training data and the test stories."""

from __future__ import annotations

import pytest

from bot.cli import supervisor
from tests.e2e.conftest import run

pytestmark = pytest.mark.e2e


def test_training_data_validates(e2e_settings):
    rasa = str(supervisor.rasa_executable(e2e_settings))
    paths = supervisor.RASA_PATHS
    run(
        [
            rasa,
            "data",
            "validate",
            "--config",
            paths["config"],
            "--domain",
            paths["domain"],
            "--data",
            *paths["data"],
            "--fail-on-warnings",
        ],
        supervisor.rasa_env(e2e_settings),
    )


def test_dialogue_test_stories_pass(e2e_settings, trained_model):
    rasa = str(supervisor.rasa_executable(e2e_settings))
    run(
        [
            rasa,
            "test",
            "core",
            "--stories",
            "tests/stories",
            "--model",
            str(trained_model),
            "--fail-on-prediction-errors",
            "--out",
            str(e2e_settings.var_dir / "rasa-test-results"),
        ],
        supervisor.rasa_env(e2e_settings),
    )
