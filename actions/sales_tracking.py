"""The actions' side of analytics: the customer's experiment variants, sales events and tracked links.

Everything here is best effort: a database problem is logged and the customer still gets the reply.
Event keys are built from the conversation id and the customer message being answered, so a replayed or
retried action records nothing twice.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from analytics.experiments import Experiment, ExperimentError, load_experiments
from analytics.store import AnalyticsError, SalesEvent, open_analytics
from knowledge.catalog import Product

log = logging.getLogger(__name__)
# Where each knob acts; an experiment is exposed at a touchpoint when one of its variants sets a knob there.
TOUCHPOINTS = {
    "greeting": ("opening_line",),
    "recommendation": ("recommendations", "closing_question", "model_writes"),
}
_loaded: tuple[str, tuple[int, int], list[Experiment]] | None = None


@dataclass(frozen=True)
class Variants:
    knobs: dict[str, Any] = field(default_factory=dict)  # what the customer's variants change here
    assigned: dict[str, str] = field(default_factory=dict)  # {experiment: variant}


def experiments() -> list[Experiment]:
    """The shop's experiments, re-read when the file changes; a broken file is logged and ignored (`salesbot
    up` and `salesbot experiments check` refuse it with the reason)."""
    global _loaded
    path = services.settings().experiments_file
    if not path:
        return []
    try:
        info = os.stat(path)
        stamp = (info.st_mtime_ns, info.st_size)
        if _loaded is None or _loaded[:2] != (path, stamp):
            _loaded = (path, stamp, load_experiments(Path(path)))
    except (OSError, ExperimentError) as exc:
        log.error("experiments are off: %s", exc)
        return []
    return _loaded[2]


def turn_key(tracker: Tracker) -> str:
    """Names the customer message being answered, the same when the action is retried or replayed."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if not users:
        return "start"
    last = users[-1]
    return str(last.get("message_id") or last.get("timestamp") or len(users))


def _record(event: SalesEvent) -> None:
    try:
        open_analytics(services.settings()).record(event)
    except (AnalyticsError, SQLAlchemyError):
        log.exception("could not record the %s event of conversation %s", event.kind, event.sender_id)


def choose_variants(tracker: Tracker, touchpoint: str) -> Variants:
    """The customer's variant of every experiment acting at this touchpoint, each recorded as an exposure.
    Blocking (database): run it with `services.run_blocking`."""
    sender, knobs, assigned = tracker.sender_id, {}, {}
    store = open_analytics(services.settings())
    for experiment in experiments():
        if not any(k in TOUCHPOINTS[touchpoint] for v in experiment.variants for k in v.knobs):
            continue
        try:
            name = store.assign(sender, experiment.name, experiment.choose(sender).name)
        except (AnalyticsError, SQLAlchemyError):
            log.exception("no variant of %s for conversation %s: the defaults apply", experiment.name, sender)
            continue
        variant = experiment.variant(name) if name in {v.name for v in experiment.variants} else experiment.control
        assigned[experiment.name] = variant.name
        for key, value in variant.knobs.items():
            if key in TOUCHPOINTS[touchpoint]:
                knobs.setdefault(key, value)
        data = {"experiment": experiment.name, "variant": variant.name, "touchpoint": touchpoint}
        key = f"exposure:{experiment.name}:{touchpoint}:{sender}:{turn_key(tracker)}"
        _record(SalesEvent(key, sender, "exposure", {experiment.name: variant.name}, data=data))
    return Variants(knobs, assigned)


def record(tracker: Tracker, kind: str, key: str, variants: dict[str, str] | None = None, **data: Any) -> None:
    """A sales event of this conversation (blocking). `key` tells it apart from others of the same kind."""
    skus = list(data.pop("skus", []))
    if tracker.get_latest_input_channel():
        data.setdefault("channel", tracker.get_latest_input_channel())
    _record(SalesEvent(f"{kind}:{tracker.sender_id}:{key}", tracker.sender_id, kind, variants or {}, skus, data))


def tracked_links(sender_id: str, products: list[Product]) -> dict[str, str]:
    """{product URL: its /go/ redirect} for this customer (blocking); empty unless SALESBOT_PUBLIC_WEB_URL says
    where customers reach the web app (a localhost link would not work for them)."""
    settings = services.settings()
    if not settings.public_web_url:
        return {}
    base, store = settings.public_web_url.rstrip("/"), open_analytics(settings)
    try:
        return {p.url: f"{base}/go/{store.link_token(sender_id, p.sku, p.url)}" for p in products if p.url}
    except (AnalyticsError, SQLAlchemyError):
        log.exception("product links of conversation %s are sent untracked", sender_id)
        return {}
