"""The Chroma vector store: incremental sync of a catalogue and filtered retrieval.

One collection per shop. Products are stored with their structured fields as
metadata (so code can filter and compare on real values) and the whole product
as JSON, so the catalogue can be rebuilt from the store without the source file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import Embeddings

from knowledge.catalog import CatalogError, LoadResult, PolicyPage, Product

log = logging.getLogger(__name__)

UPSERT_BATCH = 256
PAGE_SIZE = 5000


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
        return report

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
        result = self.collection.query(
            query_embeddings=[self.embeddings.embed_query(query)],
            n_results=k,
            where=flt.to_where(),
            include=["metadatas", "distances"],
        )
        return [
            ScoredProduct(Product.from_dict(json.loads(meta["payload"])), 1.0 - float(dist))
            for meta, dist in zip(result["metadatas"][0], result["distances"][0], strict=True)
        ]

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
