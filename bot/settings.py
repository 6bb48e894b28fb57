"""All settings in one place, read from SALESBOT_* environment variables.

Standard library only: this module is imported by the CLI, the action server and the
tests, and must stay importable in both Python environments.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    # where things live
    var_dir: Path = PROJECT_ROOT / "var"  # Chroma store, tracker database, Rasa models, logs
    model_cache: Path = PROJECT_ROOT / "var" / "models"  # unpacked language models (large; shared)
    catalog_path: Path = PROJECT_ROOT / "data" / "catalog"
    shop: str = "demo"  # one Chroma collection per shop
    chroma_url: str = ""  # empty: embedded Chroma under var/chroma; else e.g. http://chroma:8000
    # processes
    rasa_port: int = 5005
    action_port: int = 5055
    rasa_auth_token: str = ""  # empty: the Rasa HTTP API is only reachable on this machine
    tracker_db: str = ""  # empty: SQLite file under var/
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    # generation
    llm_backend: str = "transformers"  # transformers | openai | none
    llm_model: str = "qwen2.5-coder-0.5b"
    llm_url: str = ""  # OpenAI-compatible endpoint, for llm_backend=openai
    llm_api_key: str = ""
    llm_max_new_tokens: int = 48  # the model writes one sentence; the facts are rendered from data
    llm_threads: int = 1  # torch threads for generation; 1 leaves a core for Rasa and was fastest on 2 cores
    llm_int8: bool = True  # int8 dynamic quantisation: ~5x faster on CPU, ~15 s more at start-up
    llm_time_limit: float = 8.0  # seconds for one generation; then the rendered facts are sent
    action_time_limit: float = 20.0  # seconds for a whole action before its fallback reply
    relevance_threshold: float = 0.35

    @property
    def chroma_path(self) -> Path:
        return self.var_dir / "chroma"

    @property
    def collection(self) -> str:
        return f"salesbot_{self.shop}"

    @property
    def tracker_db_path(self) -> str:
        return self.tracker_db or str(self.var_dir / "tracker.db")

    @property
    def action_url(self) -> str:
        return f"http://localhost:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from SALESBOT_<FIELD> variables; a bad value names the variable."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    for item in fields(Settings):
        name = f"SALESBOT_{item.name.upper()}"
        if name not in environ:
            continue
        raw = environ[name].strip()
        default = getattr(Settings, item.name)
        try:
            if isinstance(default, bool):
                values[item.name] = raw.lower() in ("1", "true", "yes", "on")
            elif isinstance(default, int):
                values[item.name] = int(raw)
            elif isinstance(default, float):
                values[item.name] = float(raw)
            elif isinstance(default, Path):
                values[item.name] = Path(raw).expanduser().resolve()
            else:
                values[item.name] = raw
        except ValueError as exc:
            raise SettingsError(f"{name}={raw!r} is not a valid {type(default).__name__}") from exc
    settings = Settings(**values)  # type: ignore[arg-type]
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,40}", settings.shop):
        raise SettingsError(f"SALESBOT_SHOP={settings.shop!r}: use lowercase letters, digits, _ or -")
    if settings.llm_backend not in ("transformers", "openai", "none"):
        raise SettingsError(f"SALESBOT_LLM_BACKEND={settings.llm_backend!r}: use transformers, openai or none")
    return settings
