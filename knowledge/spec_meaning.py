"""Which spec a question asks about, by meaning: the fallback when the word rules can't tell.

Customers ask in their own words ("what spin speeds can it do?", "what wattage is the heater?", "how loud is
it?") and shops name their specs in theirs (`spin_speed_rpm`, `power_w`, `noise_db`). The word rules of
`knowledge.text.find_spec_query` read most questions; for the rest, the question and each key (its words and its
unit spelled out), and price and stock, are compared by the same sentence embeddings the catalogue is searched
with. Only a clear winner counts: a question about something the catalogue doesn't record ("does it have
bluetooth?") must still get "our catalogue doesn't list that".
"""

from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.catalog import UNITS

# How close the closest key must be, and by how much closer than the next (set on the tuning shops' questions
# about specs said in other words, and on questions about things no key records, which stay below these).
SPEC_SIMILARITY = 0.4
SPEC_MARGIN = 0.07


def spec_phrase(key: str) -> str:
    """ "spin_speed_rpm" -> "spin speed in revolutions per minute"."""
    words = key.lower().split("_")
    if len(words) > 1 and words[-1] in UNITS:
        return f"{' '.join(words[:-1])} in {UNITS[words[-1]][1]}"
    return " ".join(words)


# What a question may ask besides a spec: a spec wins only when it is closer than these too.
OTHER_ASKS = {"price": "the price, how much it costs", "stock": "in stock, available to buy now"}


def closest_spec(question: str, keys: list[str], embeddings: Embeddings) -> str | None:
    """The spec key the question means, when it is clearly the closest of the keys and of price and stock;
    None otherwise (price and stock are the word rules' to read). Queries are cached by the embeddings, so
    each key is embedded once."""
    keys = [k for k in dict.fromkeys(keys) if k not in OTHER_ASKS]
    if not keys or not question.strip():
        return None
    phrases = [spec_phrase(k) for k in keys] + list(OTHER_ASKS.values())
    vectors = _unit_rows(np.array([embeddings.embed_query(p) for p in phrases], dtype=np.float32))
    similarities = vectors @ _unit_rows(np.array([embeddings.embed_query(question)], dtype=np.float32))[0]
    order = np.argsort(-similarities)
    best, runner_up = float(similarities[order[0]]), float(similarities[order[1]])
    if order[0] >= len(keys) or best < SPEC_SIMILARITY or best - runner_up < SPEC_MARGIN:
        return None
    return keys[int(order[0])]


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
