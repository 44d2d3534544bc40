"""The models behind small protocols: ``Generator`` (``generate``: llama.cpp GGUF or transformers),
``Embedder`` (``embed``: MiniLM), the registry of named, pinned, hash-checked models (``registry``),
and the LLM as a faithfulness judge (``judge``). Loaded once per process, never per request."""
