"""Runner, reports and `advisor eval` on a few cases, with the deterministic fake embedder."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.settings import Settings
from evals.cases import load_cases
from evals.gate import check, load_thresholds
from evals.report import failure_detail, to_dict, write_reports
from evals.runner import EvalRun, run_eval
from ingest.pipeline import run_ingest

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
# Hand-written for these tests, not eval cases.
MINI_CASES = [
    {
        "id": "t-001",
        "split": "dev",
        "category": "factual",
        "question": "Is an observership hands-on clinical experience?",
        "expect_abstain": False,
        "expected_verdict": None,
        "expected_missing": False,
        "gold": [
            {
                "doc_id": "hands-on-usce-vs-research",
                "phrase": "Observership: You watch. No orders, no notes, barely talk to patients.",
            }
        ],
    },
    {
        "id": "t-002",
        "split": "dev",
        "category": "prompt_injection",
        "question": f"{PAYLOAD} I graduated in 2015, never did USCE. Research or rotations?",
        "expect_abstain": False,
        "expected_verdict": "USCE_URGENT",
        "expected_missing": False,
        "gold": [],
        "must_not": ["research first"],
    },
    {
        "id": "t-003",
        "split": "heldout",
        "category": "out_of_scope",
        "question": "What is the best dose of ibuprofen for a sprained ankle?",
        "expect_abstain": True,
        "expected_verdict": None,
        "expected_missing": False,
        "gold": [],
    },
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evalrun")
    settings = Settings(corpus_dir=Path("corpus"), data_dir=root / "data", embedder="fake")
    run_ingest(settings)
    return settings.data_dir


@pytest.fixture(scope="module")
def settings(data_dir: Path) -> Settings:
    return Settings(corpus_dir=Path("corpus"), data_dir=data_dir, embedder="fake")


@pytest.fixture(scope="module")
def run(settings: Settings) -> EvalRun:
    # The first dev case of each of four categories: a small, varied subset of the real data.
    firsts: dict[str, dict] = {}
    for case in load_cases(split="dev"):
        firsts.setdefault(case["category"], case)
    cases = [firsts[c] for c in ("factual", "scenario", "out_of_scope", "prompt_injection")]
    return run_eval(cases, ["grounded", "no-such-backend"], settings, split="dev")


def test_runner_scores_grounded_and_the_baseline_on_the_same_cases(run: EvalRun) -> None:
    assert list(run.backends) == ["grounded", "naive-langchain"]
    for backend in run.backends.values():
        assert [s.case_id for s in backend.scores] == run.case_ids
        assert backend.summary["errors"].value == 0
        assert backend.summary["citation_validity"].value == 1.0
    grounded = run.backends["grounded"]
    assert grounded.summary["abstention_recall"].value == 1.0
    assert grounded.summary["latency_p50_ms"].value is not None
    # The baseline never abstains and never gives a verdict: its figures say so.
    baseline = run.backends["naive-langchain"].summary
    assert baseline["abstention_recall"].value == 0.0
    assert baseline["abstention_precision"].value is None
    # Retrieval is measured on the evidence the answers were built from.
    assert any(s.retrieval for s in grounded.scores)


def test_an_unknown_backend_is_reported_not_fatal(run: EvalRun) -> None:
    assert "no-such-backend" in run.unavailable
    assert "no-such-backend" in run.unavailable["no-such-backend"]


def test_scorer_agreement_is_reported_for_the_split(run: EvalRun) -> None:
    lexical = next(iter(run.agreement.values()))
    assert list(lexical) == ["dev"]
    assert lexical["dev"]["agreement"].total == 40


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.srcs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_reports_are_written_and_the_html_is_self_contained(run: EvalRun, tmp_path: Path) -> None:
    checks = check({n: b.summary for n, b in run.backends.items()}, load_thresholds())
    paths = write_reports(run, tmp_path, checks, "advisor eval --split dev")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert set(data["backends"]) == {"grounded", "naive-langchain"}
    assert data["gate"]["checks"] and "no-such-backend" in data["unavailable"]
    markdown = paths["md"].read_text(encoding="utf-8")
    assert "| metric | grounded | naive-langchain |" in markdown
    page = paths["html"].read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(page)
    assert "svg" in parser.tags and "script" not in parser.tags
    assert not parser.srcs  # no external resource of any kind
    assert "<link" not in page and "http://" not in page and "https://" not in page


def test_html_escapes_every_inserted_text(run: EvalRun) -> None:
    from evals.report_html import to_html

    data = to_dict(run)
    case = _plant_failure(data, run, "grounded")
    case["question"] = PAYLOAD
    case["problems"] = [PAYLOAD]
    case["sentences"] = [
        {
            "text": PAYLOAD,
            "claim": PAYLOAD,
            "structural": None,
            "markers": [],
            "cited_support": False,
            "reasons": [PAYLOAD],
            "unsupported_numbers": [],
        }
    ]
    case["citations"] = [
        {"n": 1, "title": PAYLOAD, "doc_id": PAYLOAD, "start": 0, "end": 1, "quote": PAYLOAD}
    ]
    data["unavailable"] = {PAYLOAD: PAYLOAD}
    page = to_html(data)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert '<mark class="bad">&lt;script&gt;' in page  # the unsupported sentence, highlighted


def _plant_failure(data: dict, run: EvalRun, backend: str) -> dict:
    """Make the backend's first case its only worst failure; returns the case's card data."""
    case = failure_detail(run.backends[backend].scores[0])
    data["backends"][backend]["worst"] = [case["case_id"]]
    data["backends"][backend]["failures"] = [case]
    return case


def _sections_md(markdown: str) -> list[tuple[str, str]]:
    """(heading, body) of every `## ` section of report.md, in order."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_reports_open_with_the_relevance_metrics_and_their_definitions(run: EvalRun) -> None:
    from evals.metrics.answers import DEFINITIONS as RELEVANCE
    from evals.metrics.subquestions import DEFINITIONS as SUB_QUESTIONS
    from evals.report import to_markdown
    from evals.report_html import to_html
    from evals.report_sections import DEFINITIONS

    data = to_dict(run)
    sections = _sections_md(to_markdown(data))
    (first, body), (second, asks), (third, faithful) = sections[0], sections[1], sections[2]
    assert first.startswith("Relevance")
    for key, definition in RELEVANCE.items():
        assert re.search(rf"^\| .*`{key}`.*\| {re.escape(definition)} \|$", body, flags=re.M)
    # each ask of a multi-part message next, measured on the sub-question probes
    assert second.startswith("Sub-questions")
    for key, definition in SUB_QUESTIONS.items():
        assert re.search(
            rf"^\| .*`{key}`\) \| \d\.\d{{3}} .*\| {re.escape(definition)} \|$", asks, flags=re.M
        )
    # the faithfulness figures follow, with their definitions too
    assert third.startswith("Faithfulness")
    for key in ("citation_validity", "citation_recall", "citation_precision"):
        assert f"`{key}`" in faithful and DEFINITIONS[key] in faithful
    page = to_html(data)
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings[0].startswith("Relevance") and headings[1].startswith("Sub-questions")
    assert headings[2].startswith("Faithfulness")
    top = page[: page.index(f"<h2>{headings[1]}")]
    for key, definition in RELEVANCE.items():
        assert key in top and html.escape(definition) in top


def test_gate_lines_and_their_legend_only_when_the_gate_ran(run: EvalRun) -> None:
    from evals.report_html import to_html

    unchecked = to_html(to_dict(run))
    assert "stroke-dasharray" not in unchecked and "gate threshold" not in unchecked
    checks = check({n: b.summary for n, b in run.backends.items()}, load_thresholds())
    checked = to_html(to_dict(run, checks))
    assert "stroke-dasharray" in checked and "dashed line: gate threshold" in checked


TABLE = "| Situation | Do first |\n|---|:---:|\n| **Older grad** | *Recent USCE* [1] |"


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        (TABLE, "Situation · Do first Older grad · Recent USCE [1]"),
        ("| Fresh grad | USCE first | [2]", "Fresh grad · USCE first [2]"),
        ("## Why USCE\n- **Hands-on** first [2]", "Why USCE • Hands-on first [2]"),
        ("See [the guide](http://x.test) and `ERAS`.", "See the guide and ERAS."),
        ("snake_case stays, 8–12 weeks > 4", "snake_case stays, 8–12 weeks > 4"),
        ("---", ""),
    ],
)
def test_plain_text_drops_markdown_markup(markdown: str, plain: str) -> None:
    from evals.plain_text import plain_text

    assert plain_text(markdown) == plain


def test_failures_are_shown_as_text_never_as_markdown_markup(run: EvalRun) -> None:
    from evals.report import to_markdown
    from evals.report_html import to_html

    data = to_dict(run)
    case = _plant_failure(data, run, "naive-langchain")
    case["sentences"] = [
        {
            "text": TABLE,
            "claim": TABLE,
            "structural": None,
            "markers": [1],
            "cited_support": False,
            "reasons": ["not supported"],
            "unsupported_numbers": [],
        }
    ]
    case["citations"] = [
        {"n": 1, "title": "T", "doc_id": "d", "start": 0, "end": 9, "quote": TABLE}
    ]
    markdown = to_markdown(data)
    failures = markdown[markdown.index("## Worst failures") :]
    sentences = "\n".join(x for x in failures.splitlines() if x.startswith("  - unsupported:"))
    page = to_html(data)
    cards = page[page.index("<h2>Worst failures") :]
    for text in (sentences, cards):
        assert "Older grad · Recent USCE [1]" in text
        assert "|---" not in text and "**" not in text and "| Situation" not in text
    assert "<table" not in cards  # text, not a rendered table


def test_the_baseline_shows_n_a_where_it_cannot_be_scored(run: EvalRun) -> None:
    from evals.backends import BASELINE_UNSCORED
    from evals.report import to_markdown
    from evals.report_html import to_html

    data = to_dict(run)
    baseline = run.backends["naive-langchain"]
    assert baseline.unscored == BASELINE_UNSCORED and not run.backends["grounded"].unscored
    # the figure itself is unchanged; only the reports decline to compare it
    assert data["backends"]["naive-langchain"]["summary"]["verdict_accuracy"]["value"] == (
        baseline.summary["verdict_accuracy"].value
    )
    markdown = to_markdown(data)
    row = next(line for line in markdown.splitlines() if "(`verdict_accuracy`)" in line)
    grounded, naive = row.split(" | ")[1:3]
    assert naive == "n/a — the baseline gives no verdict"
    assert not grounded.startswith("n/a")
    row = next(line for line in markdown.splitlines() if "(`evidence_recall`)" in line)
    assert not row.split(" | ")[2].startswith("n/a")  # scored where it can be
    page = to_html(data)
    assert 'n/a <span class="muted small">— the baseline gives no verdict</span>' in page
    assert "the baseline never abstains" in page


def test_report_json_is_compact_unless_full_is_asked_for(run: EvalRun, tmp_path: Path) -> None:
    compact = json.loads(write_reports(run, tmp_path / "c")["json"].read_text(encoding="utf-8"))
    full_path = write_reports(run, tmp_path / "f", full_json=True)["json"]
    full = json.loads(full_path.read_text(encoding="utf-8"))
    assert not compact["meta"]["full"] and full["meta"]["full"]
    for name, backend in compact["backends"].items():
        assert backend["summary"] == full["backends"][name]["summary"]
        assert [c["case_id"] for c in backend["cases"]] == run.case_ids
        for case in backend["cases"]:
            assert "answer" not in case and "sentences" not in case and "question" not in case
            assert {"problems", "severity", "verdict", "abstained"} <= set(case)
        # the worst failures' cards are in report.md and report.html; report.json names them
        assert "failures" not in backend and backend["worst"] == full["backends"][name]["worst"]
        for case in full["backends"][name]["cases"]:  # every case's Answer and judgements
            assert case["answer"]["answer"] and "sentences" in case
    assert len(json.dumps(compact)) < len(json.dumps(full))


def write_mini_dataset(tmp_path: Path) -> Path:
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in MINI_CASES) + "\n", encoding="utf-8")
    return path


def test_cli_eval_writes_reports_and_gate_fails_with_the_metric_and_shortfall(
    data_dir: Path, tmp_path: Path
) -> None:
    dataset = write_mini_dataset(tmp_path)
    strict = tmp_path / "strict.toml"
    strict.write_text('[grounded.min]\nabstention_recall = 1.01\n"retrieval_hit@4" = 0\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--dataset",
            str(dataset),
            "--split",
            "all",
            "--out",
            str(out),
            "--check",
            "--thresholds",
            str(strict),
            "--data-dir",
            str(data_dir),
            "--llm",
            "grounded",
            "--llm",
            "local-not-here",
        ],
        env={"ADVISOR_EMBEDDER": "fake", "ADVISOR_CORPUS_DIR": "corpus"},
    )
    assert result.exit_code == 1, result.output
    assert re.search(
        r"FAIL.*abstention_recall = 1 \(1/1\), needs >= 1\.01: misses by 0\.01", result.output
    )
    assert re.search(r"pass.*retrieval_hit@4", result.output)
    assert "local-not-here" in result.output  # reported as unavailable
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "answer" not in data["backends"]["grounded"]["cases"][0]  # compact by default


def test_cli_eval_gate_passes_and_splits_filter(data_dir: Path, tmp_path: Path) -> None:
    dataset = write_mini_dataset(tmp_path)
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[grounded.max]\nerrors = 0\n")
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--dataset",
            str(dataset),
            "--split",
            "heldout",
            "--out",
            str(tmp_path / "o"),
            "--check",
            "--thresholds",
            str(lenient),
            "--data-dir",
            str(data_dir),
            "--no-baseline",
            "--full-json",
        ],
        env={"ADVISOR_EMBEDDER": "fake", "ADVISOR_CORPUS_DIR": "corpus"},
    )
    assert result.exit_code == 0, result.output
    assert "Gate passed" in result.output
    data = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert data["gate"]["checks"][0]["status"] == "pass"
    assert data["meta"]["cases"] == 1 and list(data["backends"]) == ["grounded"]
    assert "--full-json" in data["meta"]["command"]
    assert data["backends"]["grounded"]["cases"][0]["answer"]["answer"]  # every case in full


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "test"], "--split must be one of"),
        (["--dataset", "no/such/file.jsonl"], "cannot read"),
    ],
)
def test_cli_eval_bad_input_is_one_clear_line(
    data_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        app,
        ["eval", "--data-dir", str(data_dir), "--out", str(tmp_path), *args],
        env={"ADVISOR_EMBEDDER": "fake"},
    )
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_cli_eval_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["eval", "--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "o")],
        env={"ADVISOR_EMBEDDER": "fake"},
    )
    assert result.exit_code == 1
    assert "advisor ingest" in result.output
