"""Hybrid retrieval over an index snapshot: dense + BM25, fused."""
