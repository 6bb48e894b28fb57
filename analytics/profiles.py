"""Customer profiles and segments, from the funnel's conversations (analytics/funnel.py).

A profile is one conversation: needs, budget band, categories and products viewed, the furthest funnel
stage, the purchase-intent score and the outcome. Segments group profiles by interest (category), budget
band and funnel stage, each with its size and conversion to lead and to purchase.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from analytics.funnel import STAGES, Conversation, Funnel

BUDGET_BANDS = ((100, "under 100"), (500, "100-499"), (1000, "500-999"), (float("inf"), "1000 and more"))
COLUMNS = (
    "sender_id", "email", "channel", "started", "category", "use_case", "budget", "budget_band", "features",
    "categories_viewed", "products_viewed", "stage_reached", "sales_stage", "intent_score", "outcome", "revenue",
    "variants",
)  # fmt: skip


def budget_band(budget: object) -> str:
    try:
        value = float(budget)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown"
    return next(name for limit, name in BUDGET_BANDS if value < limit)


def stage_reached(c: Conversation) -> str:
    return [s for s in STAGES if s in c.stages][-1]


def outcome(c: Conversation) -> str:
    return "purchase" if "purchase" in c.stages else "lead" if "lead" in c.stages else "open"


def _flat(value: object) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)


def profile(c: Conversation) -> dict[str, str]:
    values: dict[str, object] = {
        "sender_id": c.sender_id,
        "email": c.email,
        "channel": c.channel,
        "started": c.started.isoformat(timespec="seconds"),
        "category": c.needs.get("category"),
        "use_case": c.needs.get("use_case"),
        "budget": c.needs.get("budget"),
        "budget_band": budget_band(c.needs.get("budget")),
        "features": c.needs.get("features"),
        "categories_viewed": c.categories,
        "products_viewed": c.products,
        "stage_reached": stage_reached(c),
        "sales_stage": c.stage,
        "intent_score": None if c.intent_score is None else f"{c.intent_score:.2f}",
        "outcome": outcome(c),
        "revenue": f"{c.revenue:.2f}" if c.revenue else "",
        "variants": [f"{e}/{v}" for e, v in sorted(c.variants.items())],
    }
    return {name: _flat(values[name]) for name in COLUMNS}


SEGMENTS: dict[str, Callable[[Conversation], list[str]]] = {
    "interest": lambda c: c.categories or ["unknown"],
    "budget band": lambda c: [budget_band(c.needs.get("budget"))],
    "stage": lambda c: [stage_reached(c)],
}


@dataclass(frozen=True)
class Segment:
    by: str
    name: str
    customers: int
    leads: int
    purchases: int

    @property
    def lead_rate(self) -> float:
        return self.leads / self.customers if self.customers else 0.0

    @property
    def purchase_rate(self) -> float:
        return self.purchases / self.customers if self.customers else 0.0


def segments(funnel: Funnel) -> list[Segment]:
    found = []
    for by, names_of in SEGMENTS.items():
        groups: dict[str, list[Conversation]] = {}
        for c in funnel.conversations:
            for name in names_of(c):
                groups.setdefault(name, []).append(c)
        for name, rows in sorted(groups.items(), key=lambda item: -len(item[1])):
            leads = sum("lead" in c.stages for c in rows)
            found.append(Segment(by, name, len(rows), leads, sum("purchase" in c.stages for c in rows)))
    return found


def write_profiles_csv(out: TextIO, funnel: Funnel) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(profile(c) for c in funnel.conversations)


def write_segments_csv(out: TextIO, found: list[Segment]) -> None:
    writer = csv.writer(out)
    writer.writerow(["segment_by", "segment", "customers", "leads", "lead_rate", "purchases", "purchase_rate"])
    writer.writerows(
        [s.by, s.name, s.customers, s.leads, f"{s.lead_rate:.4f}", s.purchases, f"{s.purchase_rate:.4f}"] for s in found
    )


def format_segments(found: list[Segment]) -> str:
    lines = [f"  {'segment':32} {'customers':>9} {'lead rate':>9} {'purchase rate':>13}"]
    lines += [
        f"  {f'{s.by}: {s.name}'[:32]:32} {s.customers:>9} {s.lead_rate:>9.1%} {s.purchase_rate:>13.1%}" for s in found
    ]
    return "\n".join(lines)
