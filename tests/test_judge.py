"""The optional RAGAS judge: its pure parts, `advisor eval --judge` wiring, and ragas itself.

Everything but the last test runs without ragas (it is not in the main venv: docs/evals.md). The
judge is replaced by a fake; the ragas test talks to a stub OpenAI-compatible server on
127.0.0.1 that answers with canned JSON, so no model and no network are needed.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.settings import Settings
from evals import judge as judge_mod
from evals.judge import (
    FAITHFULNESS,
    INSTALL_HINT,
    JUDGE_METRICS,
    RELEVANCY,
    JudgeConfig,
    JudgeError,
    JudgeSample,
    judge_means,
    judge_run,
    judge_sample,
    require_ragas,
)
from evals.report import summary_metrics, to_dict, to_markdown
from evals.report_html import to_html
from evals.runner import BackendRun, EvalRun
from evals.scoring import METRICS, CaseScore, summarize
from ingest.embedder import FakeEmbedder
from ingest.pipeline import run_ingest


def _answer(text: str, quotes: list[str], *, abstained: bool = False) -> dict[str, Any]:
    citations = [{"n": i, "quote": q} for i, q in enumerate(quotes, start=1)]
    return {"question": "Q?", "answer": text, "abstained": abstained, "citations": citations}


def _case(case_id: str, answer: dict[str, Any] | None, error: str | None = None) -> CaseScore:
    return CaseScore(
        case_id=case_id,
        category="factual",
        split="dev",
        question="Q?",
        backend="grounded",
        error=error,
        answer=answer,
    )


def _run(*backends: tuple[str, list[CaseScore]]) -> EvalRun:
    run = EvalRun(split="dev", dataset="mini", case_ids=[s.case_id for s in backends[0][1]])
    for name, scores in backends:
        run.backends[name] = BackendRun(name, scores, summarize(scores))
    return run


CONFIG = JudgeConfig(model="fake-judge", base_url="http://127.0.0.1:9/v1", api_key="unused")


class FakeJudge:
    """Scores from a table by case id; records what it was asked."""

    def __init__(self, table: dict[str, dict[str, float | None]]) -> None:
        self.table = table
        self.seen: list[JudgeSample] = []
        self.closed = False

    def __call__(self, sample: JudgeSample) -> dict[str, float | None]:
        self.seen.append(sample)
        return self.table[sample.case_id]

    def close(self) -> None:
        self.closed = True


# --- the pure parts ---------------------------------------------------------------------------


def test_a_scored_case_becomes_the_judge_sample_without_markers() -> None:
    answer = _answer(
        "**Recommendation:** rotations first [1]. Hands-on USCE matters [1][2].",
        ["Hands-on USCE matters.", "Programs want USCE.", "Hands-on USCE matters."],
    )
    sample = judge_sample(_case("c1", answer))
    assert sample == JudgeSample(
        case_id="c1",
        question="Q?",
        answer="**Recommendation:** rotations first. Hands-on USCE matters.",
        contexts=("Hands-on USCE matters.", "Programs want USCE."),  # deduplicated, in order
    )


@pytest.mark.parametrize(
    "score",
    [
        _case("err", None, error="RuntimeError: boom"),
        _case("abstain", _answer("I can only answer about USCE.", [], abstained=True)),
        _case("empty", _answer(" [1] ", ["quote"])),
    ],
    ids=["error", "abstention", "empty"],
)
def test_errors_abstentions_and_empty_answers_are_not_judged(score: CaseScore) -> None:
    assert judge_sample(score) is None


def test_means_are_over_the_answers_the_judge_scored() -> None:
    scores = [_case(f"c{i}", None) for i in range(3)]
    scores[0].judge = {FAITHFULNESS: 1.0, RELEVANCY: 0.5}
    scores[1].judge = {FAITHFULNESS: 0.5, RELEVANCY: None}
    means = judge_means(scores)
    assert means[FAITHFULNESS].value == pytest.approx(0.75)
    assert means[FAITHFULNESS].total == 2
    assert means[RELEVANCY].value == pytest.approx(0.5) and means[RELEVANCY].total == 1
    assert judge_means([]) == {key: judge_means([])[key] for key, _, _ in JUDGE_METRICS}
    assert all(f.value is None for f in judge_means([]).values())


def test_no_judge_configured_means_no_judge_and_no_rows() -> None:
    assert JudgeConfig.from_settings(Settings(judge_model=None)) is None
    config = JudgeConfig.from_settings(
        Settings(judge_model="m", judge_base_url="http://127.0.0.1:8081/v1")
    )
    assert config is not None and config.api_key == "unused"  # local servers take any key
    run = _run(("grounded", [_case("c1", _answer("USCE first [1].", ["USCE first."]))]))
    assert summary_metrics(run) == METRICS
    data = to_dict(run)
    assert data["meta"]["judge"] is None
    assert not [m for m in data["metrics"] if m["key"].startswith("ragas_")]
    assert "RAGAS" not in to_markdown(data)


def test_judge_run_adds_per_backend_means_beside_the_deterministic_figures() -> None:
    grounded = [
        _case("c1", _answer("USCE first [1].", ["USCE first."])),
        _case("c2", _answer("Research helps [1].", ["Research helps."])),
        _case("c3", _answer("Out of scope.", [], abstained=True)),
    ]
    baseline = [_case("c1", _answer("Chunk text [1].", ["Chunk text."]))]
    baseline[0].case_id = "b1"
    fake = FakeJudge(
        {
            "c1": {FAITHFULNESS: 1.0, RELEVANCY: 0.8},
            "c2": {FAITHFULNESS: 0.5, RELEVANCY: None},
            "b1": {FAITHFULNESS: 0.25, RELEVANCY: 0.4},
        }
    )
    run = _run(("grounded", grounded), ("naive-langchain", baseline))
    seen: list[tuple[str, int, int]] = []
    report = judge_run(run, fake, CONFIG, lambda *a: seen.append(a))

    assert [s.case_id for s in fake.seen] == ["c1", "c2", "b1"] and fake.closed
    assert seen[-1] == ("judge naive-langchain", 1, 1)
    summary = run.backends["grounded"].summary
    assert summary[FAITHFULNESS].value == pytest.approx(0.75)
    assert summary[RELEVANCY].value == pytest.approx(0.8)
    assert "citation_validity" in summary  # the deterministic figures stay
    assert run.backends["naive-langchain"].summary[FAITHFULNESS].value == pytest.approx(0.25)
    assert report.answers == 3 and report.failed == {FAITHFULNESS: 0, RELEVANCY: 1}
    assert report.warnings == [f"{RELEVANCY}: no score for 1 of 3 answers (left out of the mean)"]

    data = to_dict(run)
    keys = [m["key"] for m in data["metrics"]]
    assert keys[-2:] == [FAITHFULNESS, RELEVANCY]
    assert data["meta"]["judge"]["model"] == "fake-judge"
    case = data["backends"]["grounded"]["cases"][0]
    assert case["judge"] == {FAITHFULNESS: 1.0, RELEVANCY: 0.8}
    markdown = to_markdown(data)
    assert "RAGAS faithfulness (judge, not gated) (`ragas_faithfulness`) | 0.750 | 0.250 |" in (
        markdown
    )
    assert "RAGAS judge `fake-judge`: 3 answers" in markdown
    page = to_html(data)
    assert "RAGAS answer relevancy" in page and "http://" not in page


def test_a_judge_that_stops_leaves_one_warning_and_no_figures() -> None:
    class DeadJudge(FakeJudge):
        def __call__(self, sample: JudgeSample) -> dict[str, float | None]:
            if self.seen:
                raise JudgeError("judge model 'm' at http://127.0.0.1:9/v1: APIConnectionError")
            return super().__call__(sample)

    scores = [_case(f"c{i}", _answer("USCE first [1].", ["USCE first."])) for i in range(3)]
    dead = DeadJudge({"c0": {FAITHFULNESS: 1.0, RELEVANCY: 1.0}})
    run = _run(("grounded", scores))
    report = judge_run(run, dead, CONFIG)
    assert dead.closed
    assert report.warnings == [
        "judge stopped, no RAGAS figures: judge model 'm' at http://127.0.0.1:9/v1: "
        "APIConnectionError"
    ]
    assert FAITHFULNESS not in run.backends["grounded"].summary
    assert all(s.judge == {} for s in scores)
    assert summary_metrics(run) == METRICS
    assert "Warning: judge stopped" in to_markdown(to_dict(run))


def test_a_judge_bug_is_a_warning_too() -> None:
    def broken(sample: JudgeSample) -> dict[str, float | None]:
        raise KeyError("statements")

    run = _run(("grounded", [_case("c1", _answer("USCE first [1].", ["USCE first."]))]))
    report = judge_run(run, broken, CONFIG)
    assert report.warnings == ["judge stopped, no RAGAS figures: KeyError: 'statements'"]


def test_missing_ragas_is_one_line_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ragas", None)  # import ragas now fails, installed or not
    with pytest.raises(JudgeError) as caught:
        require_ragas()
    assert str(caught.value) == INSTALL_HINT
    assert "pip install -e '.[judge]'" in INSTALL_HINT and "\n" not in INSTALL_HINT


def test_run_judge_without_ragas_warns_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ragas", None)
    run = _run(("grounded", [_case("c1", _answer("USCE first [1].", ["USCE first."]))]))
    report = judge_mod.run_judge(run, CONFIG, "fake")
    assert report.warnings == [f"judge not started, no RAGAS figures: {INSTALL_HINT}"]
    assert run.judge is not None and run.judge["answers"] == 0


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (
            {"type": "json_schema", "json_schema": {"name": "Out", "schema": {"type": "object"}}},
            {"type": "json_object", "schema": {"type": "object"}},
        ),
        (
            {"type": "json_object", "schema": {"type": "object"}},
            {"type": "json_object", "schema": {"type": "object"}},
        ),
        ({"type": "json_object"}, {"type": "json_object"}),
        (None, None),
    ],
)
def test_the_schema_goes_to_a_local_server_in_llama_cpp_form(sent: Any, expected: Any) -> None:
    body = {"model": "m", "messages": [], "response_format": sent}
    fixed = judge_mod.llama_cpp_response_format(body)
    assert fixed["response_format"] == expected and fixed["messages"] == []


# --- `advisor eval --judge` ------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("judge")
    settings = Settings(corpus_dir=Path("corpus"), data_dir=root / "data", embedder="fake")
    run_ingest(settings)
    return settings.data_dir


MINI = [
    {
        "id": "j-001",
        "split": "dev",
        "category": "factual",
        "question": "Is an observership hands-on clinical experience?",
        "expect_abstain": False,
        "expected_verdict": None,
        "expected_missing": False,
        "gold": [],
    },
    {
        "id": "j-002",
        "split": "dev",
        "category": "out_of_scope",
        "question": "What is the best dose of ibuprofen for a sprained ankle?",
        "expect_abstain": True,
        "expected_verdict": None,
        "expected_missing": False,
        "gold": [],
    },
]


def _eval(data_dir: Path, tmp_path: Path, env: dict[str, str], *extra: str) -> Any:
    dataset = tmp_path / "mini.jsonl"
    dataset.write_text("".join(json.dumps(c) + "\n" for c in MINI), encoding="utf-8")
    args = ["eval", "--dataset", str(dataset), "--data-dir", str(data_dir)]
    args += ["--out", str(tmp_path / "out"), *extra]
    return CliRunner().invoke(app, args, env={"ADVISOR_EMBEDDER": "fake", **env})


JUDGE_ENV = {"ADVISOR_JUDGE_MODEL": "fake-judge", "ADVISOR_JUDGE_BASE_URL": "http://127.0.0.1:9/v1"}


def test_cli_judge_without_a_model_is_one_clear_line(data_dir: Path, tmp_path: Path) -> None:
    result = _eval(data_dir, tmp_path, {"ADVISOR_JUDGE_MODEL": ""}, "--judge")
    assert result.exit_code == 1
    assert "--judge needs a judge model: set ADVISOR_JUDGE_MODEL" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_cli_judge_without_ragas_says_how_to_install_it(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ragas", None)
    result = _eval(data_dir, tmp_path, JUDGE_ENV, "--judge")
    assert result.exit_code == 1
    assert "pip install -e '.[judge]'" in result.output and "Traceback" not in result.output


def test_cli_judge_adds_the_ragas_rows(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[JudgeConfig, Any]] = []

    def fake_make_judge(config: JudgeConfig, embedder: Any) -> FakeJudge:
        made.append((config, embedder))
        return FakeJudge(
            {"j-001": {FAITHFULNESS: 0.9, RELEVANCY: 0.7}, "j-002": {FAITHFULNESS: 0.1}}
        )

    monkeypatch.setattr("evals.cli.require_ragas", lambda: None)
    monkeypatch.setattr(judge_mod, "make_judge", fake_make_judge)
    result = _eval(data_dir, tmp_path, JUDGE_ENV, "--judge")
    assert result.exit_code == 0, result.output
    config, embedder = made[0]
    assert config == JudgeConfig("fake-judge", "http://127.0.0.1:9/v1", "unused")
    assert isinstance(embedder, FakeEmbedder)  # the project's embedder, as configured
    assert "RAGAS faithfulness" in result.output
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "--judge" in data["meta"]["command"]
    for name in ("grounded", "naive-langchain"):
        assert data["backends"][name]["summary"][FAITHFULNESS]["value"] is not None
    assert data["meta"]["judge"]["answers"] >= 2


def test_cli_judge_endpoint_down_is_a_warning_and_the_report_is_written(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(sample: JudgeSample) -> dict[str, float | None]:
        raise JudgeError("judge model 'fake-judge' at http://127.0.0.1:9/v1: APIConnectionError")

    monkeypatch.setattr("evals.cli.require_ragas", lambda: None)
    monkeypatch.setattr(judge_mod, "make_judge", lambda config, embedder: down)
    result = _eval(data_dir, tmp_path, JUDGE_ENV, "--judge")
    assert result.exit_code == 0, result.output
    assert "judge: judge stopped, no RAGAS figures: judge model 'fake-judge'" in result.output
    assert "Traceback" not in result.output
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert FAITHFULNESS not in data["backends"]["grounded"]["summary"]
    assert data["backends"]["grounded"]["summary"]["citation_validity"]["value"] is not None


def test_cli_without_judge_never_touches_it(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any) -> None:
        raise AssertionError("the judge ran without --judge")

    monkeypatch.setattr("evals.cli.require_ragas", forbidden)
    monkeypatch.setattr(judge_mod, "make_judge", forbidden)
    result = _eval(data_dir, tmp_path, JUDGE_ENV)  # configured, but not asked for
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["meta"]["judge"] is None and "RAGAS" not in result.output


# --- ragas itself, when installed (pip install -e '.[judge]') --------------------------------


def _need_ragas() -> None:
    """Skip when ragas is not installed; a ragas that is installed but broken fails the test."""
    try:
        require_ragas()
    except JudgeError as exc:
        if str(exc) != INSTALL_HINT:
            raise
        pytest.skip("ragas is not installed (pip install -e '.[judge]')")


class _StubJudgeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that answers each RAGAS prompt with fixed JSON."""

    formats: ClassVar[list[Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.formats.append(body.get("response_format"))
        prompt = body["messages"][-1]["content"]
        if "judge the faithfulness" in prompt:
            content: dict[str, Any] = {
                "statements": [
                    {"statement": "Hands-on USCE comes first.", "reason": "stated", "verdict": 1},
                    {"statement": "Research is useless.", "reason": "not stated", "verdict": 0},
                ]
            }
        elif "Break down each sentence" in prompt:
            content = {"statements": ["Hands-on USCE comes first.", "Research is useless."]}
        else:
            content = {"question": "Should I do hands-on USCE first?", "noncommittal": 0}
        reply = {
            "id": "stub",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(content)},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_judge_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubJudgeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_ragas_scores_through_an_openai_compatible_endpoint(stub_judge_url: str) -> None:
    _need_ragas()
    config = JudgeConfig(model="stub", base_url=stub_judge_url, api_key="unused")
    judge = judge_mod.make_judge(config, FakeEmbedder())
    try:
        scores = judge(
            JudgeSample(
                "c1",
                "Should I do hands-on USCE first?",
                "Hands-on USCE comes first. Research is useless.",
                ("Hands-on USCE comes first.",),
            )
        )
    finally:
        judge.close()
    assert scores[FAITHFULNESS] == pytest.approx(0.5)  # one of two statements supported
    # Every request carried its schema in the form llama.cpp's server constrains decoding to.
    assert _StubJudgeModel.formats
    assert all(f["type"] == "json_object" and "schema" in f for f in _StubJudgeModel.formats)
    # The generated question is the question itself: cosine 1 with any embedder.
    assert scores[RELEVANCY] == pytest.approx(1.0)


def test_ragas_judge_on_a_dead_endpoint_stops_with_one_line() -> None:
    _need_ragas()
    config = JudgeConfig(model="m", base_url="http://127.0.0.1:9/v1", api_key="unused")
    run = _run(("grounded", [_case("c1", _answer("USCE first [1].", ["USCE first."]))]))
    report = judge_run(run, judge_mod.make_judge(config, FakeEmbedder()), config)
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("judge stopped, no RAGAS figures: judge model 'm' at")
