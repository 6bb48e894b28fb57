"""`salesbot experiments report`: per variant, exposures, conversions, rate, difference with the control,
the planned size and a verdict that names no winner before that size is reached (analytics/stats.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analytics import stats
from analytics.experiments import Experiment
from analytics.store import AnalyticsStore, Order, SalesEvent

CONVERSION_EVENT = {"lead": "lead_captured", "click": "link_clicked"}


@dataclass(frozen=True)
class VariantResult:
    name: str
    exposures: int  # exposure events (every reply the variant changed)
    rate: stats.Rate  # customers: converted of exposed
    difference: stats.Difference | None  # None for the control


@dataclass(frozen=True)
class ExperimentReport:
    experiment: Experiment
    variants: list[VariantResult]
    planned: int  # customers per variant
    alpha: float  # per comparison
    verdict: str


def exposed_customers(events: list[SalesEvent], experiment: str) -> tuple[dict[str, tuple[str, datetime]], dict]:
    """{sender: (variant, first exposure)} and {variant: exposure events}."""
    first: dict[str, tuple[str, datetime]] = {}
    counts: dict[str, int] = {}
    for event in events:
        if event.kind != "exposure" or event.data.get("experiment") != experiment:
            continue
        variant = str(event.data.get("variant"))
        counts[variant] = counts.get(variant, 0) + 1
        if event.sender_id not in first and event.at is not None:
            first[event.sender_id] = (variant, event.at)
    return first, counts


def converted_at(conversion: str, events: list[SalesEvent], orders: list[Order]) -> dict[str, datetime]:
    """{sender: the first time they converted}, for the experiment's kind of conversion."""
    times: list[tuple[str, datetime]]
    if conversion == "purchase":
        times = [(o.sender_id, o.at) for o in orders if o.sender_id]
    else:
        times = [(e.sender_id, e.at) for e in events if e.kind == CONVERSION_EVENT[conversion] and e.at]
    found: dict[str, datetime] = {}
    for sender, at in times:
        if sender not in found or at < found[sender]:
            found[sender] = at
    return found


def experiment_report(store: AnalyticsStore, experiment: Experiment) -> ExperimentReport:
    events = store.events()
    return report_from(experiment, events, store.orders() if experiment.conversion == "purchase" else [])


def report_from(experiment: Experiment, events: list[SalesEvent], orders: list[Order]) -> ExperimentReport:
    """A customer counts as converted when they converted at or after their first exposure."""
    exposed, exposures = exposed_customers(events, experiment.name)
    converted = converted_at(experiment.conversion, events, orders)
    alpha = stats.comparison_alpha(experiment.alpha, len(experiment.variants))
    planned = stats.planned_size(experiment.baseline_rate, experiment.minimum_effect, alpha, experiment.power)
    rates: dict[str, stats.Rate] = {}
    for variant in experiment.variants:
        customers = [s for s, (v, _) in exposed.items() if v == variant.name]
        wins = sum(1 for s in customers if s in converted and converted[s] >= exposed[s][1])
        rates[variant.name] = stats.rate(wins, len(customers), alpha)
    control = rates[experiment.control.name]
    results = [
        VariantResult(
            v.name,
            exposures.get(v.name, 0),
            rates[v.name],
            None if v is experiment.control else stats.difference(control, rates[v.name], alpha),
        )
        for v in experiment.variants
    ]
    return ExperimentReport(experiment, results, planned, alpha, verdict(results, planned, alpha, experiment))


def verdict(results: list[VariantResult], planned: int, alpha: float, experiment: Experiment) -> str:
    smallest = min(r.rate.exposed for r in results)
    if smallest < planned:
        return (
            f"TOO EARLY: {smallest} of the planned {planned} customers in the smallest variant. No winner is "
            "declared before every variant reaches the planned size (fixed-horizon test)."
        )
    control = results[0]
    winners = [r for r in results[1:] if r.difference and r.difference.p_value < alpha]
    if not winners:
        return (
            f"NO DIFFERENCE FOUND: no variant differs from {control.name} at alpha {alpha:g}; a difference of "
            f"{experiment.minimum_effect * 100:g} points or more would have been found with "
            f"{experiment.power:.0%} power."
        )
    best = max(winners, key=lambda r: r.rate.rate)
    if best.difference is not None and best.difference.diff < 0:
        return f"CONTROL WINS: every significant variant converts less than {control.name} (p < {alpha:g})."
    return (
        f"WINNER: {best.name} converts {best.difference.diff * 100:+.1f} points vs {control.name} "  # type: ignore[union-attr]
        f"(p = {best.difference.p_value:.3g} < {alpha:g})."  # type: ignore[union-attr]
    )


def format_report(report: ExperimentReport) -> str:
    e = report.experiment
    level = 1 - report.alpha
    lines = [
        f"experiment {e.name}: conversion = {e.conversion}; planned {report.planned} customers per variant "
        f"(baseline {e.baseline_rate:.0%}, minimum effect {e.minimum_effect * 100:g} points, "
        f"alpha {report.alpha:g} per comparison, power {e.power:.0%})",
        f"  {'variant':16} {'exposures':>9} {'customers':>9} {'converted':>9} {'rate':>7}  {level:.0%} interval"
        f"     difference vs {e.control.name} [{level:.0%} interval]   p-value",
    ]
    for r in report.variants:
        line = (
            f"  {r.name[:16]:16} {r.exposures:>9} {r.rate.exposed:>9} {r.rate.converted:>9} {r.rate.rate:>7.1%}  "
            f"[{r.rate.low:.1%}, {r.rate.high:.1%}]"
        )
        d = r.difference
        if d is not None:
            line += f"   {d.diff * 100:+.1f} points [{d.low * 100:+.1f}, {d.high * 100:+.1f}]   {d.p_value:.3g}"
        lines.append(line)
    lines.append(f"  verdict: {report.verdict}")
    return "\n".join(lines)
