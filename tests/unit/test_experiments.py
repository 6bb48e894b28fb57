from collections import Counter
from pathlib import Path

import pytest

from analytics.experiments import ExperimentError, bucket, load_experiments

GOOD = """
experiments:
  - name: fewer-products
    conversion: click
    baseline_rate: 0.2
    minimum_effect: 0.1
    variants:
      - {name: control, share: 0.5}
      - {name: two, share: 0.5, recommendations: 2, closing_question: "Which one suits you?"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "experiments.yml"
    path.write_text(text)
    return path


def test_a_good_file_is_read(tmp_path):
    [experiment] = load_experiments(write(tmp_path, GOOD))
    assert experiment.name == "fewer-products" and experiment.conversion == "click"
    assert experiment.control.name == "control"
    assert experiment.variant("two").knobs == {"recommendations": 2, "closing_question": "Which one suits you?"}
    assert experiment.alpha == 0.05 and experiment.power == 0.8


def test_assignment_is_sticky_and_follows_the_shares(tmp_path):
    [experiment] = load_experiments(write(tmp_path, GOOD))
    assert all(experiment.choose(f"c{i}") == experiment.choose(f"c{i}") for i in range(50))
    counts = Counter(experiment.choose(f"customer-{i}").name for i in range(4000))
    assert 1850 < counts["control"] < 2150  # 50 % ± 4.7 sd
    assert bucket("a", "x") != bucket("a", "y")  # experiments are independent of each other


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("share: 0.5, rec", "share: 0.6, rec"), "add up to 1.1"),
        (("recommendations: 2", "recommendations: 7"), "recommendations 7: use 1 to 3"),
        (("recommendations: 2", "tone: friendly"), "'tone' is not something a variant can change"),
        (("conversion: click", "conversion: visit"), "conversion 'visit'"),
        (("minimum_effect: 0.1", "minimum_effect: 10"), "minimum_effect 10"),
        (("name: two", "name: control"), "variant names must differ"),
    ],
)
def test_mistakes_name_the_file_experiment_and_field(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ExperimentError, match=message) as caught:
        load_experiments(path)
    assert str(path) in str(caught.value)


def test_a_missing_or_broken_file_is_reported(tmp_path):
    with pytest.raises(ExperimentError, match="cannot read"):
        load_experiments(tmp_path / "nope.yml")
    with pytest.raises(ExperimentError, match="not valid YAML"):
        load_experiments(write(tmp_path, "experiments: [\n"))
    with pytest.raises(ExperimentError, match="used twice"):
        load_experiments(write(tmp_path, GOOD + GOOD.replace("experiments:\n", "")))
