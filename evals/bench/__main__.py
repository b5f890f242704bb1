"""`python -m evals.bench [--quick] [--out DIR]`: run the benchmarks, print the Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from evals.bench.config import SECTIONS, preset


def parse_sizes(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one to two minutes, fewer repeats")
    parser.add_argument("--out", type=Path, default=None, help="default artifacts/bench")
    parser.add_argument("--only", default=None, help=f"comma list of {','.join(SECTIONS)}")
    parser.add_argument("--scale-sizes", type=parse_sizes, default=None, help="e.g. 10000,100000")
    parser.add_argument("--seconds", type=float, default=None, help="per concurrency level")
    parser.add_argument("--embedder", default=None, help="minilm (default) or fake")
    parser.add_argument("--no-chroma-server", action="store_true")
    parser.add_argument("--keep-work", action="store_true", help="keep OUT/work indexes")
    args = parser.parse_args(argv)
    return run_cli(
        quick=args.quick,
        out=args.out,
        only=args.only,
        scale_sizes=args.scale_sizes,
        seconds=args.seconds,
        embedder=args.embedder,
        chroma_server=not args.no_chroma_server,
        keep_work=args.keep_work,
    )


def run_cli(
    *,
    quick: bool = False,
    out: Path | None = None,
    only: str | None = None,
    scale_sizes: tuple[int, ...] | None = None,
    seconds: float | None = None,
    embedder: str | None = None,
    chroma_server: bool = True,
    keep_work: bool = False,
) -> int:
    """Shared by `advisor bench` and `python -m evals.bench`; returns the exit code."""
    from evals.bench import runner

    sections = None
    if only:
        sections = tuple(s.strip() for s in only.split(",") if s.strip())
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise SystemExit(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    cfg = preset(
        quick,
        out=out,
        sections=sections,
        scale_sizes=scale_sizes,
        load_seconds=seconds,
        embedder=embedder,
        scale_server=None if chroma_server else False,
        keep_work=keep_work or None,
    )
    results = runner.run(cfg)
    print((cfg.out / "bench.md").read_text())
    failed = [n for n, s in results["sections"].items() if "error" in s]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
