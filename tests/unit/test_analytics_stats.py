import math
import random

from analytics import stats
from analytics.experiment_report import format_report, report_from
from analytics.experiments import Experiment, Variant
from analytics.store import SalesEvent

EXPERIMENT = Experiment("e", (Variant("a", 0.5), Variant("b", 0.5)), "lead", 0.2, 0.1)


def test_planned_size_matches_the_textbook_figure():
    # 20 % -> 30 %, alpha 0.05 two-sided, power 0.8: about 294 per group (normal approximation)
    assert 285 <= stats.planned_size(0.2, 0.1, 0.05, 0.8) <= 300
    assert stats.planned_size(0.2, 0.05, 0.05, 0.8) > 3 * stats.planned_size(0.2, 0.1, 0.05, 0.8)


def test_difference_has_an_interval_around_it_and_a_p_value():
    control, treatment = stats.rate(40, 200, 0.05), stats.rate(60, 200, 0.05)
    assert control.low < 0.2 < control.high
    d = stats.difference(control, treatment, 0.05)
    assert math.isclose(d.diff, 0.1) and d.low < 0.1 < d.high and d.low > 0
    assert 0.01 < d.p_value < 0.05
    same = stats.difference(control, stats.rate(40, 200, 0.05), 0.05)
    assert same.p_value > 0.99 and same.low < 0 < same.high


def test_bonferroni_alpha_for_several_variants():
    assert stats.comparison_alpha(0.05, 2) == 0.05 and stats.comparison_alpha(0.05, 3) == 0.025


def events_for(n: int, rates: dict[str, float], seed: int = 1) -> list[SalesEvent]:
    rng = random.Random(seed)
    events = []
    for i in range(n):
        variant = "ab"[i % 2]
        sender = f"s{i}"
        events.append(SalesEvent(f"x{i}", sender, "exposure", data={"experiment": "e", "variant": variant}))
        if rng.random() < rates[variant]:
            events.append(SalesEvent(f"l{i}", sender, "lead_captured"))
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return [SalesEvent(e.key, e.sender_id, e.kind, e.variants, e.skus, e.data, now) for e in events]


def test_no_winner_before_the_planned_size():
    report = report_from(EXPERIMENT, events_for(200, {"a": 0.1, "b": 0.5}), [])
    assert report.variants[1].difference.p_value < 0.001
    assert report.verdict.startswith("TOO EARLY")


def test_a_planted_difference_is_found_at_the_planned_size():
    report = report_from(EXPERIMENT, events_for(2 * 400, {"a": 0.2, "b": 0.35}), [])
    assert report.variants[0].rate.exposed == 400
    assert report.verdict.startswith("WINNER: b")
    assert "difference vs a" in format_report(report)


def test_equal_variants_give_no_winner():
    report = report_from(EXPERIMENT, events_for(2 * 400, {"a": 0.2, "b": 0.2}, seed=3), [])
    assert report.verdict.startswith("NO DIFFERENCE FOUND")


def test_a_conversion_before_the_exposure_does_not_count():
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    events = [
        SalesEvent("l", "s", "lead_captured", at=now - timedelta(minutes=1)),
        SalesEvent("x", "s", "exposure", data={"experiment": "e", "variant": "a"}, at=now),
    ]
    report = report_from(EXPERIMENT, events, [])
    assert (report.variants[0].rate.exposed, report.variants[0].rate.converted) == (1, 0)
