import json

import pytest

from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.evaluation import QuestionSetError, evaluate, load_questions
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings


def write_questions(tmp_path, rows):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_bad_question_lines_are_reported_with_their_line(tmp_path):
    path = write_questions(tmp_path, [{"id": "a", "type": "lookup", "route": "nowhere", "question": "x"}])
    with pytest.raises(QuestionSetError, match="line 1: route 'nowhere'"):
        load_questions(path)
    path = write_questions(tmp_path, [{"id": "a", "type": "lookup", "route": "policy", "question": "x", "typo": 1}])
    with pytest.raises(QuestionSetError, match="unknown keys"):
        load_questions(path)


def test_metrics_count_hits_and_misses(tmp_path, catalog_file):
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    questions = load_questions(
        write_questions(
            tmp_path,
            [
                {
                    "id": "1",
                    "type": "lookup",
                    "route": "product_question",
                    "question": "price of the lumen air 13",
                    "expected_skus": ["L1"],
                    "expected_facts": ["999.00 EUR"],
                },
                {
                    "id": "2",
                    "type": "lookup",
                    "route": "product_question",
                    "question": "price of the corvid blade 16",
                    "expected_facts": ["1,999.00 EUR"],
                },  # wrong on purpose: the catalogue says 1,899.00 EUR
                {
                    "id": "3",
                    "type": "unanswerable",
                    "route": "product_question",
                    "question": "do you sell the PS5?",
                    "must_refuse": True,
                },
            ],
        )
    )
    report = evaluate(engine, questions)
    metrics = report.metrics()
    assert metrics["recall_at_5"] == 1.0
    assert metrics["fact_accuracy"] == 0.5
    assert metrics["correct_refusals"] == 1.0
    assert metrics["invented_per_100"] == 0
    assert [line.split(":")[0] for line in report.failures()] == ["2"]
