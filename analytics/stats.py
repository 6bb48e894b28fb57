"""The statistics of an experiment report, all from statsmodels (no formula is written out here).

The test is fixed-horizon: the sample size per variant is planned from the experiment's baseline rate,
minimum effect, alpha and power, and no winner is declared before every variant has reached it. Looking at
the report earlier is harmless because its verdict then is only "too early"; stopping early on a small
p-value would not be. With more than two variants each is compared with the control at alpha / (variants - 1)
(Bonferroni), so the chance of any false winner stays at most alpha.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    converted: int
    exposed: int
    low: float  # Wilson interval at 1 - alpha
    high: float

    @property
    def rate(self) -> float:
        return self.converted / self.exposed if self.exposed else 0.0


@dataclass(frozen=True)
class Difference:
    diff: float  # treatment rate - control rate, in rate points (0.1 = 10 points)
    low: float  # Agresti-Caffo interval at 1 - alpha (clipped to [-1, 1])
    high: float
    p_value: float  # two-sided Agresti-Caffo test of "no difference", the same method as the interval


def rate(converted: int, exposed: int, alpha: float) -> Rate:
    from statsmodels.stats.proportion import proportion_confint

    if exposed == 0:
        return Rate(0, 0, 0.0, 1.0)
    low, high = proportion_confint(converted, exposed, alpha=alpha, method="wilson")
    return Rate(converted, exposed, float(low), float(high))


def difference(control: Rate, treatment: Rate, alpha: float) -> Difference | None:
    """None while either side has nobody exposed. Agresti-Caffo (one success and one failure added to each
    side) keeps interval and test defined for every count, 0 of n and n of n included, and consistent."""
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    if not control.exposed or not treatment.exposed:
        return None
    counts = (treatment.converted, treatment.exposed, control.converted, control.exposed)
    with warnings.catch_warnings():  # statsmodels also computes ratios it does not return, dividing by zero
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = confint_proportions_2indep(*counts, method="agresti-caffo", compare="diff", alpha=alpha)
        test = test_proportions_2indep(*counts, method="agresti-caffo", compare="diff", alternative="two-sided")
    return Difference(treatment.rate - control.rate, max(-1.0, float(low)), min(1.0, float(high)), float(test.pvalue))


def planned_size(baseline: float, minimum_effect: float, alpha: float, power: float) -> int:
    """Customers needed per variant to find a difference of `minimum_effect` over `baseline` (two-sided)."""
    from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

    n = samplesize_proportions_2indep_onetail(
        minimum_effect, baseline, power, ratio=1, alpha=alpha, value=0, alternative="two-sided"
    )
    return math.ceil(float(n))


def comparison_alpha(alpha: float, variants: int) -> float:
    """The alpha of each comparison with the control (Bonferroni)."""
    return alpha / max(1, variants - 1)
