"""`salesbot experiments simulate`: proof that the experiment statistics work.

Simulated buyers are personas with needs, a budget and a known chance to convert in each variant. The
planted experiment shows two products instead of three to half the customers, and a customer who saw two
converts (clicks a recommended product's tracked link) `effect` points more often. The A/A experiment splits
the same customers in two halves that are treated alike, so any "winner" it names is a false positive.

- live (`--live`): the conversations are real, over the REST channel of our own servers (loopback only, a
  bounded number at a time); the variant a customer is in is read from what the assistant did (how many
  products it showed), the click goes through the web app's /go/ redirect, and the report is the one
  `salesbot experiments report` prints, from the app database.
- repeated runs: the same personas, the same sticky assignment (`Experiment.choose`) and the same report
  code (`report_from`), with the conversations' outcome drawn in memory, many times over: the share of
  planted runs that name the right winner (the power) and of A/A runs that name any winner (the
  false-positive rate, which should stay near alpha).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.experiment_report import ExperimentReport, experiment_report, report_from
from analytics.experiments import Experiment, parse_experiment
from analytics.store import SalesEvent, open_analytics
from config.settings import Settings

PLANTED, AA = "sim-planted", "sim-aa"


@dataclass(frozen=True)
class Persona:
    name: str
    says: tuple[str, ...]  # the conversation up to the recommendation
    offset: float  # this persona converts this much more (or less) often than the baseline


PERSONAS = (
    Persona("traveller", ("can you recommend a laptop?", "for travel", "around 1500", "no preference"), -0.05),
    Persona("gamer", ("can you recommend a laptop?", "for gaming", "around 2000", "no preference"), 0.05),
    Persona("commuter", ("can you recommend headphones?", "for commuting", "under 300", "no preference"), 0.0),
)


def experiments(baseline: float, effect: float) -> list[Experiment]:
    """The planted experiment (two products vs three) and the A/A one (alike in both halves)."""
    common = {"conversion": "click", "baseline_rate": baseline, "minimum_effect": effect}
    halves = {
        PLANTED: [{"name": "three", "share": 0.5}, {"name": "two", "share": 0.5, "recommendations": 2}],
        AA: [{"name": "a", "share": 0.5, "recommendations": 3}, {"name": "b", "share": 0.5, "recommendations": 3}],
    }
    return [parse_experiment({"name": name, **common, "variants": v}, "simulation") for name, v in halves.items()]


def experiments_yaml(baseline: float, effect: float) -> str:
    import yaml

    found = []
    for e in experiments(baseline, effect):
        variants = [{"name": v.name, "share": v.share, **v.knobs} for v in e.variants]
        found.append({"name": e.name, "conversion": e.conversion, "baseline_rate": e.baseline_rate,
                      "minimum_effect": e.minimum_effect, "variants": variants})  # fmt: skip
    return yaml.safe_dump({"experiments": found}, sort_keys=False)


def chance(persona: Persona, saw_two: bool, baseline: float, effect: float) -> float:
    """The known probability that this customer converts."""
    return baseline + persona.offset + (effect if saw_two else 0.0)


# ---- repeated runs, outcomes drawn in memory -----------------------------------------------------
def simulated_run(
    planted: Experiment, aa: Experiment, customers: int, rng: random.Random, effect: float
) -> tuple[ExperimentReport, ExperimentReport]:
    """One run: `customers` new customers, each assigned by the real hash, converting with their chance."""
    run, now, events = f"{rng.getrandbits(32):08x}", datetime.now(UTC), []  # new customers, reproducibly
    for i in range(customers):
        sender, persona = f"sim-{run}-{i}", PERSONAS[i % len(PERSONAS)]
        variants = {planted.name: planted.choose(sender).name, aa.name: aa.choose(sender).name}
        for name, variant in variants.items():
            events.append(SalesEvent(f"x{name}{i}", sender, "exposure", data={"experiment": name, "variant": variant},
                                     at=now))  # fmt: skip
        if rng.random() < chance(persona, variants[planted.name] == "two", planted.baseline_rate, effect):
            events.append(SalesEvent(f"c{i}", sender, "link_clicked", at=now))
    return report_from(planted, events, []), report_from(aa, events, [])


@dataclass(frozen=True)
class RepeatedFigures:
    runs: int
    customers: int  # per run
    power: float  # planted runs that named "two" the winner
    false_positive_rate: float  # A/A runs that named any winner
    alpha: float
    planned: int


def repeated_runs(runs: int, baseline: float, effect: float, seed: int = 7) -> RepeatedFigures:
    planted, aa = experiments(baseline, effect)
    rng = random.Random(seed)
    first = simulated_run(planted, aa, 10, rng, effect)[0]
    customers = 2 * first.planned + 2 * first.planned // 10  # planned size in both halves, with room for chance
    found = false = 0
    for _ in range(runs):
        planted_report, aa_report = simulated_run(planted, aa, customers, rng, effect)
        found += planted_report.verdict.startswith("WINNER: two")
        false += aa_report.verdict.startswith(("WINNER", "CONTROL WINS"))
    return RepeatedFigures(runs, customers, found / runs, false / runs, first.alpha, first.planned)


# ---- live: real conversations over REST ----------------------------------------------------------
def live_run(
    settings: Settings,
    customers: int,
    baseline: float,
    effect: float,
    concurrency: int,
    progress: Callable[[int], None],
    seed: int = 11,
) -> dict[str, Any]:
    """Talks to the running servers of `settings` (which must read the simulation's experiments file)."""
    import httpx

    from bot.cli import rest

    rng, run = random.Random(seed), uuid.uuid4().hex[:8]
    draws = [rng.random() for _ in range(customers)]

    def customer(i: int) -> str:
        """What the assistant showed this customer: two products, three, or no recommendation."""
        sender, persona = f"sim-live-{run}-{i}", PERSONAS[i % len(PERSONAS)]
        messages: list[dict] = []
        for text in persona.says:
            messages = rest.say(settings.rasa_url, sender, text, timeout=120).messages
        cards = [m["custom"]["products"] for m in messages if (m.get("custom") or {}).get("products")]
        if not cards:
            return "no recommendation"
        saw_two = len(cards[-1]) == 2
        if draws[i] < chance(persona, saw_two, baseline, effect):
            httpx.get(cards[-1][0]["url"], follow_redirects=False, timeout=30)
        return "two" if saw_two else "three"

    seen: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for done, shown in enumerate(pool.map(customer, range(customers)), start=1):
            seen[shown] = seen.get(shown, 0) + 1
            progress(done)
    store = open_analytics(settings)
    planted, aa = experiments(baseline, effect)
    return {"seen": seen, "planted": experiment_report(store, planted), "aa": experiment_report(store, aa)}


def simulation_settings(settings: Settings) -> Settings:
    """Its own var dir (fresh app database, Rasa model linked from the user's), experiments file, and links
    tracked through its own web app on loopback."""
    var = settings.var_dir / "ab-sim"
    return replace(
        settings, var_dir=var, experiments_file=str(var / "experiments.yml"), llm_backend="none",
        rasa_auth_token="", tracker_db="", public_web_url=f"http://127.0.0.1:{settings.web_port}",
    )  # fmt: skip


def write_experiments(s: Settings, baseline: float, effect: float) -> None:
    path = Path(s.experiments_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(experiments_yaml(baseline, effect))
