"""Performance and scale benchmarks: `advisor bench` / `python -m evals.bench [--quick]`.

Sections (one module each under `sections/`): ingest, cold start, HTTP query latency and
throughput with the server's peak RSS, retrieval against the naive LangChain baseline, and
synthetic-corpus scale runs (embedded Chroma vs a Chroma server). Results land in
`bench.json` and `bench.md`; targets are judged in `report.py`, never in tests.
"""
