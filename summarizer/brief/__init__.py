"""The brief's stages, one module each, and ``pipeline.py``, the only place that orders them:
ingest → segment → clean → resolve → dedup → plan → write → check (cite + verify) → headline → render;
``types.py`` holds the frozen records passed between them. ``group.py`` sorts a morning's articles
into stories before any brief is written."""
