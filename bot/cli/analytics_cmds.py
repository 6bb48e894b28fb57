"""The analytics commands of `salesbot`: experiments, report, orders import (analytics/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.experiment_report import experiment_report, format_report
from analytics.experiments import Experiment, ExperimentError, load_experiments
from analytics.store import AnalyticsError, open_analytics
from config.settings import Settings


def experiments_of(settings: Settings) -> list[Experiment]:
    if not settings.experiments_file:
        raise ExperimentError("no experiments: set SALESBOT_EXPERIMENTS_FILE to your experiments YAML file")
    return load_experiments(Path(settings.experiments_file))


def cmd_experiments(settings: Settings, args: argparse.Namespace) -> int:
    experiments = experiments_of(settings)
    if args.name:
        experiments = [e for e in experiments if e.name == args.name]
        if not experiments:
            raise ExperimentError(f"{settings.experiments_file}: no experiment named {args.name!r}")
    if args.action == "check":
        for e in experiments:
            shares = ", ".join(f"{v.name} {v.share:.0%}" for v in e.variants)
            print(f"{e.name}: conversion {e.conversion}; {shares}")
        return 0
    store = open_analytics(settings)
    print("\n\n".join(format_report(experiment_report(store, e)) for e in experiments) or "no experiments defined")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    experiments = sub.add_parser("experiments", help="A/B tests of the sales strategy (SALESBOT_EXPERIMENTS_FILE)")
    experiments.add_argument("action", choices=("report", "check"), help="report: statistics; check: read the file")
    experiments.add_argument("--name", help="only this experiment")
    experiments.set_defaults(func=cmd_experiments)


ERRORS = (ExperimentError, AnalyticsError)  # reported by main() as `error: …`
