"""Turns settings into the knowledge objects: the one place that wires the parts together."""

from __future__ import annotations

from config.settings import Settings
from knowledge.embeddings import PackagedMiniLMEmbeddings
from knowledge.engine import KnowledgeEngine
from knowledge.generation import Generator, make_generator
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from privacy.redact import redact


def open_store(settings: Settings, embeddings: PackagedMiniLMEmbeddings | None = None) -> CatalogStore:
    client = make_client(chroma_path=str(settings.chroma_path), chroma_url=settings.chroma_url or None)
    return CatalogStore(client, settings.collection, embeddings or PackagedMiniLMEmbeddings())


def build_generator(settings: Settings) -> Generator | None:
    """The configured backend; what the remote "openai" backend sends is redacted unless SALESBOT_SHARE_PII."""
    return make_generator(
        settings.llm_backend,
        model_name=settings.llm_model,
        cache_dir=settings.model_cache,
        threads=settings.llm_threads,
        int8=settings.llm_int8,
        adapter=settings.llm_adapter_path,
        base_url=settings.llm_url or None,
        api_key=settings.llm_api_key or None,
        outgoing=None if settings.share_pii else redact,
    )


def build_engine(settings: Settings) -> KnowledgeEngine:
    writer = ReplyWriter(
        build_generator(settings),
        max_new_tokens=settings.llm_max_new_tokens,
        worked_examples=settings.llm_adapter_path is None,  # the fine-tuned model learnt the task without them
    )
    return KnowledgeEngine(open_store(settings), writer, relevance_threshold=settings.relevance_threshold)
