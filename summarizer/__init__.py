"""summarizer: several news articles about one story in, a cited brief out.

The package reads as the pipeline (see ``pipeline.py``): ingest → segment → clean →
dedup → plan → fuse → cite → verify → render. Grounding is structural ("attribute
first, then generate", Slobodkin et al. 2024): the model only ever rewrites a group of
source sentences that were chosen first, and every output sentence cites them.
"""

__version__ = "0.1.0"
