"""The benchmark suite: pure helpers (statistics, synthetic corpus, targets, Markdown) and one
bounded end-to-end run with the fake embedder. Figures are never asserted against time."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from evals.bench import report, runner
from evals.bench.config import SECTIONS, BenchConfig, preset
from evals.bench.sections.scale import size_label
from evals.bench.stats import percentile, ratio, summarize
from evals.bench.synthetic import derived_vectors, synthetic_corpus, vocabulary
from evals.cases import load_cases

CORPUS_TEXT = [
    "Hands-on USCE comes first. Research helps academic programs.",
    "Observerships are not hands-on; letters of recommendation matter.",
]


# ------------------------------------------------------------------------------------------
# statistics


def test_percentile_interpolates_between_ranks() -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # sorted: 10 20 30 40
    assert percentile(values, 0.0) == 10.0
    assert percentile(values, 1.0) == 40.0
    assert percentile(values, 0.5) == pytest.approx(25.0)
    assert percentile(values, 0.95) == pytest.approx(38.5)


@pytest.mark.parametrize(("values", "q"), [([], 0.5), ([1.0], -0.1), ([1.0], 1.5)])
def test_percentile_rejects_bad_input(values: list[float], q: float) -> None:
    with pytest.raises(ValueError):
        percentile(values, q)


def test_summarize_and_ratio() -> None:
    summary = summarize([1.0, 2.0, 3.0, 4.0, 100.0])
    assert summary == {"n": 5, "p50": 3.0, "p95": 80.8, "mean": 22.0, "max": 100.0}
    assert summarize([]) == {"n": 0}
    assert ratio(30.0, 60.0) == 0.5
    assert ratio(1.0, 0.0) is None
    assert ratio(None, 2.0) is None


# ------------------------------------------------------------------------------------------
# synthetic corpus


def test_vocabulary_counts_words_most_frequent_first() -> None:
    vocab = vocabulary(["b a a", "A c"])
    assert vocab.words == ("a", "b", "c")
    assert vocab.counts == (3, 1, 1)
    assert vocab.probabilities.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        vocabulary(["123 ..."])


def test_synthetic_corpus_is_reproducible_by_seed() -> None:
    vocab = vocabulary(CORPUS_TEXT)
    one = synthetic_corpus(vocab, 50, seed=7, chunks_per_doc=12)
    two = synthetic_corpus(vocab, 50, seed=7, chunks_per_doc=12)
    other = synthetic_corpus(vocab, 50, seed=8, chunks_per_doc=12)
    assert [c.model_dump() for c in one.chunks] == [c.model_dump() for c in two.chunks]
    assert [c.text for c in one.chunks] != [c.text for c in other.chunks]


def test_synthetic_corpus_uses_the_corpus_vocabulary_and_valid_offsets() -> None:
    vocab = vocabulary(CORPUS_TEXT)
    corpus = synthetic_corpus(vocab, 50, seed=1, chunks_per_doc=12)
    assert len(corpus.chunks) == 50
    assert len(corpus.documents) == 5  # 12 + 12 + 12 + 12 + 2
    texts = {d.meta.doc_id: d.text for d in corpus.documents}
    words = set(vocab.words)
    for chunk in corpus.chunks:
        assert texts[chunk.doc_id][chunk.start : chunk.end] == chunk.text
        assert {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*", chunk.text)} <= words
    assert len({c.id for c in corpus.chunks}) == 50


def test_derived_vectors_are_unit_near_copies_and_reproducible() -> None:
    rng = np.random.default_rng(0)
    base = rng.standard_normal((5, 16)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    vectors = derived_vectors(base, 23, seed=3, noise=0.2, block=10)
    assert vectors.shape == (23, 16)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors @ base.T).max(axis=1).min() > 0.9  # each is close to some real vector
    assert np.array_equal(vectors, derived_vectors(base, 23, seed=3, noise=0.2, block=10))
    with pytest.raises(ValueError):
        derived_vectors(np.zeros((0, 16)), 3)


# ------------------------------------------------------------------------------------------
# targets and report


def test_judge_reports_margin_both_ways() -> None:
    upper = report.Target("p50", "api_p50_ms", 30, "ms")
    lower = report.Target("rps", "rps_16", 60, "req/s", at_least=True)
    assert report.judge(upper, 24.0) == {"status": "met", "margin": 6.0, "margin_pct": 20.0}
    assert report.judge(upper, 45.0)["status"] == "missed"
    assert report.judge(upper, 45.0)["margin"] == -15.0
    assert report.judge(lower, 75.0)["status"] == "met"
    assert report.judge(lower, 30.0) == {"status": "missed", "margin": -30.0, "margin_pct": -50.0}
    assert report.judge(upper, None)["status"] == "not measured"
    zero = report.Target("errors", "errors_16", 0, "errors")
    assert report.judge(zero, 0)["status"] == "met"
    assert report.judge(zero, 2) == {"status": "missed", "margin": -2, "margin_pct": None}


def test_every_target_reads_a_metric_a_section_produces() -> None:
    produced = {
        "api_p50_ms", "api_p95_ms", "rps_16", "rps_32", "errors_16", "errors_32",
        "noop_reingest_cli_s", "server_ready_s", "cold_start_ask_s", "ask_peak_rss_mb",
        "scale_100k_hybrid_p50_ms", "server_peak_rss_mb",
    }  # fmt: skip
    assert {t.metric for t in report.TARGETS} == produced
    assert f"scale_{size_label(100_000)}_hybrid_p50_ms" in produced
    assert size_label(2500) == "2500"


def test_markdown_table_escapes_pipes_and_formats_numbers() -> None:
    text = report.table(["a", "b"], [["x|y", 1234.5678], [None, 0.12345]])
    assert text.splitlines() == [
        "| a | b |",
        "|---|---|",
        "| x\\|y | 1,235 |",
        "|  | 0.1235 |",
    ]


def test_render_has_sections_and_targets() -> None:
    results = {
        "machine": {"cpu": "test cpu"},
        "command": "advisor bench --quick",
        "seconds": 3.0,
        "sections": {
            "query": {
                "rows": [
                    {"measure": "p50", "value": 12.5, "unit": "ms", "baseline": "naive",
                     "baseline_value": 25.0, "ratio": 0.5}
                ]
            },
            "scale": {"error": "RuntimeError: boom"},
        },
        "targets": report.evaluate({"api_p50_ms": 40.0}),
    }  # fmt: skip
    text = report.render(results)
    assert "test cpu" in text
    assert "| p50 | 12.5 | ms | naive | 25 | 0.5 |" in text
    assert "Failed: RuntimeError: boom" in text
    assert "| /api/ask p50, sequential, new questions | <= 15 ms | 40 ms | missed |" in text
    assert text.count("not measured") == len(report.TARGETS) - 1


def test_quick_preset_is_shorter_than_the_full_run() -> None:
    quick, full = preset(True), preset(False)
    assert quick.quick and not full.quick
    assert quick.load_seconds < full.load_seconds
    assert max(quick.scale_sizes) < 10_000
    assert full.scale_sizes == (10_000, 100_000)
    assert set(full.clients) >= {1, 8, 16, 32}
    assert preset(True, load_seconds=None).load_seconds == quick.load_seconds
    assert full.sections == SECTIONS


def test_cli_bench_is_wired_and_rejects_unknown_sections() -> None:
    runner = CliRunner()
    assert "--quick" in runner.invoke(app, ["bench", "--help"]).output
    result = runner.invoke(app, ["bench", "--only", "nonsense"])
    assert result.exit_code != 0


# ------------------------------------------------------------------------------------------
# one bounded real run


@pytest.mark.real
def test_tiny_bench_run_end_to_end(tmp_path: Path, corpus_copy: Path) -> None:
    """Every section against real subprocesses (advisor serve, advisor ingest/ask), with the
    fake embedder and a 300-chunk synthetic index: seconds, not minutes."""
    from evals.bench import runner

    cfg = replace(
        BenchConfig(),
        out=tmp_path / "bench",
        corpus_dir=corpus_copy,
        embedder="fake",
        repeats=1,
        sequential_passes=2,
        clients=(1, 4),
        load_seconds=0.5,
        scale_sizes=(300,),
        scale_server=False,
        scale_questions=5,
    )
    results = runner.run(cfg, say=lambda _: None)
    saved = json.loads((cfg.out / "bench.json").read_text())
    assert set(saved["sections"]) == set(SECTIONS)
    assert not [n for n, s in saved["sections"].items() if "error" in s]
    m = results["metrics"]
    assert m["chunks"] > 100
    assert m["sequential_errors"] == 0 and m["errors_1"] == 0 and m["errors_4"] == 0
    assert m["rps_4"] > 0 and m["api_p50_ms"] > 0 and m["retrieve_p50_ms"] > 0
    assert m["server_peak_rss_mb"] >= m["server_idle_rss_mb"] > 0
    assert m["noop_reingest_cli_s"] > 0 and m["cold_start_serve_s"] > 0
    assert m["scale_300_hybrid_p50_ms"] > 0
    # every eval case was sent once in the first sequential pass
    assert saved["sections"]["query"]["detail"]["sequential_first"]["n"] == len(load_cases())
    md = (cfg.out / "bench.md").read_text()
    assert "## Targets" in md and "300 chunks: hybrid retrieval" in md
    assert not (cfg.out / "work").exists()  # indexes are cleaned up


@pytest.mark.real
def test_minilm_runs_single_threaded() -> None:
    """The optimisation the benchmark motivated: one intra-op torch thread (see
    ingest/embedder.py and docs/benchmarks.md), still unit vectors."""
    import torch

    from ingest.embedder import MiniLMEmbedder

    vector = MiniLMEmbedder().embed(["What counts as hands-on USCE?"])
    assert torch.get_num_threads() == 1
    assert vector.shape == (1, 384)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/x/.venv/bin/advisor", "bench", "--quick"], "advisor bench --quick"),
        (["/x/evals/bench/__main__.py", "--only", "query"], "python -m evals.bench --only query"),
        ([], "python -m evals.bench"),
    ],
)
def test_the_report_names_the_command_as_typed(argv: list[str], expected: str) -> None:
    assert runner._command_line(argv) == expected
