"""The Chroma vector store: incremental sync of a catalogue and filtered retrieval.

One collection per shop. Products are stored with their structured fields as
metadata (so code can filter and compare on real values) and the whole product
as JSON, so the catalogue can be rebuilt from the store without the source file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from threadpoolctl import ThreadpoolController

from knowledge.catalog import CatalogError, LoadResult, PolicyPage, Product

log = logging.getLogger(__name__)

UPSERT_BATCH = 256
PAGE_SIZE = 5000
INDEX_CHECK_SECONDS = 5.0  # how often searches check whether another process changed the collection
REVISION_KEY = "revision"  # collection metadata; every sync that changes something sets a new one


@dataclass(frozen=True)
class ProductFilter:
    category: str | None = None
    max_price: float | None = None
    brand: str | None = None
    in_stock_only: bool = False

    def to_where(self) -> dict[str, Any]:
        clauses: list[dict[str, Any]] = [{"kind": "product"}]
        if self.category:
            clauses.append({"category": self.category.lower()})
        if self.max_price is not None:
            clauses.append({"price": {"$lte": float(self.max_price)}})
        if self.brand:
            clauses.append({"brand": self.brand})
        if self.in_stock_only:
            clauses.append({"stock": {"$gt": 0}})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class ScoredProduct:
    product: Product
    similarity: float


@dataclass(frozen=True)
class PolicyChunk:
    topic: str
    title: str
    text: str
    source: str
    similarity: float = 0.0


@dataclass
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0

    def __str__(self) -> str:
        return (
            f"added {self.added}, changed {self.changed}, removed {self.removed}, "
            f"unchanged {self.unchanged} (embedded {self.embedded} documents)"
        )


class ProductIndex:
    """Every product's unit vector and filter fields in memory: exact cosine top-k in milliseconds.

    Chroma's filtered query gets slower with catalogue size (0.6 s at 100k products);
    a float32 matrix product over the rows the filter keeps does not. Rows are grouped by
    category, so a category filter scores one contiguous block without copying it. Chroma
    stays the store of record: this is a read copy, rebuilt when the collection changes.
    """

    def __init__(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        order = sorted(range(len(ids)), key=lambda i: metadatas[i]["category"])
        metadatas = [metadatas[i] for i in order]
        self.ids = [ids[i] for i in order]
        vectors = np.asarray(vectors, dtype=np.float32)[order] if ids else np.zeros((0, 1), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.vectors = vectors / np.where(norms == 0, 1, norms)
        self.prices = np.array([m["price"] for m in metadatas], dtype=np.float64)
        self.in_stock = np.array([m["stock"] > 0 for m in metadatas], dtype=bool)
        brands = sorted({m["brand"] for m in metadatas})
        self.brand_codes = {brand: code for code, brand in enumerate(brands)}
        self.brands = np.array([self.brand_codes[m["brand"]] for m in metadatas], dtype=np.int32)
        self.payloads = [m["payload"] for m in metadatas]
        self.category_rows: dict[str, slice] = {}
        for row, meta in enumerate(metadatas):
            block = self.category_rows.get(meta["category"])
            self.category_rows[meta["category"]] = slice(block.start if block else row, row + 1)

    @classmethod
    def from_collection(cls, collection: Any) -> ProductIndex:
        ids: list[str] = []
        chunks: list[np.ndarray] = []
        metadatas: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = collection.get(
                where={"kind": "product"}, include=["embeddings", "metadatas"], limit=PAGE_SIZE, offset=offset
            )
            ids.extend(page["ids"])
            metadatas.extend(page["metadatas"])
            if len(page["ids"]):
                chunks.append(np.asarray(page["embeddings"], dtype=np.float32))
            if len(page["ids"]) < PAGE_SIZE:
                break
            offset += PAGE_SIZE
        vectors = np.concatenate(chunks) if chunks else np.zeros((0, 1), dtype=np.float32)
        return cls(ids, vectors, metadatas)

    def _kept(self, flt: ProductFilter) -> tuple[slice, np.ndarray]:
        """The same conditions as `ProductFilter.to_where`: the category's block, and which of its rows pass."""
        block = self.category_rows.get(flt.category.lower(), slice(0, 0)) if flt.category else slice(0, len(self.ids))
        keep = np.ones(block.stop - block.start, dtype=bool)
        if flt.max_price is not None:
            keep &= self.prices[block] <= float(flt.max_price)
        if flt.brand:
            keep &= self.brands[block] == self.brand_codes.get(flt.brand, -1)
        if flt.in_stock_only:
            keep &= self.in_stock[block]
        return block, np.flatnonzero(keep)

    def search(self, query: list[float], flt: ProductFilter, k: int) -> list[ScoredProduct]:
        block, rows = self._kept(flt)
        if not len(rows) or k < 1:
            return []
        vector = np.asarray(query, dtype=np.float32)
        vector = vector / (np.linalg.norm(vector) or 1.0)
        candidates = self.vectors[block]  # a view
        few = len(rows) * 4 < len(candidates)  # then gathering the kept rows beats scoring the whole block
        # One BLAS thread: on a busy 2-core machine a multi-threaded matrix-vector product waits for
        # a second core and its p95 rises from 0.5 ms to 20 ms.
        with _blas().limit(limits=1, user_api="blas"):
            scores = candidates[rows] @ vector if few else (candidates @ vector)[rows]
        best = np.argpartition(-scores, k - 1)[:k] if len(rows) > k else np.arange(len(rows))
        best = best[np.argsort(-scores[best], kind="stable")]
        return [
            ScoredProduct(Product.from_dict(json.loads(self.payloads[block.start + rows[i]])), float(scores[i]))
            for i in best
        ]


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


ProgressCallback = Callable[[int, int], None]


def make_client(chroma_path: str | None = None, chroma_url: str | None = None) -> Any:
    """An embedded persistent client by default, or an HTTP client for a Chroma server."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if chroma_url:
        match = re.match(r"^(https?)://([^:/]+)(?::(\d+))?/?$", chroma_url)
        if not match:
            raise ValueError(f"SALESBOT_CHROMA_URL {chroma_url!r} is not like http://host:8000")
        scheme, host, port = match.groups()
        return chromadb.HttpClient(host=host, port=int(port or 8000), ssl=scheme == "https", settings=settings)
    if not chroma_path:
        raise ValueError("either a Chroma path or a Chroma server URL is needed")
    return chromadb.PersistentClient(path=chroma_path, settings=settings)


class CatalogStore:
    """A shop's products and policies in one Chroma collection."""

    def __init__(self, client: Any, collection_name: str, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self.client = client
        self.collection_name = collection_name
        self._index: ProductIndex | None = None
        self._index_key: tuple[str, int] | None = None  # (revision, count) the index was built from
        self._index_checked_at = 0.0
        self._index_version = 0  # bumped when a sync here drops the index, so a late rebuild is discarded
        self._rebuilding = False
        self._index_lock = threading.Lock()
        # No embedding function on the collection: we always pass our own vectors, so
        # chromadb never reaches for its default (downloaded) model.
        self.collection = client.get_or_create_collection(
            name=collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )

    # ---- sync -------------------------------------------------------------------------
    def sync(self, loaded: LoadResult, progress: ProgressCallback | None = None) -> SyncReport:
        """Make the collection match `loaded`: embed new or changed items, delete vanished ones.

        Products whose row was rejected keep their stored version; policies are only
        replaced when the source included a policies folder.
        """
        if loaded.errors and not loaded.products:
            raise CatalogError("no valid product rows; the store was left unchanged")
        desired = _product_records(loaded.products)
        if loaded.policies_loaded:
            desired.update(_policy_records(loaded.policies))
        existing = self._stored_hashes()
        protected = {f"product:{sku}" for sku in loaded.rejected_skus}

        report = SyncReport()
        todo = []
        for doc_id, record in desired.items():
            old_hash = existing.get(doc_id)
            if old_hash == record["metadata"]["hash"]:
                report.unchanged += 1
                continue
            if old_hash is None:
                report.added += 1
            else:
                report.changed += 1
            todo.append((doc_id, record))
        stale = [
            doc_id
            for doc_id in existing
            if doc_id not in desired
            and doc_id not in protected
            and (doc_id.startswith("product:") or loaded.policies_loaded)
        ]

        for start in range(0, len(todo), UPSERT_BATCH):
            batch = todo[start : start + UPSERT_BATCH]
            vectors = self.embeddings.embed_documents([r["text"] for _, r in batch])
            self.collection.upsert(
                ids=[doc_id for doc_id, _ in batch],
                embeddings=vectors,
                documents=[r["text"] for _, r in batch],
                metadatas=[r["metadata"] for _, r in batch],
            )
            report.embedded += len(batch)
            if progress:
                progress(min(start + UPSERT_BATCH, len(todo)), len(todo))
        for start in range(0, len(stale), UPSERT_BATCH):
            self.collection.delete(ids=stale[start : start + UPSERT_BATCH])
        report.removed = len(stale)
        if todo or stale:
            self._new_revision()
        return report

    def _new_revision(self) -> None:
        """Tell every process reading this collection (their in-memory indexes) that it changed."""
        metadata = dict(self.collection.metadata or {})
        metadata[REVISION_KEY] = uuid.uuid4().hex
        self.collection.modify(metadata=metadata)
        with self._index_lock:
            self._index, self._index_key = None, None
            self._index_version += 1

    def _stored_hashes(self) -> dict[str, str]:
        hashes: dict[str, str] = {}
        offset = 0
        while True:
            page = self.collection.get(include=["metadatas"], limit=PAGE_SIZE, offset=offset)
            for doc_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                hashes[doc_id] = (meta or {}).get("hash", "")
            if len(page["ids"]) < PAGE_SIZE:
                return hashes
            offset += PAGE_SIZE

    # ---- reading ------------------------------------------------------------------------
    def all_products(self) -> list[Product]:
        products = []
        offset = 0
        while True:
            page = self.collection.get(where={"kind": "product"}, include=["metadatas"], limit=PAGE_SIZE, offset=offset)
            products.extend(Product.from_dict(json.loads(m["payload"])) for m in page["metadatas"])
            if len(page["ids"]) < PAGE_SIZE:
                return sorted(products, key=lambda p: p.sku)
            offset += PAGE_SIZE

    def count(self) -> int:
        return int(self.collection.count())

    def search_products(self, query: str, flt: ProductFilter, k: int = 5) -> list[ScoredProduct]:
        """The k products most similar to `query` among those `flt` keeps, best first (exact cosine)."""
        index = self.load_index()
        return index.search(self.embeddings.embed_query(query), flt, k)

    def load_index(self) -> ProductIndex:
        """The in-memory index, kept in step with the collection.

        The first call builds it (the caller waits). Later, when another process has changed
        the collection, searches go on with the old index while a thread builds the new one
        (seconds at 100k products); a sync through this store drops it at once.
        """
        with self._index_lock:
            index = self._index
            now = time.monotonic()
            if index is not None and (self._rebuilding or now - self._index_checked_at < INDEX_CHECK_SECONDS):
                return index
            self._index_checked_at = now
            key = self.revision()
            if index is not None and key == self._index_key:
                return index
            if index is None:
                return self._build_index(key, self._index_version)
            self._rebuilding = True
            version = self._index_version
        threading.Thread(target=self._rebuild, args=(key, version), name="product-index", daemon=True).start()
        return index

    def revision(self) -> tuple[str, int]:
        """Changes whenever a sync (in any process) changed the collection: (revision id, count)."""
        fresh = self.client.get_collection(self.collection_name, embedding_function=None)
        return str((fresh.metadata or {}).get(REVISION_KEY, "")), int(fresh.count())

    def _build_index(self, key: tuple[str, int], version: int) -> ProductIndex:
        started = time.perf_counter()
        index = ProductIndex.from_collection(self.collection)
        log.info("product index: %d products in %.2fs", len(index.ids), time.perf_counter() - started)
        if version == self._index_version:  # not dropped by a sync in the meantime
            self._index, self._index_key = index, key
        return index

    def _rebuild(self, key: tuple[str, int], version: int) -> None:
        try:
            index = ProductIndex.from_collection(self.collection)
            with self._index_lock:
                if version == self._index_version:
                    self._index, self._index_key = index, key
        except Exception:
            log.exception("could not rebuild the product index; searching the previous one")
        finally:
            with self._index_lock:
                self._rebuilding = False

    def search_policies(self, query: str, k: int = 3, topic: str | None = None) -> list[PolicyChunk]:
        where: dict[str, Any] = {"kind": "policy"}
        if topic:
            where = {"$and": [{"kind": "policy"}, {"topic": topic}]}
        result = self.collection.query(
            query_embeddings=[self.embeddings.embed_query(query)],
            n_results=k,
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        return [
            PolicyChunk(m["topic"], m["title"], m["body"], m["source"], 1.0 - float(d))
            for m, d in zip(result["metadatas"][0], result["distances"][0], strict=True)
        ]

    def all_policy_chunks(self) -> list[PolicyChunk]:
        page = self.collection.get(where={"kind": "policy"}, include=["metadatas"])
        return [PolicyChunk(m["topic"], m["title"], m["body"], m["source"]) for m in page["metadatas"]]

    def policy_topics(self) -> list[str]:
        page = self.collection.get(where={"kind": "policy"}, include=["metadatas"])
        return sorted({m["topic"] for m in page["metadatas"]})


def _product_records(products: list[Product]) -> dict[str, dict[str, Any]]:
    records = {}
    for product in products:
        text = product.document_text()
        payload = json.dumps(product.to_dict(), sort_keys=True, ensure_ascii=False)
        records[f"product:{product.sku}"] = {
            "text": text,
            "metadata": {
                "kind": "product",
                "sku": product.sku,
                "name": product.name,
                "category": product.category,
                "brand": product.brand,
                "price": product.price,
                "currency": product.currency,
                "stock": product.stock,
                # Covers the embedded text too, so a change in how documents are written re-embeds them.
                "hash": hashlib.sha256(f"{text}\n{payload}".encode()).hexdigest(),
                "payload": payload,
            },
        }
    return records


def _policy_records(pages: list[PolicyPage]) -> dict[str, dict[str, Any]]:
    records = {}
    for page in pages:
        for index, body in enumerate(split_policy(page.text)):
            text = f"{page.title}: {body}"
            records[f"policy:{page.topic}:{index}"] = {
                "text": text,
                "metadata": {
                    "kind": "policy",
                    "topic": page.topic,
                    "title": page.title,
                    "source": page.source,
                    "body": body,
                    "hash": hashlib.sha256(text.encode()).hexdigest(),
                },
            }
    return records


def split_policy(text: str, max_chars: int = 1200) -> list[str]:
    """Split a policy page into its sections (heading plus body), so each chunk keeps its context.

    The page's first heading is its title and is added by the caller; a section that is too
    long is split at blank lines, each part keeping the section heading.
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)", line)
        if heading:
            sections.append((heading.group(1).strip(), []))
        else:
            sections[-1][1].append(line)
    chunks: list[str] = []
    for index, (heading, lines) in enumerate(sections):
        body = "\n".join(lines).strip()
        if not body:
            continue
        prefix = f"{heading}:\n" if heading and index > 1 else ""  # section 1 is under the page title
        parts = [body] if len(body) <= max_chars else [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        chunks.extend(f"{prefix}{part.strip()}" for part in parts)
    return chunks
