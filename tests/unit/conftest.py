from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.catalog import Product, load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words vectors: fast, offline, and similar texts stay similar."""

    dim = 64

    def __init__(self) -> None:
        self.documents_embedded = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in text.lower().split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = sum(v * v for v in vector) ** 0.5 or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def shop_engine(
    tmp_path: Path,
    products: list[Product],
    policies: dict[str, str] | None = None,
    embeddings: Embeddings | None = None,
) -> KnowledgeEngine:
    """An engine over a made-up shop: these products and policy pages (file name -> Markdown), embedded with
    `HashEmbeddings` unless a test needs real ones."""
    folder = tmp_path / "made-up-shop"
    (folder / "policies").mkdir(parents=True)
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in products]))
    for name, text in (policies or {}).items():
        (folder / "policies" / name).write_text(text)
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_made_up", embeddings or HashEmbeddings())
    store.sync(load_catalog(folder))
    return KnowledgeEngine(store, ReplyWriter(None))


def make_product(sku: str, name: str, price: float, category: str = "laptops", stock: int = 5, **specs) -> Product:
    return Product(sku, name, category, name.split()[0], price, "EUR", stock, f"{name} description", specs=specs)


@pytest.fixture
def products() -> list[Product]:
    return [
        make_product("L1", "Lumen Air 13", 999.0, weight_kg=1.18, battery_hours=16.0),
        make_product("L2", "Corvid Blade 16", 1899.0, weight_kg=2.3, battery_hours=6.0),
        make_product("L3", "Nimbus Stratus 15", 549.0, stock=0, weight_kg=1.74, battery_hours=10.0),
        make_product("H1", "Sonora Echo", 199.0, category="headphones", battery_hours=30.0),
    ]


@pytest.fixture
def catalog_file(tmp_path: Path, products: list[Product]) -> Path:
    path = tmp_path / "products.json"
    path.write_text(json.dumps([p.to_dict() for p in products]))
    return path


@pytest.fixture
def use_services() -> Iterator[Callable[..., None]]:
    """`actions.services.use`: the actions run with the engine and/or settings a test gives them.

    Everything installed or built is forgotten after the test (`services.reset`), so none of it leaks.
    """
    from actions import services

    yield services.use
    services.reset()


@pytest.fixture(autouse=True)
def own_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Actions that take their settings from the environment record their analytics (sales events, tracked
    links) under the test's own folder, never in the repository's var/."""
    var = tmp_path / "own-var"
    monkeypatch.setenv("SALESBOT_VAR_DIR", str(var))
    return var
