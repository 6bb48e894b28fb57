"""Scripts for human reps: grounded in the sample catalogue and policies, checked by the fact gate."""

from __future__ import annotations

import pytest

from config.settings import PROJECT_ROOT
from knowledge import rep_scripts
from knowledge.catalog import format_price, load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings

CATALOG = {p.sku: p for p in load_catalog(PROJECT_ROOT / "data" / "catalog").products}


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> KnowledgeEngine:
    store = CatalogStore(make_client(str(tmp_path_factory.mktemp("chroma"))), "salesbot_scripts", HashEmbeddings())
    store.sync(load_catalog(PROJECT_ROOT / "data" / "catalog"))
    return KnowledgeEngine(store, ReplyWriter(None))


def test_a_script_has_pitch_questions_objections_and_closing_from_the_catalogue(shop):
    product = next(p for p in CATALOG.values() if p.in_stock and p.url and p.category == "laptops")
    script = rep_scripts.rep_script(shop, product)
    price = format_price(product.price, product.currency)
    assert script.pitch.startswith(f"The {product.name} costs {price}") and not script.left_out
    assert script.questions[:2] == ["What will you mainly use it for?", "What budget do you have in mind?"]
    assert set(script.objections) == set(rep_scripts.OBJECTIONS.values())
    assert "can't offer a discount" in script.objections["It's too expensive."]
    assert "30 days" in script.objections["I'll think about it."]  # quoted from the returns policy page
    assert product.url in script.closing and script.closing.startswith("Shall we get")
    assert script.replies()[0] == script.pitch and len(script.replies()) == 6


def test_a_sold_out_product_is_not_offered_for_ordering(shop):
    sold_out = next(p for p in CATALOG.values() if not p.in_stock)
    assert "can't be ordered" in rep_scripts.rep_script(shop, sold_out).closing
    assert "Shall we get" not in rep_scripts.rep_script(shop, sold_out).closing


def test_a_section_the_fact_gate_rejects_is_left_out_and_named(shop, monkeypatch):
    monkeypatch.setattr(rep_scripts, "pitch", lambda product: f"The {product.name} is 20% off this week only.")
    script = rep_scripts.rep_script(shop, next(iter(CATALOG.values())))
    assert script.pitch == "" and script.left_out and script.left_out[0].startswith("pitch:")
    assert "(left out)" in rep_scripts.markdown([script])


def test_select_by_sku_or_category_and_a_clear_error(shop):
    sku = next(iter(CATALOG))
    assert [p.sku for p in rep_scripts.select(shop, sku.lower())] == [sku]
    assert {p.category for p in rep_scripts.select(shop, "laptops")} == {"laptops"}
    with pytest.raises(LookupError, match="neither a SKU nor a category"):
        rep_scripts.select(shop, "boats")
    text = rep_scripts.markdown([rep_scripts.rep_script(shop, CATALOG[sku])])
    assert text.startswith(f"## {CATALOG[sku].name} ({sku}") and "**Objections.**" in text
