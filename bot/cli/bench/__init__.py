"""Performance benchmark of the whole assistant, in one run.

What it measures (each section records its own error and the run goes on):

1. REST latency of the real, running assistant for three kinds of turn: template turns
   (Rasa alone), factual answers (action server started with SALESBOT_LLM_BACKEND=none:
   retrieval and code-decided facts only) and generative answers (the same questions with
   the local model -- SALESBOT_LLM_BACKEND if it is transformers or llamacpp, else transformers
   -- writing its sentence and the fact gate checking it). A
   generative reply "carried the model's sentence" when it is the factual reply for the
   same question with a sentence in front of it.
2. Generator speed of each local backend on the same packaged model (transformers int8 and
   float32, llama.cpp on the model's GGUF), through its own `generate(on_token=...)`: time to
   first token and decode tokens/s on the real reply prompt with realistic facts.
3. Ingest throughput of a synthetic catalogue with the real embedding model into a fresh
   Chroma store, and a re-sync when nothing changed (must embed nothing).
4. Retrieval latency (`CatalogStore.search_products` with category + budget + in-stock
   filters, served by the store's in-memory index) at several catalogue sizes, beside the same
   queries through Chroma's own filtered query. Real embeddings at the ingested size; at every
   size also random unit vectors inserted directly (embedding 100k documents on 2 cores takes
   too long), with the query embedding timed separately.
5. Concurrent simulated customers over REST (mixed turns): errors, latency, turns/s and
   how much slower generative turns get under load.
6. Peak RSS of the Rasa server, the action server and the web app (kernel VmHWM of each
   process tree, plus the sampled peak of their summed RSS); during the load test every
   simulated customer first fetches the widget's assets from the web app, as a page load does.
7. A naive baseline: a plain LangChain "retrieve top-4, stuff them into the prompt, let the
   model answer" chain with the same generator, against salesbot's engine on the same
   look-up and comparison questions, both checked with `knowledge.evaluation.invented_claims`.

The servers run on their own ports with their own var dir (`<var>/bench`), so nothing of a
running assistant is touched. Heavy libraries are imported inside the sections, so the pure
helpers (percentiles, the synthetic catalogue, the table) import quickly.
"""
