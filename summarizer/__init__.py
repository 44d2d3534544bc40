"""summarizer: several news articles about one story in, a cited brief out.

The package reads as the pipeline (see ``pipeline.py``): ingest (+ extract for whole pages) →
segment → clean → embed → dedup → plan (+ standalone) → fuse → check (cite + verify) → headline →
render. Grounding is structural ("attribute first, then generate", Slobodkin et al. 2024): the
model only ever shortens or rewrites source sentences that were chosen first, and every output
sentence cites them.
"""

__version__ = "0.1.0"
