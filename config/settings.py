"""All settings in one place, read from SALESBOT_* environment variables.

Standard library only: this module is imported by the CLI, the action server and the
tests, and must stay importable in both Python environments.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from datetime import datetime, time
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from throttle.limits import LimitError, Rate, parse_proxies

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The generator backends (knowledge.generation.BACKENDS; a unit test keeps the two equal).
LLM_BACKENDS = ("transformers", "llamacpp", "openai", "none")
WEBHOOK_FORMATS = ("generic", "slack", "chatwoot")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    rasa_auth_token: str = ""  # empty: `salesbot up` generates one per run (outside development)
    tracker_db: str = ""  # empty: SQLite file under var/
    # Scale-out (docs/scaling.md): several Rasa instances must share these two.
    tracker_url: str = ""  # empty: SQLite (tracker_db); else SQLAlchemy URL postgresql+psycopg2://user:pw@host:5432/db
    lock_store_url: str = ""  # empty: in-memory locks (one Rasa instance); else redis://[:pw@]host:6379/1
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    # web app (demo page, widget) and the channels; a channel is on when all its values are set
    web_port: int = 5080
    public_rasa_url: str = ""  # where browsers reach Rasa's socket.io; empty: the web app's host, rasa_port
    slack_token: str = ""  # Bot User OAuth token, xoxb-…
    slack_signing_secret: str = ""
    slack_api_url: str = ""  # empty: Slack's own (the channel's default); tests set a local capture server
    telegram_token: str = ""  # from @BotFather
    telegram_bot_name: str = ""  # the bot's username, without @
    telegram_webhook_url: str = ""  # public https URL ending in /webhooks/telegram/webhook
    telegram_api_url: str = ""  # empty: Telegram's own (the channel's default); set only by tests
    # abuse limits (throttle/, docs/abuse.md): "<count>/second|minute|hour" or "off"
    rate_limit_sender: str = "20/minute"  # messages per conversation (REST, socket.io)
    rate_limit_ip: str = "120/minute"  # messages per client address (REST, socket.io)
    rate_limit_web: str = "300/minute"  # web app API requests (history, agent console polls) per client address
    max_message_chars: int = 2000  # a longer customer message gets a polite "too long" reply
    trusted_proxies: str = ""  # comma-separated proxy addresses whose X-Forwarded-For names the client
    cors_origins: str = "*"  # origins whose pages may use the socket.io and REST channels, comma-separated
    # generation
    llm_backend: str = "transformers"  # transformers | llamacpp | openai | none
    llm_model: str = "qwen2.5-coder-0.5b"
    llm_url: str = ""  # OpenAI-compatible endpoint, for llm_backend=openai
    llm_api_key: str = ""
    llm_max_new_tokens: int = 64  # a reply of 1-3 short sentences with references (knowledge/references.py)
    llm_threads: int = 1  # torch threads for generation; 1 leaves a core for Rasa and was fastest on 2 cores
    llm_int8: bool = True  # int8 dynamic quantisation: ~5x faster on CPU, ~15 s more at start-up
    llm_time_limit: float = 8.0  # seconds for one generation; then the rendered facts are sent
    llm_queue: int = 2  # generations that may wait for the one model; more get the rendered facts at once
    # a LoRA adapter for the transformers backend (`salesbot finetune`): a folder, or "none" for the plain model
    llm_adapter: str = "none"
    lookup_workers: int = 4  # threads for retrieval and database work, never behind the model
    action_time_limit: float = 20.0  # seconds for a whole action before its fallback reply
    relevance_threshold: float = 0.35
    # leads
    app_db_url: str = ""  # empty: SQLite file var/app.db; else e.g. postgresql+psycopg2://user:pw@host:5432/db
    intent_model: Path = PROJECT_ROOT / "data" / "intent_score" / "model.json"  # purchase-intent weights
    hot_lead_threshold: float = 0.7  # purchase intent (0..1) from which a lead counts as hot
    # hand-off to a person (customers/handoff.py, the agent console in bot/web/console.py)
    env: str = "production"  # "development": `salesbot up` runs Rasa's HTTP API without a token
    agent_token: str = ""  # service token for scripts calling the console API (people sign in with accounts)
    agent_session_hours: float = 8.0  # an agent's console session ends this long after signing in
    business_hours: str = ""  # e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00"; empty: always open
    timezone: str = "UTC"  # the time zone of business_hours, e.g. Europe/Berlin
    agent_online_seconds: float = 60.0  # an agent counts as online this long after their console last reported
    handoff_keywords: str = "complaint, chargeback, lawyer, cancel my order"  # comma-separated words or phrases
    handoff_webhook_url: str = ""  # empty: no notification of new hand-offs
    handoff_webhook_format: str = "generic"  # generic | slack | chatwoot
    console_url: str = ""  # the web app's public URL, for links in notifications (e.g. https://shop.example/chat)
    # personal data (privacy/, docs/privacy.md)
    retention_days: int = 180  # conversations, leads and tickets older than this are erased; 0 keeps them
    share_pii: bool = False  # send e-mails, phones, names… unredacted to an external LLM endpoint and webhooks
    log_max_mb: float = 10.0  # a server's log (var/logs/<name>.log) past this size is rotated to <name>.log.1
    log_backups: int = 5  # rotated copies kept per log (<name>.log.1 … .5); older ones are deleted
    # analytics (analytics/, docs/analytics.md)
    experiments_file: str = ""  # the shop's experiments (YAML); empty: no experiments
    public_web_url: str = ""  # where customers reach the web app, e.g. https://shop.example/chat; empty: product
    # links in replies are sent as they are, else through its /go/ redirect, which records the click
    orders_token: str = ""  # the shop's token for POST /api/orders; empty: the orders API is off

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
    def app_db(self) -> str:
        """The app database's SQLAlchemy URL: SALESBOT_APP_DB_URL, else an SQLite file under var/."""
        return self.app_db_url or f"sqlite:///{self.var_dir / 'app.db'}"

    @property
    def log_max_bytes(self) -> int:
        return int(self.log_max_mb * 1_000_000)

    @property
    def action_url(self) -> str:
        return f"http://localhost:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def llm_adapter_path(self) -> Path | None:
        """The adapter folder the transformers backend merges into its model, or None (a relative path is read
        from the project's root)."""
        if self.llm_backend != "transformers" or self.llm_adapter.lower() in ("", "none"):
            return None
        return (PROJECT_ROOT / self.llm_adapter).resolve()


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
    if settings.llm_backend not in LLM_BACKENDS:
        raise SettingsError(f"SALESBOT_LLM_BACKEND={settings.llm_backend!r}: use one of {', '.join(LLM_BACKENDS)}")
    adapter = settings.llm_adapter_path
    if adapter is not None and not (adapter / "adapter.json").is_file():
        raise SettingsError(
            f"SALESBOT_LLM_ADAPTER={settings.llm_adapter!r}: no adapter at {adapter} (a folder `salesbot finetune` "
            "wrote, with adapter.json); or use none"
        )
    if settings.lookup_workers < 1:
        raise SettingsError(f"SALESBOT_LOOKUP_WORKERS={settings.lookup_workers}: use 1 or more")
    if settings.llm_queue < 0:
        raise SettingsError(f"SALESBOT_LLM_QUEUE={settings.llm_queue}: use 0 or more")
    if not 0 <= settings.hot_lead_threshold <= 1:
        raise SettingsError(f"SALESBOT_HOT_LEAD_THRESHOLD={settings.hot_lead_threshold}: use a number from 0 to 1")
    if settings.agent_session_hours <= 0:
        raise SettingsError(f"SALESBOT_AGENT_SESSION_HOURS={settings.agent_session_hours}: use a number above 0")
    if settings.retention_days < 0:
        raise SettingsError(f"SALESBOT_RETENTION_DAYS={settings.retention_days}: use 0 (keep) or more days")
    if settings.log_max_bytes < 1_000:
        raise SettingsError(f"SALESBOT_LOG_MAX_MB={settings.log_max_mb}: use 0.001 (a thousand bytes) or more")
    if settings.log_backups < 1:
        raise SettingsError(f"SALESBOT_LOG_BACKUPS={settings.log_backups}: use 1 or more")
    check_handoff_settings(settings)
    check_abuse_limits(settings)
    check_tracker_url(settings.tracker_url)
    if settings.tracker_url and settings.app_db_url == settings.tracker_url:
        raise SettingsError(
            "SALESBOT_APP_DB_URL names the tracker store's database: use another database (Rasa's SQL event broker "
            "writes an `events` table to the app database, which would collide with the tracker store's)"
        )
    if settings.lock_store_url:
        parse_redis_url(settings.lock_store_url)
    return settings


def check_handoff_settings(settings: Settings) -> None:
    parse_business_hours(settings.business_hours, settings.timezone)
    check_webhook_format(settings.handoff_webhook_format)


def check_abuse_limits(settings: Settings) -> None:
    try:
        for name in ("rate_limit_sender", "rate_limit_ip", "rate_limit_web"):
            Rate.parse(getattr(settings, name), f"SALESBOT_{name.upper()}")
        parse_proxies(settings.trusted_proxies, "SALESBOT_TRUSTED_PROXIES")
    except LimitError as exc:
        raise SettingsError(str(exc)) from exc
    if settings.max_message_chars < 1:
        raise SettingsError(f"SALESBOT_MAX_MESSAGE_CHARS={settings.max_message_chars}: use 1 or more")
    if not settings.cors_origins.strip():
        raise SettingsError("SALESBOT_CORS_ORIGINS is empty: use * or the shop's origins, e.g. https://shop.example")


def check_tracker_url(url: str) -> None:
    """Rasa hands the URL to SQLAlchemy 1.4, which knows `postgresql://` but not the `postgres://` alias."""
    if not url:
        return
    if url.startswith("postgres://"):
        raise SettingsError("SALESBOT_TRACKER_URL: write postgresql://… (SQLAlchemy does not accept postgres://)")
    if not re.match(r"^[a-z][a-z0-9+]*://\S+$", url):
        raise SettingsError(
            "SALESBOT_TRACKER_URL: use an SQLAlchemy URL like postgresql+psycopg2://user:pw@host:5432/db"
        )


@dataclass(frozen=True)
class RedisAddress:
    host: str
    port: int
    db: int
    password: str


def parse_redis_url(url: str) -> RedisAddress:
    """redis://[:password@]host[:port][/db]; Rasa's lock store takes these parts one by one."""
    usage = "SALESBOT_LOCK_STORE_URL: use redis://host:6379/1 (or redis://:password@host:6379/1)"
    parts = urlsplit(url)
    try:
        port = parts.port or 6379
    except ValueError as exc:
        raise SettingsError(f"{usage}; the port is not a number") from exc
    db = parts.path.strip("/") or "1"
    if parts.scheme != "redis" or not parts.hostname or not db.isdigit():
        raise SettingsError(usage)
    return RedisAddress(parts.hostname, port, int(db), unquote(parts.password or ""))


# --- hand-off settings: business hours and webhook format ---------------------------------------


@dataclass(frozen=True)
class OpeningSpan:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class BusinessHours:
    """Empty spans: always open."""

    spans: tuple[OpeningSpan, ...]
    zone: ZoneInfo

    def is_open(self, now: datetime) -> bool:
        if not self.spans:
            return True
        local = now.astimezone(self.zone)
        return any(local.weekday() in s.days and s.start <= local.time() < s.end for s in self.spans)


def _days(spec: str) -> frozenset[int]:
    days: set[int] = set()
    for part in spec.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first[:3] not in DAYS or (last and last[:3] not in DAYS):
            raise ValueError(f"unknown day in {spec!r}")
        start, end = DAYS.index(first[:3]), DAYS.index((last or first)[:3])
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return frozenset(days)


def parse_business_hours(raw: str, zone: str = "UTC") -> BusinessHours:
    """'Mon-Fri 09:00-18:00; Sat 10:00-14:00' in the time zone `zone`; '' means always open."""
    usage = 'SALESBOT_BUSINESS_HOURS: write e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00" (empty: always open)'
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"SALESBOT_TIMEZONE={zone!r} is not a known time zone (e.g. Europe/Berlin)") from exc
    spans = []
    for chunk in filter(None, (c.strip() for c in raw.split(";"))):
        found = re.fullmatch(r"([A-Za-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", chunk)
        if found is None:
            raise SettingsError(f"{usage}; cannot read {chunk!r}")
        try:
            days = _days(found.group(1))
            start = time(int(found.group(2)), int(found.group(3)))
            end = time(23, 59, 59, 999999) if found.group(4, 5) == ("24", "00") else time(*map(int, found.group(4, 5)))
        except ValueError as exc:
            raise SettingsError(f"{usage}; {chunk!r}: {exc}") from exc
        if end <= start:
            raise SettingsError(f"{usage}; {chunk!r} closes before it opens")
        spans.append(OpeningSpan(days, start, end))
    return BusinessHours(tuple(spans), tz)


def check_webhook_format(fmt: str) -> None:
    if fmt not in WEBHOOK_FORMATS:
        raise SettingsError(f"SALESBOT_HANDOFF_WEBHOOK_FORMAT={fmt!r}: use one of {', '.join(WEBHOOK_FORMATS)}")
