"""The simulated-buyer benchmark's in-memory runs: the same assignment and report code as the live ones."""

from __future__ import annotations

import random

from analytics.experiments import load_experiments
from bot.cli import ab_simulation as sim


def test_the_simulation_file_is_a_valid_experiments_file(tmp_path):
    path = tmp_path / "experiments.yml"
    path.write_text(sim.experiments_yaml(0.2, 0.1))
    assert [e.name for e in load_experiments(path)] == [sim.PLANTED, sim.AA]
    assert load_experiments(path) == sim.experiments(0.2, 0.1)


def test_one_run_reports_both_experiments_at_the_planned_size():
    planted, aa = sim.experiments(0.2, 0.1)
    planted_report, aa_report = sim.simulated_run(planted, aa, 700, random.Random(1), 0.1)
    assert sum(v.rate.exposed for v in planted_report.variants) == 700
    assert min(v.rate.exposed for v in aa_report.variants) >= planted_report.planned
    two = planted_report.variants[1]
    assert 0.0 < two.difference.diff < 0.2  # planted +10 points, within sampling noise


def test_repeated_runs_find_the_planted_effect_and_rarely_a_false_one():
    figures = sim.repeated_runs(60, 0.2, 0.1, seed=3)
    assert figures.planned == 294 and figures.customers >= 2 * figures.planned
    assert figures.power >= 0.7  # planned for 80 %
    assert figures.false_positive_rate <= 0.12  # alpha is 5 %; 60 runs leave room for chance
