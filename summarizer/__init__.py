"""summarizer: several news articles about one story in, a cited brief out.

The package reads as the pipeline (see ``brief/pipeline.py``): ingest (+ extract for whole pages)
→ segment → clean → resolve → embed → dedup → plan (+ standalone) → write → check (cite + verify)
→ headline → render. Grounding is structural ("attribute first, then generate", Slobodkin et al.
2024): the model only ever chooses which phrases of source sentences chosen first to leave out, or
joins two of them, under a grammar that admits nothing else; every output sentence cites them.
"""

__version__ = "0.1.0"
