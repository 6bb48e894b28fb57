"""Purchase-intent score: interpretable conversation features and a logistic regression over them.

The trained model is a small JSON file (feature names, weights, intercept), so the action server
scores a conversation with plain arithmetic; scikit-learn is only needed to train.
Every feature lies in 0..1 (sentiment in -1..1), so the weights can be compared with each other.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.settings import PROJECT_ROOT

DEFAULT_DATA = PROJECT_ROOT / "data" / "intent_score" / "conversations.jsonl"

# How far along a sale a stage is; an objection is raised about a recommendation, so it ranks with it.
# A hand-off says nothing about buying (it can be a complaint) and does not count.
STAGE_RANK = {"greeting": 0, "discovery": 1, "recommendation": 2, "objection": 2, "closing": 3, "follow_up": 3}
MAX_RANK = 3

PRICE = re.compile(
    r"\b(how much|prices?|pricing|priced|costs?|cheap(er|est)?|expensive|afford(able)?|discounts?|deals?|"
    r"bucks|euros?|dollars?|eur|usd)\b|[€$£]"
)
STOCK = re.compile(
    r"\b(in stock|stock|available|availability|sold out|deliver(y|ed)?|ship(s|ping|ped)?|dispatch(ed)?|"
    r"arrive|how (soon|fast|long) (can|will|does|would)|when can i (get|have))\b"
)
BUYING = re.compile(
    r"\b(buy(ing)?|purchase|order( it| one| this| that)?|check ?out|add (it |this |that )?to (my |the )?(cart|basket)|"
    r"i'?ll take|take it|pay (with|by|for)|paypal|credit card|invoice|reserve|sign me up|i want (it|this|that|one))\b"
)
HESITATION = re.compile(
    r"\b(just (browsing|looking)|window shopping|maybe later|not (sure|now|today|ready)|think about it|"
    r"sleep on it|too (expensive|pricey|much)|cheaper elsewhere|other shops?|no rush|some other time)\b"
)
POSITIVE = frozenset(
    "great perfect awesome nice love lovely excellent good thanks thank cool amazing helpful exactly brilliant "
    "fantastic wonderful happy glad ideal superb neat".split()
)
NEGATIVE = frozenset(
    "bad terrible awful useless hate annoying worst disappointed disappointing poor rubbish waste stupid "
    "broken angry ridiculous horrible overpriced meh confusing wrong".split()
)
NEGATIONS = frozenset("not no never dont don't isn't isnt wasn't wasnt".split())

FEATURES = (
    "stage_reached",
    "budget_stated",
    "price_questions",
    "stock_questions",
    "buying_phrases",
    "hesitation",
    "engagement",
    "sentiment",
)


class IntentScoreError(ValueError):
    pass


@dataclass(frozen=True)
class Conversation:
    """What the score looks at: the customer's messages, the sales stages seen, and whether a budget was given."""

    user_messages: list[str]
    stages: list[str] = field(default_factory=list)
    budget_stated: bool = False

    @classmethod
    def from_events(cls, events: Iterable[dict[str, Any]], budget: Any) -> Conversation:
        """Build from Rasa tracker events (the current session only) and the budget slot."""
        messages: list[str] = []
        stages: list[str] = []
        for event in events:
            kind = event.get("event")
            if kind == "session_started":
                messages, stages = [], []
            elif kind == "user" and event.get("text") and not str(event["text"]).startswith("/"):
                messages.append(str(event["text"]))
            elif kind == "slot" and event.get("name") == "sales_stage" and event.get("value"):
                stages.append(str(event["value"]))
        return cls(messages, stages, budget not in (None, ""))


def furthest_stage(stages: Sequence[str]) -> str | None:
    """The most advanced sales stage reached (first one wins a tie), or None if no ranked stage was seen."""
    ranked = [s for s in stages if s in STAGE_RANK]
    return max(ranked, key=lambda s: STAGE_RANK[s]) if ranked else None


def _count(pattern: re.Pattern[str], messages: list[str]) -> int:
    return sum(1 for m in messages if pattern.search(m))


def polar_words(text: str, more_negative: frozenset[str] = frozenset()) -> Iterator[tuple[str, bool]]:
    """Each lexicon word of `text` with whether it counts as positive; a negation flips the next word."""
    negated = False
    for word in re.findall(r"[a-z']+", text.lower()):
        if word in NEGATIONS:
            negated = True
            continue
        if word in POSITIVE or word in NEGATIVE or word in more_negative:
            yield word, (word in POSITIVE) != negated
        negated = False


def _sentiment(messages: list[str]) -> float:
    """Lexicon sentiment in -1..1: (positive - negative) / (positive + negative)."""
    polarities = [positive for message in messages for _, positive in polar_words(message)]
    positive = sum(polarities)
    negative = len(polarities) - positive
    total = positive + negative
    return (positive - negative) / total if total else 0.0


def extract_features(conversation: Conversation) -> dict[str, float]:
    messages = [m.lower() for m in conversation.user_messages]
    stage = furthest_stage(conversation.stages)
    return {
        "stage_reached": STAGE_RANK[stage] / MAX_RANK if stage else 0.0,
        "budget_stated": 1.0 if conversation.budget_stated else 0.0,
        "price_questions": min(_count(PRICE, messages), 3) / 3,
        "stock_questions": min(_count(STOCK, messages), 3) / 3,
        "buying_phrases": min(_count(BUYING, messages), 2) / 2,
        "hesitation": min(_count(HESITATION, messages), 2) / 2,
        "engagement": min(math.log1p(len(messages)) / math.log1p(20), 1.0),
        "sentiment": _sentiment(messages),
    }


@dataclass(frozen=True)
class IntentModel:
    weights: dict[str, float]
    intercept: float

    def score(self, features: dict[str, float]) -> float:
        """Probability (0..1) that the conversation ends in a purchase."""
        z = self.intercept + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1 / (1 + math.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.weights), "weights": self.weights, "intercept": self.intercept}

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        try:
            data = json.loads(path.read_text())
            weights = {name: float(data["weights"][name]) for name in data["features"]}
            return cls(weights, float(data["intercept"]))
        except FileNotFoundError as exc:
            raise IntentScoreError(f"{path}: no intent-score model; train one with `salesbot score train`") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise IntentScoreError(f"{path}: not an intent-score model ({exc!r}); retrain it") from exc


def load_examples(path: Path) -> list[tuple[dict[str, float], int]]:
    """Labelled examples from JSONL. Each line holds `label` (1 bought, 0 did not) and either a conversation
    (`user_messages`, optional `stages` and `budget_stated`) or ready-made `features` (missing ones count as 0)."""
    examples = []
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise IntentScoreError(f"cannot read training data {path}: {exc.strerror}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label = row["label"]
            if label not in (0, 1):
                raise ValueError(f"label must be 0 or 1, not {label!r}")
            if "features" in row:
                features = {name: float(row["features"].get(name, 0.0)) for name in FEATURES}
            else:
                conversation = Conversation(
                    [str(m) for m in row["user_messages"]],
                    [str(s) for s in row.get("stages", [])],
                    bool(row.get("budget_stated", False)),
                )
                features = extract_features(conversation)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IntentScoreError(f"{path}, line {number}: {exc}") from exc
        examples.append((features, int(label)))
    if not examples:
        raise IntentScoreError(f"{path}: no examples")
    return examples


@dataclass(frozen=True)
class TrainingReport:
    model: IntentModel
    auc: float  # ROC AUC on the held-out split, never seen in training
    n_train: int
    n_test: int


def train(examples: list[tuple[dict[str, float], int]], test_fraction: float = 0.25, seed: int = 42) -> TrainingReport:
    """Fit on a stratified split and report the AUC on the held-out part; the saved model is the one evaluated."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    by_label: dict[int, list[dict[str, float]]] = {0: [], 1: []}
    for features, label in examples:
        by_label[label].append(features)
    if min(len(v) for v in by_label.values()) < 4:
        raise IntentScoreError("need at least 4 examples of each label (bought and not bought) to train and test")
    rng = random.Random(seed)
    train_rows: list[tuple[dict[str, float], int]] = []
    test_rows: list[tuple[dict[str, float], int]] = []
    for label, rows in by_label.items():
        shuffled = rows[:]
        rng.shuffle(shuffled)
        cut = max(2, round(len(shuffled) * test_fraction))
        test_rows += [(f, label) for f in shuffled[:cut]]
        train_rows += [(f, label) for f in shuffled[cut:]]

    def matrix(rows: list[tuple[dict[str, float], int]]) -> tuple[list[list[float]], list[int]]:
        return [[f[name] for name in FEATURES] for f, _ in rows], [label for _, label in rows]

    x_train, y_train = matrix(train_rows)
    x_test, y_test = matrix(test_rows)
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit(x_train, y_train)
    model = IntentModel(
        {name: round(float(w), 4) for name, w in zip(FEATURES, fitted.coef_[0], strict=True)},
        round(float(fitted.intercept_[0]), 4),
    )
    auc = float(roc_auc_score(y_test, [model.score(dict(zip(FEATURES, row, strict=True))) for row in x_test]))
    return TrainingReport(model, auc, len(train_rows), len(test_rows))


def save_model(report: TrainingReport, path: Path, sources: list[str]) -> None:
    data = {
        **report.model.to_dict(),
        "held_out_auc": round(report.auc, 4),
        "n_train": report.n_train,
        "n_test": report.n_test,
        "trained_on": sources,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
