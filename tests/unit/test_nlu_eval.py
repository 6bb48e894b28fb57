"""Report parsing, CLINC sampling and error handling of bot.cli.nlu_eval; no Rasa run.

The fake reports below have the shape Rasa 3.6.21's `rasa test nlu --successes` writes
(checked against a real run on the held-out file).
"""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
from pathlib import Path

import pytest

from bot.cli import nlu_eval
from bot.cli.nlu_eval import (
    CLINC_UNRELATED_INTENTS,
    DEFAULT_CLINC_PATH,
    OOS_SENTINEL,
    SHOPPING_INTENT_NAME,
    NluEvalError,
    fallback_threshold,
    format_nlu_report,
    is_shop_talk,
    oos_nlu_yaml,
    parse_held_out_reports,
    parse_oos_reports,
    run_nlu_eval,
    sample_clinc,
    unrelated_intents,
)
from config.settings import PROJECT_ROOT, Settings

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "held_out.yml"


def row(text: str, intent: str, predicted: str, confidence: float) -> dict:
    return {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": confidence}}


def scores(f1: float, support: int, confused: dict | None = None) -> dict:
    values = {"precision": f1, "recall": f1, "f1-score": f1, "support": support}
    if confused is not None:
        values["confused_with"] = confused
    return values


def write(folder: Path, name: str, content: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(content))


def write_held_out_reports(folder: Path) -> None:
    write(
        folder,
        "intent_report.json",
        {
            "greet": scores(1.0, 2, {}),
            "ask_price": scores(0.8, 2, {"ask_availability": 1}),
            "ask_availability": scores(0.6, 1, {}),
            "accuracy": 0.8,
            "macro avg": scores(0.8, 5),
            "weighted avg": scores(0.84, 5),
        },
    )
    write(
        folder,
        "intent_successes.json",
        [
            row("hi", "greet", "greet", 0.99),
            row("hello", "greet", "greet", 0.35),
            row("price of the Lumen Air 13", "ask_price", "ask_price", 0.9),
            row("is it in stock", "ask_availability", "ask_availability", 0.7),
        ],
    )
    write(
        folder,
        "intent_errors.json",
        [
            row("how much r the Corvid Vortex", "ask_price", "ask_availability", 0.6),
            row("what do you want for it", "ask_price", "ask_availability", 0.97),
        ],
    )
    entity = {"start": 5, "end": 11, "value": "Daniel", "entity": "customer_name"}
    email = {"start": 12, "end": 24, "value": "kev@mail.com", "entity": "email"}
    regex_email = {**email, "extractor": "RegexEntityExtractor"}
    write(
        folder,
        "DIETClassifier_report.json",
        {
            "product": scores(0.9, 40, {"category": 1}),
            "customer_name": scores(0.0, 3, {}),
            "email": scores(0.0, 2, {}),
            "no_entity": scores(0.99, 300, {}),
            "micro avg": scores(0.95, 45),
            "macro avg": scores(0.3, 45),
            "weighted avg": scores(0.8, 45),
            "accuracy": 0.97,
        },
    )
    write(
        folder,
        "RegexEntityExtractor_report.json",
        {
            "product": scores(0.0, 40, {}),
            "customer_name": scores(0.0, 3, {}),
            "email": scores(1.0, 2, {}),
            "micro avg": scores(0.04, 45),
            "macro avg": scores(0.33, 45),
            "weighted avg": scores(0.04, 45),
            "accuracy": 0.9,
        },
    )
    write(
        folder,
        "DIETClassifier_errors.json",
        [
            {"text": "hey, Daniel here", "entities": [entity], "predicted_entities": []},
            # the regex extractor found the e-mail address: not DIET's error
            {"text": "reach me at kev@mail.com", "entities": [email], "predicted_entities": [regex_email]},
        ],
    )
    write(
        folder,
        "RegexEntityExtractor_errors.json",
        [
            # every product is a "regex error" in Rasa's report; only e-mail is the regex extractor's job
            {
                "text": "price of the Lumen Air 13",
                "entities": [{"start": 13, "end": 25, "value": "Lumen Air 13", "entity": "product"}],
                "predicted_entities": [
                    {"start": 13, "end": 25, "value": "Lumen Air 13", "entity": "product", "extractor": "DIET"}
                ],
            },
            {"text": "hey, Daniel here", "entities": [entity], "predicted_entities": []},
        ],
    )


def test_held_out_reports_give_intent_and_entity_figures(tmp_path):
    write_held_out_reports(tmp_path)
    result = parse_held_out_reports(tmp_path, threshold=0.4)

    assert result["per_intent_f1"] == {"greet": 1.0, "ask_price": 0.8, "ask_availability": 0.6}
    assert result["intent_macro_f1"] == pytest.approx(0.8)
    assert result["intent_accuracy"] == 0.8
    assert result["examples"] == 6
    assert result["intent_confusions"] == {"ask_price": {"ask_availability": 1}}
    # most confident mistakes first
    assert [m["text"] for m in result["misclassified"]] == ["what do you want for it", "how much r the Corvid Vortex"]
    assert result["misclassified"][0] == {
        "text": "what do you want for it",
        "intent": "ask_price",
        "predicted": "ask_availability",
        "confidence": 0.97,
    }
    # each label scored by its best extractor; no_entity and the averages left out
    assert result["per_entity_f1"] == {"product": 0.9, "customer_name": 0.0, "email": 1.0}
    assert result["entity_macro_f1"] == pytest.approx((0.9 + 0.0 + 1.0) / 3)
    assert result["entity_f1_by_extractor"]["DIETClassifier"] == pytest.approx(0.3)
    # only real misses: the name DIET did not find; not the regex extractor "missing" products
    assert [e["text"] for e in result["entity_errors"]] == ["hey, Daniel here"]
    assert [f["text"] for f in result["held_out_fallbacks"]] == ["hello"]


def test_missing_error_files_mean_no_errors(tmp_path):
    write(tmp_path, "intent_report.json", {"greet": scores(1.0, 1, {}), "accuracy": 1.0})
    write(tmp_path, "intent_successes.json", [row("hi", "greet", "greet", 0.99)])
    result = parse_held_out_reports(tmp_path)
    assert result["misclassified"] == [] and result["entity_errors"] == []
    assert result["entity_macro_f1"] is None and result["intent_macro_f1"] == 1.0


def test_no_intent_report_is_an_error(tmp_path):
    with pytest.raises(NluEvalError, match="No intent report"):
        parse_held_out_reports(tmp_path)


def test_oos_share_counts_out_of_scope_and_fallback_as_polite(tmp_path):
    sample = [
        ("will it rain", "weather"),
        ("who won the game", "oos"),
        ("what is a dow", "oos"),
        ("set a timer", "timer"),
    ]
    write(
        tmp_path,
        "intent_successes.json",
        [row("will it rain", "out_of_scope", "out_of_scope", 0.9), row(OOS_SENTINEL[1], "greet", "greet", 0.99)],
    )
    write(
        tmp_path,
        "intent_errors.json",
        [
            row("who won the game", "out_of_scope", "ask_price", 0.2),  # below the threshold: nlu_fallback
            row("what is a dow", "out_of_scope", "ask_price", 0.8),
            row("set a timer", "out_of_scope", "ask_product_info", 0.7),
        ],
    )
    oos = parse_oos_reports(tmp_path, sample, threshold=0.4)
    assert (oos["total"], oos["polite"], oos["polite_share"]) == (4, 2, 0.5)
    assert (oos["predicted_out_of_scope"], oos["predicted_nlu_fallback"]) == (1, 1)
    assert oos["by_source"] == {
        "clinc_in_domain": {"total": 2, "polite": 1, "share": 0.5},
        "clinc_oos": {"total": 2, "polite": 1, "share": 0.5},
    }
    assert oos["wrong_intents"] == [
        {"intent": "ask_price", "count": 1, "examples": ["what is a dow"]},
        {"intent": "ask_product_info", "count": 1, "examples": ["set a timer"]},
    ]


def fake_clinc() -> dict:
    return {
        "oos_test": [[f"random question number {i}", "oos"] for i in range(10)]
        + [["who sells paper plates", "oos"], ["what is a good laptop for gaming", "oos"]],
        "test": [[f"weather {i}", "weather"] for i in range(5)]
        + [[f"timer [{i}]", "timer"] for i in range(5)]
        + [[f"where is my package {i}", "order_status"] for i in range(5)]
        + [[f"pay my bill {i}", "pay_bill"] for i in range(5)]
        + [[f"add milk {i}", "shopping_list"] for i in range(5)]
        + [["is it raining in the store", "weather"], [OOS_SENTINEL[1], "greeting"]],
    }


def test_clinc_sample_is_deterministic_spread_and_leaves_out_shop_talk():
    sample, dropped = sample_clinc(fake_clinc(), 4)
    assert sample == sample_clinc(fake_clinc(), 4)[0]
    oos = [text for text, label in sample if label == "oos"]
    assert oos == [f"random question number {i}" for i in (0, 2, 5, 7)]  # every k-th of 10
    in_domain = [(text, label) for text, label in sample if label != "oos"]
    # round robin over the allowed intents (sorted), mark-up characters removed
    assert in_domain == [("timer 0", "timer"), ("weather 0", "weather"), ("timer 1", "timer"), ("weather 1", "weather")]
    assert dropped == 3  # "who sells", "a good laptop for gaming", "in the store"
    big, _ = sample_clinc(fake_clinc(), 100)
    labels = {label for _, label in big}
    assert labels == {"oos", "weather", "timer"}
    assert OOS_SENTINEL[1] not in {text for text, _ in big}
    assert sample_clinc(fake_clinc(), 0) == ([], 0)


def test_shop_talk_filter():
    assert is_shop_talk("can you tell me who sells dixie paper plates")
    assert is_shop_talk("what is the best reviewed laptop available on the market")
    assert is_shop_talk("i need a laptop with 16gb of ram")
    assert not is_shop_talk("make a reminder to pay the mortgage")  # bills: not the shop's business
    assert not is_shop_talk("book a flight to paris and a return on may 9")
    assert not is_shop_talk("delete the contact uncle john from my phone")
    assert not is_shop_talk("make a list of goals i need to meet in order to write a book")


def test_unrelated_intents_leave_out_shopping_and_our_own_small_talk():
    chosen = set(unrelated_intents())
    assert not [intent for intent in chosen if SHOPPING_INTENT_NAME.search(intent)]
    shopping_or_ours = {
        "order", "order_status", "shopping_list", "shopping_list_update", "pay_bill", "bill_balance", "bill_due",
        "min_payment", "card_declined", "transactions", "spending_history", "exchange_rate", "international_fees",
        "insurance", "taxes", "redeem_rewards", "greeting", "goodbye", "thank_you", "are_you_a_bot", "yes", "no",
        "cancel", "what_can_i_ask_you",
    }  # fmt: skip
    assert not chosen & shopping_or_ours
    assert sum(len(group) for group in CLINC_UNRELATED_INTENTS.values()) == len(chosen)  # no duplicates


@pytest.mark.skipif(not DEFAULT_CLINC_PATH.is_file(), reason="CLINC150 data not present")
def test_unrelated_intents_exist_in_clinc150():
    clinc_intents = {intent for _, intent in json.loads(DEFAULT_CLINC_PATH.read_text())["test"]}
    assert set(unrelated_intents()) <= clinc_intents


def test_oos_nlu_file_has_two_intents_and_no_markup():
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(oos_nlu_yaml(["what's [the] weather (today)", "tell me a joke"]))
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["out_of_scope", OOS_SENTINEL[0]]
    assert data["nlu"][0]["examples"].splitlines() == ["- what's the weather today", "- tell me a joke"]


def make_model(folder: Path, threshold: float | None = 0.4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nodes = {"run_DIETClassifier5": {"config": {"epochs": 100}}}
    if threshold is not None:
        nodes["run_FallbackClassifier8"] = {"config": {"threshold": threshold, "ambiguity_threshold": 0.1}}
    metadata = json.dumps({"predict_schema": {"nodes": nodes}}).encode()
    path = folder / "20260101-000000-test.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    return path


def test_fallback_threshold_comes_from_the_model(tmp_path):
    assert fallback_threshold(make_model(tmp_path / "a", 0.55)) == 0.55
    assert fallback_threshold(make_model(tmp_path / "b", None)) is None


FAKE_RASA = """#!{python}
import json, sys
from pathlib import Path
args = sys.argv[1:]
nlu, out = Path(args[args.index("--nlu") + 1]), Path(args[args.index("--out") + 1])
assert args[:2] == ["test", "nlu"] and "--no-plot" in args and "--successes" in args, args
print("progress 100%|##########| 600/600")
if {fail}:
    print("rasa exploded: bad things happened")
    sys.exit(1)
out.mkdir(parents=True, exist_ok=True)
texts = [line.strip()[2:] for line in nlu.read_text().splitlines() if line.startswith("    - ")]
def pred(text, name, confidence):
    return {{"text": text, "intent": "x", "intent_prediction": {{"name": name, "confidence": confidence}}}}
rows = [pred(t, "ask_price" if "weather" in t else "out_of_scope", 0.9) for t in texts]
(out / "intent_report.json").write_text(json.dumps({{"out_of_scope": {{"f1-score": 0.5, "support": 1}}}}))
(out / "intent_successes.json").write_text(json.dumps(rows))
"""


def fake_setup(tmp_path: Path, fail: bool = False, model: bool = True) -> Settings:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    rasa = venv / "bin" / "rasa"
    rasa.write_text(FAKE_RASA.format(python=sys.executable, fail=fail))
    rasa.chmod(0o755)
    if model:
        make_model(tmp_path / "var" / "rasa-models")
    return Settings(var_dir=tmp_path / "var", rasa_venv=venv)


def test_full_run_with_a_stand_in_for_rasa(tmp_path):
    settings = fake_setup(tmp_path)
    clinc = tmp_path / "clinc.json"
    clinc.write_text(json.dumps(fake_clinc()))
    out = tmp_path / "results"
    result = run_nlu_eval(settings, HELD_OUT, out, oos_limit=4, clinc_path=clinc)
    assert result["model"] == "20260101-000000-test.tar.gz" and result["fallback_threshold"] == 0.4
    assert result["oos"]["total"] == 8  # the sentinel is not counted
    assert result["oos"]["polite"] == 6  # the two "weather" utterances went to ask_price
    assert json.loads((out / "nlu_eval.json").read_text())["oos"]["polite"] == 6
    assert (out / "held_out" / "intent_report.json").is_file()
    text = format_nlu_report(result)
    assert "OOS polite share" in text and "0.750" in text and "BELOW TARGET" in text


def test_rasa_failure_shows_the_end_of_its_output(tmp_path):
    settings = fake_setup(tmp_path, fail=True)
    with pytest.raises(NluEvalError, match="exit code 1") as error:
        run_nlu_eval(settings, HELD_OUT, tmp_path / "out", oos_limit=0)
    assert "rasa exploded" in str(error.value) and "100%|" not in str(error.value)


def test_no_model_says_run_make_train(tmp_path):
    settings = fake_setup(tmp_path, model=False)
    with pytest.raises(NluEvalError, match="run `make train` first"):
        run_nlu_eval(settings, HELD_OUT, tmp_path / "out")


def test_missing_rasa_says_how_to_fix(tmp_path):
    make_model(tmp_path / "var" / "rasa-models")
    settings = Settings(var_dir=tmp_path / "var", rasa_venv=tmp_path / "nowhere")
    with pytest.raises(NluEvalError, match="make setup"):
        run_nlu_eval(settings, HELD_OUT, tmp_path / "out")


def result_for_format() -> dict:
    return {
        "model": "m.tar.gz",
        "examples": 30,
        "intent_macro_f1": 0.95,
        "entity_macro_f1": 0.7,
        "fallback_threshold": 0.4,
        "held_out_fallbacks": [{"text": "hm", "intent": "greet", "confidence": 0.3}],
        "per_intent_f1": {f"intent_{i}": 0.5 + i / 20 for i in range(8)},
        "intent_confusions": {"intent_0": {"intent_7": 2}},
        "per_entity_f1": {"product": 0.98, "customer_name": 0.0},
        "misclassified": [
            {"text": f"example {i}", "intent": "a", "predicted": "b", "confidence": 0.5} for i in range(12)
        ],
        "entity_errors": [
            {
                "text": "hey, Daniel here",
                "expected": [{"start": 5, "end": 11, "entity": "customer_name"}],
                "predicted": [],
            }
        ],
        "oos": None,
    }


def test_report_table_shows_targets_worst_intents_and_ten_examples():
    text = format_nlu_report(result_for_format())
    assert re.search(r"intent macro-F1\s+0\.950\s+≥ 0\.90\s+ok", text)
    assert re.search(r"entity macro-F1\s+0\.700\s+≥ 0\.85\s+BELOW TARGET", text)
    assert re.search(r"OOS polite share\s+n/a\s+≥ 0\.90\s+skipped", text)
    worst = text.split("worst intents")[1].split("\n\n")[0]
    assert [f"intent_{i}" for i in range(5)] == re.findall(r"^\s+(intent_\d)", worst, re.MULTILINE)
    assert "intent_7 2" in worst
    assert "misclassified (10 of 12)" in text and "example 9" in text and "example 10" not in text
    assert "customer_name='Daniel'" in text


def test_held_out_file_covers_every_intent_with_fresh_examples():
    yaml = pytest.importorskip("yaml")

    def load(paths: list[Path], key: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in paths:
            for block in yaml.safe_load(path.read_text()).get(key) or []:
                if isinstance(block, dict) and "intent" in block:
                    found.setdefault(block["intent"], []).extend(
                        line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")
                    )
        return found

    domain = [yaml.safe_load(p.read_text()) for p in sorted((PROJECT_ROOT / "bot" / "domain").glob("*.yml"))]
    intents = {i for d in domain for i in d.get("intents") or []} - {"nlu_fallback"}
    entities = {e for d in domain for e in d.get("entities") or []}
    held_out = load([HELD_OUT], "nlu")
    assert set(held_out) == intents
    assert all(len(examples) >= 8 for examples in held_out.values()), {k: len(v) for k, v in held_out.items()}

    annotated = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
    used = {m.group(2) for examples in held_out.values() for e in examples for m in annotated.finditer(e)}
    assert used == entities  # every entity of the domain is tested, with the domain's names

    def plain(text: str) -> str:
        return annotated.sub(r"\1", text).lower().strip(" ?!.")

    training = load(sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")), "nlu")
    seen = {plain(e) for examples in training.values() for e in examples}
    assert not [e for examples in held_out.values() for e in examples if plain(e) in seen]


def test_module_uses_the_standard_library_only():
    source = Path(nlu_eval.__file__).read_text()
    imports = set(re.findall(r"^(?:from|import) (\w+)", source, re.MULTILINE))
    assert imports <= {"__future__", "json", "os", "re", "subprocess", "tarfile", "tempfile", "collections",
                       "pathlib", "typing", "bot", "config"}  # fmt: skip
