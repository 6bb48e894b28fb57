"""Settings choose the tracker store and the lock store: checked with Rasa's own endpoint loader,
so the embedded default (SQLite, in-memory locks) stays exactly what `make run` uses."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bot.cli.supervisor import RASA_PATHS, rasa_env
from config.settings import PROJECT_ROOT, SettingsError, load_settings, parse_redis_url

# Runs in the Rasa environment: reads endpoints.yml the way `rasa run` does and builds the stores
# (only the lock store for Redis: its client connects lazily; the tracker store would connect at once).
RASA_LOADER = """
import json, sys
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path

endpoints = read_endpoints_from_path(sys.argv[1])
lock_store = LockStore.create(endpoints.lock_store)
found = {"tracker_url": endpoints.tracker_store.url, "lock_store": type(lock_store).__name__}
if found["lock_store"] == "SerialRedisLockStore":
    pool = lock_store.red.connection_pool.connection_kwargs
    found["redis"] = [pool["host"], pool["port"], pool["db"], pool["password"]]
if not endpoints.tracker_store.url:
    found["tracker_db_url"] = str(TrackerStore.create(endpoints.tracker_store).engine.url)
print(json.dumps(found))
"""


def load_with_rasa(environ: dict[str, str]) -> dict:
    settings = load_settings(environ)
    python = settings.rasa_venv / "bin" / "python"
    if not python.exists():
        pytest.skip(f"the Rasa environment is not installed at {settings.rasa_venv} (make setup)")
    result = subprocess.run(
        [str(python), "-c", RASA_LOADER, RASA_PATHS["endpoints"]],
        cwd=PROJECT_ROOT,
        env={**os.environ, **rasa_env(settings)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_conversations_go_to_sqlite_and_locks_stay_in_memory(tmp_path):
    found = load_with_rasa({"SALESBOT_VAR_DIR": str(tmp_path)})
    assert found == {
        "tracker_url": "",
        "lock_store": "InMemoryLockStore",
        "tracker_db_url": f"sqlite:///{tmp_path / 'tracker.db'}",
    }


def test_urls_select_postgresql_and_redis(tmp_path):
    tracker_url = "postgresql+psycopg2://bot:secret@db.internal:5432/salesbot"
    found = load_with_rasa(
        {
            "SALESBOT_VAR_DIR": str(tmp_path),
            "SALESBOT_TRACKER_URL": tracker_url,
            "SALESBOT_LOCK_STORE_URL": "redis://:p%40ss@cache.internal:6380/3",
        }
    )
    redis = ["cache.internal", 6380, 3, "p@ss"]
    assert found == {"tracker_url": tracker_url, "lock_store": "SerialRedisLockStore", "redis": redis}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SALESBOT_TRACKER_URL", "postgres://u:p@h/db", "write postgresql://"),
        ("SALESBOT_TRACKER_URL", "db.internal:5432", "SQLAlchemy URL"),
        ("SALESBOT_LOCK_STORE_URL", "http://cache:6379", "use redis://host:6379/1"),
        ("SALESBOT_LOCK_STORE_URL", "redis://cache:63x9/1", "port is not a number"),
        ("SALESBOT_LOCK_STORE_URL", "redis://cache:6379/zero", "use redis://host:6379/1"),
    ],
)
def test_a_bad_url_names_the_setting(variable, value, message):
    with pytest.raises(SettingsError, match=f"{variable}.*{message}"):
        load_settings({variable: value})


def test_redis_url_defaults_to_port_6379_and_database_1():
    address = parse_redis_url("redis://cache")
    assert (address.host, address.port, address.db, address.password) == ("cache", 6379, 1, "")
