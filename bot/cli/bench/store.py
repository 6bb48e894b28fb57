"""Sections 3 and 4: ingest throughput, unchanged re-sync, and retrieval latency by catalogue size."""

from __future__ import annotations

import gc
import logging
import shutil
import time
import traceback
from collections.abc import Sequence
from typing import Any

from bot.cli.bench.common import EMBEDDING_DIM, SYNTHETIC_SEED, error_text, free_memory, latency_summary
from bot.cli.bench.synthetic import retrieval_queries, synthetic_catalog
from config.settings import Settings

RETRIEVAL_QUERIES = 50

log = logging.getLogger(__name__)


def bench_ingest(bs: Settings, size: int, queries: int = RETRIEVAL_QUERIES) -> dict[str, Any]:
    from knowledge.catalog import LoadResult, parse_product
    from knowledge.embeddings import PackagedMiniLMEmbeddings
    from knowledge.store import CatalogStore, make_client

    out: dict[str, Any] = {"products": size, "store": "fresh embedded Chroma", "seed": SYNTHETIC_SEED}
    path = bs.var_dir / "ingest-chroma"
    shutil.rmtree(path, ignore_errors=True)
    products = [parse_product(raw) for raw in synthetic_catalog(size)]
    embeddings = PackagedMiniLMEmbeddings()
    started = time.perf_counter()
    embeddings.embed_query("warm up")
    out["embedding_load_s"] = time.perf_counter() - started
    store = CatalogStore(make_client(chroma_path=str(path)), "bench_ingest", embeddings)
    loaded = LoadResult(products=products)
    started = time.perf_counter()
    report = store.sync(loaded)
    out["seconds"] = time.perf_counter() - started
    out["products_per_s"] = size / out["seconds"] if out["seconds"] else None
    out["embedded"] = report.embedded
    before = embeddings.documents_embedded
    started = time.perf_counter()
    again = store.sync(loaded)
    out["resync_s"] = time.perf_counter() - started
    out["resync_embedded"] = again.embedded
    out["resync_embedding_calls_documents"] = embeddings.documents_embedded - before
    out["resync_report"] = str(again)
    try:
        pairs = retrieval_queries(products, queries)
        embed_times = []
        for text, _ in pairs:  # every text is new, so this is the uncached cost
            started = time.perf_counter()
            embeddings.embed_query(text)
            embed_times.append(time.perf_counter() - started)
        search_times, hits = [], []
        for text, flt in pairs:
            started = time.perf_counter()
            found = store.search_products(text, flt, k=5)
            search_times.append(time.perf_counter() - started)
            hits.append(len(found))
        out["query_embedding"] = latency_summary(embed_times)
        out["search_real"] = latency_summary(search_times)
        out["avg_hits"] = sum(hits) / len(hits) if hits else None
    except Exception as exc:
        out.update({"error": f"retrieval on the ingested store: {error_text(exc)}"})
    finally:
        del store
        free_memory()
        shutil.rmtree(path, ignore_errors=True)
    return out


class _QueryVectors:
    """Embeddings stand-in for the scale test: each query text maps to a precomputed unit vector."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def embed_query(self, text: str) -> list[float]:
        return self.vectors[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError("the scale test inserts its vectors directly")


def bench_retrieval(bs: Settings, sizes: Sequence[int], queries: int = RETRIEVAL_QUERIES) -> dict[str, Any]:
    import numpy as np

    from knowledge.catalog import parse_product
    from knowledge.store import CatalogStore, _product_records, make_client

    out: dict[str, Any] = {
        "method": f"random unit vectors of dimension {EMBEDDING_DIM} inserted directly (no embedding model); "
        f"{queries} queries with category + budget + in-stock filters, k=5, through CatalogStore.search_products "
        "(in-memory index; its build time is index_build_s) and, for comparison, through Chroma's own filtered "
        "query (search_chroma_query; same_top5_as_chroma = share of identical top-5 lists, HNSW is approximate); "
        "the query embedding is timed separately (see ingest.query_embedding)",
        "sizes": [],
    }
    path = bs.var_dir / "scale-chroma"
    shutil.rmtree(path, ignore_errors=True)
    client = make_client(chroma_path=str(path))
    try:
        batch = min(5000, int(client.get_max_batch_size()))
    except Exception:
        batch = 5000
    for size in sizes:
        name = f"bench_scale_{size}"
        row: dict[str, Any] = {"size": size}
        try:
            products = [parse_product(raw) for raw in synthetic_catalog(size)]
            records = list(_product_records(products).items())
            rng = np.random.default_rng(size)
            pairs = retrieval_queries(products, queries)
            query_vectors = rng.standard_normal((len(pairs), EMBEDDING_DIM)).astype(np.float32)
            query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
            store = CatalogStore(
                client, name, _QueryVectors({t: v.tolist() for (t, _), v in zip(pairs, query_vectors, strict=True)})
            )
            started = time.perf_counter()
            for start in range(0, len(records), batch):
                chunk = records[start : start + batch]
                vectors = rng.standard_normal((len(chunk), EMBEDDING_DIM)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                store.collection.add(
                    ids=[doc_id for doc_id, _ in chunk],
                    embeddings=vectors,
                    documents=[r["text"] for _, r in chunk],
                    metadatas=[r["metadata"] for _, r in chunk],
                )
            row["insert_s"] = time.perf_counter() - started
            del records
            started = time.perf_counter()
            store.load_index()
            row["index_build_s"] = time.perf_counter() - started
            times, hits, chroma_times, same = [], [], [], 0
            for (text, flt), vector in zip(pairs, query_vectors, strict=True):
                started = time.perf_counter()
                found = store.search_products(text, flt, k=5)
                times.append(time.perf_counter() - started)
                hits.append(len(found))
                started = time.perf_counter()  # the same query through Chroma's own filtered search
                direct = store.collection.query(
                    query_embeddings=[vector.tolist()], n_results=5, where=flt.to_where(), include=[]
                )
                chroma_times.append(time.perf_counter() - started)
                same += [h.product.sku for h in found] == [i.split(":", 1)[1] for i in direct["ids"][0]]
            row["search"] = latency_summary(times)
            row["search_chroma_query"] = latency_summary(chroma_times)
            row["same_top5_as_chroma"] = same / len(pairs) if pairs else None
            row["avg_hits"] = sum(hits) / len(hits) if hits else None
        except Exception as exc:
            row.update({"error": error_text(exc), "traceback": traceback.format_exc()[-3000:]})
        finally:
            try:
                client.delete_collection(name)
            except Exception:
                log.warning("could not delete the benchmark collection %s", name)
            gc.collect()
        out["sizes"].append(row)
    del client
    free_memory()
    shutil.rmtree(path, ignore_errors=True)
    return out
