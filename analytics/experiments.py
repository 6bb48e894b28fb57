"""Experiments on the sales strategy, defined by the shop in a YAML file (SALESBOT_EXPERIMENTS_FILE).

    experiments:
      - name: fewer-products
        conversion: lead          # what counts as converting: lead | click | purchase
        baseline_rate: 0.20       # the conversion rate expected without a change (for the sample size)
        minimum_effect: 0.10      # the smallest difference worth finding, in rate points (0.10 = 10 points)
        alpha: 0.05               # optional; false-positive rate of the test
        power: 0.80               # optional; chance to find an effect of minimum_effect when there is one
        variants:                 # the first variant is the control
          - {name: control, share: 0.5}
          - {name: two, share: 0.5, recommendations: 2, closing_question: "Which of these two suits you best?"}

A customer's variant comes from a hash of the experiment name and their conversation id, so it is the same
after every restart and on every instance without asking anybody; the first assignment is also stored and
wins later (a change of shares does not move customers who already saw a variant).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONVERSIONS = ("lead", "click", "purchase")
# What a variant may change, with the type of its value. Each is applied in actions/experiments.py.
KNOBS: dict[str, type] = {
    "opening_line": str,  # the greeting of a new customer
    "recommendations": int,  # how many products a recommendation shows (1 to 3)
    "closing_question": str,  # asked after a recommendation
    "model_writes": bool,  # false: the rendered facts, not the model-written reply
}
MAX_RECOMMENDATIONS = 3
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


class ExperimentError(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    name: str
    share: float
    knobs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    name: str
    variants: tuple[Variant, ...]
    conversion: str = "lead"
    baseline_rate: float = 0.2
    minimum_effect: float = 0.1
    alpha: float = 0.05
    power: float = 0.8

    @property
    def control(self) -> Variant:
        return self.variants[0]

    def variant(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise ExperimentError(f"experiment {self.name!r} has no variant {name!r}")

    def choose(self, sender_id: str) -> Variant:
        """The variant for this customer by hash: the same on every run and every instance."""
        point = bucket(sender_id, self.name)
        total = 0.0
        for variant in self.variants:
            total += variant.share
            if point < total:
                return variant
        return self.variants[-1]  # rounding of shares that add up to 1


def bucket(sender_id: str, experiment: str) -> float:
    """A number in [0, 1), uniform over customers, fixed for one customer and experiment."""
    digest = hashlib.sha256(f"{experiment}\x00{sender_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def load_experiments(path: Path) -> list[Experiment]:
    """Read and check the file; every mistake is reported with the file, the experiment and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExperimentError(f"{path}: cannot read the experiments file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ExperimentError(f"{path}: not valid YAML ({exc})") from exc
    if raw is None:
        return []
    if not isinstance(raw, dict) or not isinstance(raw.get("experiments"), list):
        raise ExperimentError(f"{path}: expected a mapping with a list under 'experiments:'")
    found = [parse_experiment(item, f"{path}: experiments[{i}]") for i, item in enumerate(raw["experiments"])]
    names = [e.name for e in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ExperimentError(f"{path}: experiment name(s) used twice: {', '.join(twice)}")
    return found


def parse_experiment(item: Any, where: str) -> Experiment:
    if not isinstance(item, dict):
        raise ExperimentError(f"{where}: expected a mapping with name, conversion and variants")
    name = item.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ExperimentError(f"{where}: name {name!r}: use letters, digits, '.', '_' or '-' (up to 100)")
    where = f"{where} ({name})"
    unknown = set(item) - {"name", "conversion", "baseline_rate", "minimum_effect", "alpha", "power", "variants"}
    if unknown:
        raise ExperimentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    conversion = item.get("conversion", "lead")
    if conversion not in CONVERSIONS:
        raise ExperimentError(f"{where}: conversion {conversion!r}: use one of {', '.join(CONVERSIONS)}")
    numbers = {key: _rate(item, key, default, where) for key, default in
               (("baseline_rate", 0.2), ("minimum_effect", 0.1), ("alpha", 0.05), ("power", 0.8))}  # fmt: skip
    if numbers["baseline_rate"] + numbers["minimum_effect"] >= 1:
        raise ExperimentError(f"{where}: baseline_rate + minimum_effect must stay below 1")
    variants = item.get("variants")
    if not isinstance(variants, list) or len(variants) < 2:
        raise ExperimentError(f"{where}: variants: give a list of at least two (the first is the control)")
    parsed = tuple(_variant(v, f"{where}: variants[{i}]") for i, v in enumerate(variants))
    names = [v.name for v in parsed]
    if len(set(names)) != len(names):
        raise ExperimentError(f"{where}: variant names must differ ({', '.join(names)})")
    total = sum(v.share for v in parsed)
    if abs(total - 1) > 1e-6:
        raise ExperimentError(f"{where}: the variants' shares add up to {total:g}; they must add up to 1")
    return Experiment(name, parsed, conversion, **numbers)


def _rate(item: dict[str, Any], key: str, default: float, where: str) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ExperimentError(f"{where}: {key} {value!r}: use a number between 0 and 1")
    return float(value)


def _variant(item: Any, where: str) -> Variant:
    if not isinstance(item, dict):
        raise ExperimentError(f"{where}: expected a mapping with name, share and what it changes")
    name = item.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ExperimentError(f"{where}: name {name!r}: use letters, digits, '.', '_' or '-'")
    where = f"{where} ({name})"
    share = item.get("share")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise ExperimentError(f"{where}: share {share!r}: use a number above 0 and at most 1")
    knobs = {k: v for k, v in item.items() if k not in ("name", "share")}
    for key, value in knobs.items():
        if key not in KNOBS:
            raise ExperimentError(f"{where}: {key!r} is not something a variant can change (use {', '.join(KNOBS)})")
        if not isinstance(value, KNOBS[key]) or (KNOBS[key] is int and isinstance(value, bool)):
            raise ExperimentError(f"{where}: {key} {value!r}: expected {KNOBS[key].__name__}")
        if isinstance(value, str) and not value.strip():
            raise ExperimentError(f"{where}: {key} is empty")
    count = knobs.get("recommendations")
    if count is not None and not 1 <= count <= MAX_RECOMMENDATIONS:
        raise ExperimentError(f"{where}: recommendations {count}: use 1 to {MAX_RECOMMENDATIONS}")
    return Variant(name, float(share), knobs)
