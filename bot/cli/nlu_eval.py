"""NLU evaluation: held-out intent and entity scores, and an out-of-scope check on CLINC150.

Standard library only. It runs in the action-server environment and calls `rasa test nlu` of
the Rasa environment as a subprocess (like `bot.cli.supervisor` does), then reads the reports that
Rasa 3.6 writes into the output folder:

- `intent_report.json`: scikit-learn's classification report per intent (`precision`, `recall`,
  `f1-score`, `support`, `confused_with`) plus `accuracy`/`micro avg`, `macro avg`, `weighted avg`;
- `<Extractor>_report.json` (e.g. `DIETClassifier_report.json`, `RegexEntityExtractor_report.json`):
  the same per entity label, token-level, `no_entity` excluded by Rasa;
- `intent_errors.json` / `intent_successes.json`: `{"text", "intent", "intent_prediction": {"name",
  "confidence"}}` per example; `<Extractor>_errors.json`: `{"text", "entities", "predicted_entities"}`.

`rasa test nlu` undoes the FallbackClassifier's `nlu_fallback` prediction and reports the intent
underneath, with its confidence. At run time that message would get the polite "didn't understand"
reply, so the out-of-scope check counts a prediction whose confidence is below the model's fallback
`threshold` (read from the model's metadata) as `nlu_fallback`. The `ambiguity_threshold` rule
needs the second-best intent, which Rasa's reports do not contain, so the polite share is a lower
bound.

The out-of-scope set comes from CLINC150 (Larson et al., "An Evaluation Dataset for Intent
Classification and Out-of-Scope Prediction", EMNLP 2019; https://github.com/clinc/oos-eval,
CC BY 3.0): utterances of its out-of-scope test split, plus test utterances of CLINC intents that
have nothing to do with shopping (weather, travel, cooking, banking, ...). Utterances that talk
about buying, orders, shipping, returns, payments or prices are left out, because a shop assistant
may legitimately answer them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bot.cli import supervisor
from config.settings import PROJECT_ROOT, Settings

DEFAULT_CLINC_PATH = PROJECT_ROOT / "data" / "eval" / "clinc150" / "test_splits.json"
TARGETS = {"intent_macro_f1": 0.90, "entity_macro_f1": 0.85, "oos_polite_share": 0.90}
POLITE_INTENTS = ("out_of_scope", "nlu_fallback")  # the replies that are not a product pitch
RASA_TIMEOUT_S = 1800
PROGRESS_BAR = re.compile(r"\d+%\|.*\|")
REPORT_AGGREGATES = {"accuracy", "micro avg", "macro avg", "weighted avg", "samples avg"}
NO_ENTITY = "no_entity"
# `rasa test nlu` evaluates intents only when the test file has two or more of them, so the
# out-of-scope file carries this one extra example, which is left out of the figures.
OOS_SENTINEL = ("greet", "hello there")

# CLINC150 intents that a shop assistant should decline, grouped by topic. Left out on purpose:
# anything about orders, shopping lists, bills, payments, cards, transactions, prices, exchange
# rates, fees, insurance and taxes (a shop may answer those), the meta intents (yes, no, cancel,
# repeat, ...) and the small talk our domain has its own intents for (greeting, goodbye, thank_you,
# are_you_a_bot, who_made_you, what_is_your_name, what_can_i_ask_you).
CLINC_UNRELATED_INTENTS: dict[str, tuple[str, ...]] = {
    "banking": ("balance", "freeze_account", "interest_rate", "routing", "pin_change", "account_blocked"),
    "credit": ("credit_score", "improve_credit_score"),
    "cooking_and_dining": (
        "recipe",
        "cook_time",
        "calories",
        "nutrition_info",
        "ingredient_substitution",
        "ingredients_list",
        "food_last",
        "meal_suggestion",
        "restaurant_reviews",
        "restaurant_suggestion",
        "restaurant_reservation",
        "accept_reservations",
        "how_busy",
    ),
    "home_and_music": (
        "todo_list",
        "todo_list_update",
        "calendar",
        "calendar_update",
        "reminder",
        "reminder_update",
        "smart_home",
        "play_music",
        "next_song",
        "update_playlist",
        "what_song",
    ),
    "car_and_commute": (
        "traffic",
        "directions",
        "distance",
        "gas",
        "gas_type",
        "mpg",
        "oil_change_when",
        "oil_change_how",
        "jump_start",
        "uber",
        "schedule_maintenance",
        "last_maintenance",
        "tire_pressure",
        "tire_change",
    ),
    "travel": (
        "book_flight",
        "book_hotel",
        "car_rental",
        "travel_suggestion",
        "travel_alert",
        "travel_notification",
        "carry_on",
        "timezone",
        "vaccines",
        "flight_status",
        "international_visa",
        "lost_luggage",
    ),
    "utility": (
        "weather",
        "time",
        "date",
        "timer",
        "alarm",
        "calculator",
        "measurement_conversion",
        "spelling",
        "definition",
        "flip_coin",
        "roll_dice",
        "share_location",
        "current_location",
        "make_call",
        "text",
        "translate",
    ),
    "work": (
        "pto_request",
        "pto_balance",
        "pto_used",
        "pto_request_status",
        "meeting_schedule",
        "schedule_meeting",
        "next_holiday",
        "rollover_401k",
        "w2",
    ),
    "small_talk": (
        "tell_joke",
        "fun_fact",
        "meaning_of_life",
        "do_you_have_pets",
        "what_are_your_hobbies",
        "how_old_are_you",
        "where_are_you_from",
    ),
}
# Safety net over intent names: none of these may ever be sampled as "out of scope".
SHOPPING_INTENT_NAME = re.compile(
    r"order|shop|pay|bill|card|price|cost|purchase|buy|refund|return|transaction|spending|reward"
    r"|fee|exchange|insurance|tax|checks|income|deposit"
)
# Utterances a shop may legitimately answer (buying, prices, orders, delivery), whatever CLINC
# calls them. "pay" and "return" are not in the list: in the sampled intents they are about bills
# and return flights, which a shop assistant should decline.
SHOP_TALK = re.compile(
    r"\b(buy\w*|bought|purchas\w*|sell\w*|sold|shop\w*|stores?|(?<!in )order\w*|ship\w*|deliver\w*"
    r"|refund\w*|warrant\w*|guarantee\w*|discount\w*|coupon\w*|deals?|price\w*|cost\w*|cheap\w*|expensive"
    r"|for sale|on the market)\b",
    re.IGNORECASE,
)
# ... and questions about the kind of products a shop like ours sells ("what is a good laptop for
# gaming", "the highest-rated android phones"): a recommendation is the right answer there.
SHOP_PRODUCT = re.compile(
    r"\b(laptops?|notebooks?|computers?|pcs?|(smart)?phones?|iphones?|androids?|headphones?|earbuds?|headsets?"
    r"|monitors?|tablets?|ipads?|tvs?|televisions?|cameras?)\b",
    re.IGNORECASE,
)
SHOP_CUE = re.compile(
    r"\b(best|good|top|highest|\w+-rated|rated|reviewed|recommend\w*|suggest\w*|compare\w*|which|need an?"
    r"|want an?|how much is)\b",
    re.IGNORECASE,
)


class NluEvalError(RuntimeError):
    """The evaluation could not run: no model, no Rasa, bad input, or Rasa failed."""


# --------------------------------------------------------------------------- public API


def run_nlu_eval(
    settings: Settings,
    test_file: Path,
    out_dir: Path,
    oos_limit: int = 300,
    *,
    clinc_path: Path = DEFAULT_CLINC_PATH,
) -> dict:
    """Evaluate the latest trained model on `test_file` and on a CLINC150 out-of-scope sample.

    Rasa's reports go to `out_dir/held_out` and `out_dir/oos`; the returned summary is also
    written to `out_dir/nlu_eval.json`. `oos_limit` utterances are taken from CLINC's
    out-of-scope test split and as many from unrelated in-domain intents; 0 skips the check.
    """
    test_file = Path(test_file)
    out_dir = Path(out_dir)
    if not test_file.is_file():
        raise NluEvalError(f"NLU test file not found: {test_file}")
    model = latest_model(settings)
    threshold = fallback_threshold(model)
    sample, dropped = sample_clinc(load_clinc(clinc_path), oos_limit) if oos_limit > 0 else ([], 0)

    held_out_dir = out_dir / "held_out"
    _run_rasa_test(settings, test_file, held_out_dir)
    result: dict[str, Any] = {
        "model": model.name,
        "test_file": str(test_file),
        "out_dir": str(out_dir),
        "targets": dict(TARGETS),
        "fallback_threshold": threshold,
    }
    result.update(parse_held_out_reports(held_out_dir, threshold))

    result["oos"] = None
    if oos_limit > 0:
        oos_dir = out_dir / "oos"
        with tempfile.TemporaryDirectory(prefix="salesbot-oos-") as tmp:
            nlu_file = Path(tmp) / "clinc_out_of_scope.yml"
            nlu_file.write_text(oos_nlu_yaml(text for text, _ in sample), encoding="utf-8")
            _run_rasa_test(settings, nlu_file, oos_dir)
        result["oos"] = parse_oos_reports(oos_dir, sample, threshold)
        result["oos"]["dropped_as_shop_talk"] = dropped
        result["oos"]["source"] = str(clinc_path)

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "nlu_eval.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return result


def format_nlu_report(result: dict) -> str:
    """A compact text table: the three headline figures against their targets, the worst
    intents, misclassified examples, entity errors and what the out-of-scope check got wrong."""
    targets = {**TARGETS, **result.get("targets", {})}
    oos = result.get("oos")
    lines = [f"NLU evaluation of {result.get('model', '?')} on {result.get('examples', '?')} held-out examples", ""]
    lines.append(f"{'metric':<22}{'value':>8}{'target':>9}  result")

    def row(label: str, value: float | None, target: float, extra: str = "") -> None:
        if value is None:
            lines.append(f"{label:<22}{'n/a':>8}{'≥ ' + format(target, '.2f'):>9}  skipped{extra}")
            return
        verdict = "ok" if value >= target else "BELOW TARGET"
        lines.append(f"{label:<22}{value:>8.3f}{'≥ ' + format(target, '.2f'):>9}  {verdict}{extra}")

    row("intent macro-F1", result.get("intent_macro_f1"), targets["intent_macro_f1"])
    row("entity macro-F1", result.get("entity_macro_f1"), targets["entity_macro_f1"])
    if oos:
        parts = ", ".join(f"{name} {s['share']:.2f}" for name, s in oos.get("by_source", {}).items())
        extra = f"  ({oos['polite']}/{oos['total']}; {parts})" if parts else f"  ({oos['polite']}/{oos['total']})"
        row("OOS polite share", oos.get("polite_share"), targets["oos_polite_share"], extra)
    else:
        row("OOS polite share", None, targets["oos_polite_share"])

    fallbacks = result.get("held_out_fallbacks") or []
    if result.get("fallback_threshold") is not None:
        lines.append(
            f"held-out examples below the fallback threshold {result['fallback_threshold']:.2f}: {len(fallbacks)}"
        )

    per_intent = result.get("per_intent_f1") or {}
    if per_intent:
        lines += ["", "worst intents (F1, confused with):"]
        confusions = result.get("intent_confusions") or {}
        for intent, f1 in sorted(per_intent.items(), key=lambda kv: (kv[1], kv[0]))[:5]:
            confused = ", ".join(f"{k} {v}" for k, v in (confusions.get(intent) or {}).items())
            lines.append(f"  {intent:<20}{f1:>6.3f}  {confused}")

    per_entity = result.get("per_entity_f1") or {}
    if per_entity:
        lines += ["", "entity F1: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(per_entity.items()))]

    missed = result.get("misclassified") or []
    if missed:
        lines += ["", f"misclassified ({min(10, len(missed))} of {len(missed)}):"]
        for item in missed[:10]:
            lines.append(
                f"  {_clip(item['text'])!r}: {item['intent']} -> {item['predicted']} ({item['confidence']:.2f})"
            )

    entity_errors = result.get("entity_errors") or []
    if entity_errors:
        lines += ["", f"entity errors ({min(5, len(entity_errors))} of {len(entity_errors)}):"]
        for item in entity_errors[:5]:
            lines.append(
                f"  {_clip(item['text'])!r}: expected {_entity_list(item['text'], item['expected'])}, "
                f"got {_entity_list(item['text'], item['predicted'])}"
            )

    if oos and oos.get("wrong_intents"):
        lines += ["", "out-of-scope utterances answered as (top 5):"]
        for wrong in oos["wrong_intents"][:5]:
            example = f"  e.g. {_clip(wrong['examples'][0])!r}" if wrong["examples"] else ""
            lines.append(f"  {wrong['intent']:<20}{wrong['count']:>4}{example}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- Rasa


def latest_model(settings: Settings) -> Path:
    """The model `rasa test nlu --model <dir>` uses: the newest .tar.gz in the models folder."""
    folder = supervisor.models_dir(settings)
    models = sorted(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    if not models:
        raise NluEvalError(f"No trained Rasa model in {folder}: run `make train` first.")
    return models[-1]


def fallback_threshold(model: Path) -> float | None:
    """The FallbackClassifier's `threshold` from the model's metadata; None without one."""
    try:
        with tarfile.open(model, "r:gz") as archive:
            member = next((m for m in archive.getmembers() if m.name.lstrip("/") == "metadata.json"), None)
            handle = archive.extractfile(member) if member else None
            metadata = json.load(handle) if handle else {}
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise NluEvalError(f"Cannot read the Rasa model {model}: {exc}") from exc
    nodes = (metadata.get("predict_schema") or {}).get("nodes") or {}
    for name, node in nodes.items():
        if "FallbackClassifier" in name:
            value = (node.get("config") or {}).get("threshold")
            return float(value) if value is not None else None
    return None


def rasa_test_command(settings: Settings, nlu_file: Path, out_dir: Path) -> list[str]:
    try:
        rasa = supervisor.rasa_executable(settings)
    except supervisor.StartupError as exc:
        raise NluEvalError(str(exc)) from exc
    return [
        str(rasa),
        "test",
        "nlu",
        "--nlu",
        str(nlu_file),
        "--model",
        str(supervisor.models_dir(settings)),
        "--domain",
        supervisor.RASA_PATHS["domain"],
        "--out",
        str(out_dir),
        "--no-plot",  # no confusion matrix or histogram images
        "--successes",  # every prediction's confidence, for the fallback threshold
    ]


def _run_rasa_test(settings: Settings, nlu_file: Path, out_dir: Path) -> None:
    command = rasa_test_command(settings, nlu_file, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):  # never read a report from an earlier run
        stale.unlink()
    try:
        completed = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **supervisor.rasa_env(settings)},
            capture_output=True,
            text=True,
            timeout=RASA_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise NluEvalError(f"`rasa test nlu` did not finish within {RASA_TIMEOUT_S}s") from exc
    output = (completed.stdout or "") + (completed.stderr or "")
    if completed.returncode != 0 or not (out_dir / "intent_report.json").is_file():
        problem = f"exit code {completed.returncode}" if completed.returncode else f"no intent report in {out_dir}"
        raise NluEvalError(f"`rasa test nlu` failed on {nlu_file} ({problem}). Last lines:\n{output_tail(output)}")


def output_tail(output: str, lines: int = 25) -> str:
    """The end of Rasa's output, without the progress bars."""
    kept = [line for line in output.splitlines() if line.strip() and not PROGRESS_BAR.search(line)]
    return "\n".join(kept[-lines:])


# --------------------------------------------------------------------------- reports


def read_json(path: Path, default: Any = None) -> Any:
    """A report file; `default` when Rasa did not write it (e.g. no errors at all)."""
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise NluEvalError(f"Unreadable Rasa report {path}: {exc}") from exc


def label_scores(report: dict, exclude: tuple[str, ...] = ()) -> dict[str, float]:
    """Per-label F1 of a scikit-learn/Rasa classification report, without the averages."""
    return {
        label: float(values["f1-score"])
        for label, values in report.items()
        if label not in REPORT_AGGREGATES and label not in exclude and isinstance(values, dict) and "f1-score" in values
    }


def macro(scores: dict[str, float]) -> float | None:
    return sum(scores.values()) / len(scores) if scores else None


def predictions(folder: Path) -> list[dict]:
    """Every intent prediction of a run: `{text, intent, predicted, confidence}`."""
    rows = read_json(folder / "intent_successes.json", []) + read_json(folder / "intent_errors.json", [])
    return [
        {
            "text": row["text"],
            "intent": row["intent"],
            "predicted": (row.get("intent_prediction") or {}).get("name"),
            "confidence": float((row.get("intent_prediction") or {}).get("confidence") or 0.0),
        }
        for row in rows
    ]


def runtime_intent(prediction: dict, threshold: float | None) -> str | None:
    """What the running bot would act on: `nlu_fallback` below the fallback threshold."""
    if threshold is not None and prediction["confidence"] < threshold:
        return "nlu_fallback"
    return prediction["predicted"]


def entity_reports(folder: Path) -> dict[str, dict]:
    """`{extractor: report}` for every `<Extractor>_report.json` Rasa wrote."""
    skip = {"intent_report.json", "response_selection_report.json"}
    return {
        path.name[: -len("_report.json")]: read_json(path, {})
        for path in sorted(folder.glob("*_report.json"))
        if path.name not in skip
    }


def parse_held_out_reports(folder: Path, threshold: float | None = None) -> dict:
    """Intent and entity figures of one `rasa test nlu` output folder."""
    intent_report = read_json(folder / "intent_report.json")
    if not isinstance(intent_report, dict):
        raise NluEvalError(f"No intent report in {folder}")
    per_intent = label_scores(intent_report)
    all_predictions = predictions(folder)

    # Rasa scores every extractor against every entity label. Each label is scored here with
    # the extractor that handles it best (DIET for products, the regex extractor for e-mail
    # addresses; both run in the pipeline), and an example is an entity error when that
    # extractor's entities differ from the annotation.
    by_extractor: dict[str, float | None] = {}
    per_entity: dict[str, float] = {}
    owner: dict[str, str] = {}
    for extractor, report in entity_reports(folder).items():
        scores = label_scores(report, exclude=(NO_ENTITY,))
        by_extractor[extractor] = macro(scores)
        for label, f1 in scores.items():
            if label not in per_entity or f1 > per_entity[label]:
                per_entity[label], owner[label] = f1, extractor
    entity_errors = collect_entity_errors(folder, owner)

    misclassified = sorted(
        (p for p in all_predictions if p["predicted"] != p["intent"]),
        key=lambda p: (-p["confidence"], p["intent"], p["text"]),
    )
    accuracy = intent_report.get("accuracy")
    if accuracy is None:
        accuracy = (intent_report.get("micro avg") or {}).get("f1-score")
    return {
        "examples": len(all_predictions) or sum(int(v.get("support", 0)) for v in _label_rows(intent_report)),
        "intent_macro_f1": macro(per_intent),
        "intent_accuracy": accuracy,
        "per_intent_f1": per_intent,
        "intent_confusions": {
            label: values.get("confused_with") or {}
            for label, values in intent_report.items()
            if label in per_intent and values.get("confused_with")
        },
        "entity_macro_f1": macro(per_entity),
        "per_entity_f1": per_entity,
        "entity_f1_by_extractor": by_extractor,
        "misclassified": misclassified,
        "entity_errors": entity_errors,
        "held_out_fallbacks": [
            {"text": p["text"], "intent": p["intent"], "confidence": p["confidence"]}
            for p in all_predictions
            if runtime_intent(p, threshold) == "nlu_fallback"
        ],
    }


def collect_entity_errors(folder: Path, owner: dict[str, str]) -> list[dict]:
    """Examples whose entities, as extracted by the extractor owning each label, are wrong."""

    def key(entity: dict) -> tuple:
        return entity.get("start"), entity.get("end"), entity.get("entity")

    errors: dict[str, dict] = {}
    for extractor in sorted(set(owner.values())):
        for row in read_json(folder / f"{extractor}_errors.json", []):
            expected = [e for e in row.get("entities") or [] if owner.get(e.get("entity")) == extractor]
            predicted = [
                e
                for e in row.get("predicted_entities") or []
                if e.get("extractor", extractor) == extractor and owner.get(e.get("entity"), extractor) == extractor
            ]
            if sorted(map(key, expected)) == sorted(map(key, predicted)):
                continue
            error = errors.setdefault(row["text"], {"text": row["text"], "expected": [], "predicted": []})
            error["expected"] += expected
            error["predicted"] += predicted
    return list(errors.values())


def parse_oos_reports(folder: Path, sample: list[tuple[str, str]], threshold: float | None) -> dict:
    """Share of out-of-scope utterances that get a polite reply, and what the others got."""
    source_of = {text: ("clinc_oos" if label == "oos" else "clinc_in_domain") for text, label in sample}
    rows = [row for row in predictions(folder) if row["text"] != OOS_SENTINEL[1]]
    wrong: dict[str, list[str]] = defaultdict(list)
    by_source: dict[str, Counter] = defaultdict(Counter)
    polite = fallback = predicted_oos = 0
    for row in rows:
        intent = runtime_intent(row, threshold)
        source = source_of.get(row["text"], "other")
        by_source[source]["total"] += 1
        if intent in POLITE_INTENTS:
            polite += 1
            by_source[source]["polite"] += 1
            fallback += intent == "nlu_fallback"
            predicted_oos += intent == "out_of_scope"
        else:
            wrong[intent or "none"].append(row["text"])
    total = len(rows)
    return {
        "sampled": len(sample),
        "total": total,
        "polite": polite,
        "polite_share": polite / total if total else None,
        "predicted_out_of_scope": predicted_oos,
        "predicted_nlu_fallback": fallback,
        "by_source": {
            name: {"total": c["total"], "polite": c["polite"], "share": c["polite"] / c["total"]}
            for name, c in sorted(by_source.items())
        },
        "wrong_intents": [
            {"intent": intent, "count": len(texts), "examples": texts[:5]}
            for intent, texts in sorted(wrong.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
    }


def _label_rows(report: dict) -> list[dict]:
    return [v for k, v in report.items() if k not in REPORT_AGGREGATES and isinstance(v, dict)]


# --------------------------------------------------------------------------- CLINC150


def load_clinc(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NluEvalError(f"Cannot read the CLINC150 data at {path}: {exc}") from exc
    if not isinstance(data, dict) or "oos_test" not in data or "test" not in data:
        raise NluEvalError(f"{path} is not CLINC150's data_full.json (needs the 'test' and 'oos_test' splits)")
    return data


def is_shop_talk(text: str) -> bool:
    """True for an utterance a shop assistant may legitimately answer with products or policies."""
    return bool(SHOP_TALK.search(text) or (SHOP_PRODUCT.search(text) and SHOP_CUE.search(text)))


def unrelated_intents() -> list[str]:
    return sorted({intent for group in CLINC_UNRELATED_INTENTS.values() for intent in group})


def clean_utterance(text: str) -> str:
    """One line, without the characters Rasa reads as entity mark-up."""
    return " ".join(re.sub(r"[\[\]{}()]", " ", text).split())


def _every_kth(items: list, limit: int) -> list:
    if len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def sample_clinc(data: dict, limit: int) -> tuple[list[tuple[str, str]], int]:
    """Up to `limit` utterances spread evenly over CLINC's out-of-scope test split, plus up to
    `limit` test utterances of unrelated intents, taken round-robin over the intents (sorted)
    in file order. Returns `[(text, clinc_label)]` and how many utterances were dropped as shop
    talk. Deterministic: same data, same sample."""
    if limit <= 0:
        return [], 0
    seen: set[str] = {OOS_SENTINEL[1]}
    dropped = 0

    def keep(text: str) -> str | None:
        nonlocal dropped
        text = clean_utterance(text)
        if not text or text.lower() in seen:
            return None
        if is_shop_talk(text):
            dropped += 1
            return None
        seen.add(text.lower())
        return text

    oos_candidates = [t for t in (keep(text) for text, _ in data["oos_test"]) if t]
    sample = [(text, "oos") for text in _every_kth(oos_candidates, limit)]

    allowed = {i for i in unrelated_intents() if not SHOPPING_INTENT_NAME.search(i)}
    per_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["test"]:
        if intent in allowed:
            kept = keep(text)
            if kept:
                per_intent[intent].append(kept)
    in_domain: list[tuple[str, str]] = []
    depth = 0
    while len(in_domain) < limit and any(len(v) > depth for v in per_intent.values()):
        for intent in sorted(per_intent):
            if depth < len(per_intent[intent]) and len(in_domain) < limit:
                in_domain.append((per_intent[intent][depth], intent))
        depth += 1
    return sample + in_domain, dropped


def oos_nlu_yaml(texts: Any) -> str:
    """A Rasa 3.1 NLU file with every text as an `out_of_scope` example (plus OOS_SENTINEL)."""
    lines = ['version: "3.1"', "nlu:", "- intent: out_of_scope", "  examples: |"]
    lines += [f"    - {clean_utterance(text)}" for text in texts if clean_utterance(text)]
    lines += [f"- intent: {OOS_SENTINEL[0]}", "  examples: |", f"    - {OOS_SENTINEL[1]}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- formatting


def _clip(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _entity_list(text: str, entities: list[dict]) -> str:
    """`label='words as written'` for each entity (the value may be a synonym's target)."""
    if not entities:
        return "none"
    parts = []
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        surface = text[start:end] if isinstance(start, int) and isinstance(end, int) else entity.get("value")
        parts.append(f"{entity.get('entity')}={surface!r}")
    return ", ".join(parts)
