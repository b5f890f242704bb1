"""The optional RAGAS judge: faithfulness and answer relevancy from an OpenAI-compatible model.

    config = JudgeConfig.from_settings(settings)   # None when ADVISOR_JUDGE_MODEL is unset
    report = run_judge(run, config)   # adds ragas_* figures to each backend's summary

Off by default (`advisor eval --judge`), never gated and never needed for CI: every gated figure
is deterministic (docs/evals.md). ragas is an optional extra (`pip install -e '.[judge]'`) that
needs older openai and rich releases than the app, so it lives in a venv of its own and is
imported only inside `make_judge`.

What the judge sees for one answer: the question, the answer text without citation markers, and
as contexts the answer's citation quotes, which is what the user is shown (for the baseline, its
top-4 chunks). Errors and abstentions are not judged: a refusal has no claims to check, and
RAGAS would score its relevancy 0. Answer relevancy embeds with the project's embedder
(all-MiniLM-L6-v2), so nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import os
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.text.support import strip_markers
from evals.scoring import CaseScore, Figure

if TYPE_CHECKING:
    from assistant.core.settings import Settings
    from evals.runner import EvalRun
    from ingest.embedder import Embedder

FAITHFULNESS = "ragas_faithfulness"
RELEVANCY = "ragas_answer_relevancy"
# Summary rows the judge adds, in the METRICS format (key, label, kind).
JUDGE_METRICS: tuple[tuple[str, str, str], ...] = (
    (FAITHFULNESS, "RAGAS faithfulness (judge, not gated)", "mean"),
    (RELEVANCY, "RAGAS answer relevancy (judge, not gated)", "mean"),
)
INSTALL_HINT = (
    "the judge needs ragas, which is not installed: in a venv of its own, "
    "pip install -e '.[judge]' (docs/evals.md)"
)
# ragas 0.4.3 imports a module that current langchain-community releases no longer ship
# (ragas issue #2745); it only uses the class in an isinstance list.
_VERTEX_MODULE = "langchain_community.chat_models.vertexai"

# One answer's judge figures: metric key -> value, None when the judge gave none.
CaseJudge = Callable[["JudgeSample"], dict[str, float | None]]
# (task, done, total) after each judged answer; for a progress bar.
JudgeProgress = Callable[[str, int, int], None]


class JudgeError(RuntimeError):
    """The judge cannot run at all; the message is one line saying why and what to do."""


@dataclass(frozen=True)
class JudgeConfig:
    """Where the judge model is and how long to wait for it."""

    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = 180.0
    max_tokens: int = 1024
    attempts: int = 2  # instructor re-asks once when the JSON does not fit the schema

    @classmethod
    def from_settings(cls, settings: Settings) -> JudgeConfig | None:
        """The judge configured by `ADVISOR_JUDGE_*`, or None when no judge model is set."""
        if not settings.judge_model:
            return None
        key = settings.judge_api_key.get_secret_value() if settings.judge_api_key else None
        if key is None and settings.judge_base_url:
            key = "unused"  # local OpenAI-compatible servers accept any key
        return cls(model=settings.judge_model, base_url=settings.judge_base_url, api_key=key)


@dataclass(frozen=True)
class JudgeSample:
    """What the judge is given for one answer."""

    case_id: str
    question: str
    answer: str
    contexts: tuple[str, ...]


@dataclass
class JudgeReport:
    """How the judge run went, for report.json's `meta.judge`."""

    model: str
    base_url: str | None
    answers: int = 0
    seconds: float = 0.0
    failed: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def judge_sample(score: CaseScore) -> JudgeSample | None:
    """The judge's input for a scored case, or None when the case is not judged.

    Args:
        score: One backend's scored case.

    Returns:
        The sample; None for an error, an abstention or an empty answer.
    """
    answer = score.answer
    if score.error or answer is None or answer.get("abstained"):
        return None
    text = strip_markers(answer.get("answer") or "")
    if not text:
        return None
    quotes = [c.get("quote") or "" for c in answer.get("citations") or []]
    contexts = tuple(dict.fromkeys(q for q in quotes if q.strip()))
    return JudgeSample(score.case_id, answer.get("question") or score.question, text, contexts)


def judge_means(scores: Sequence[CaseScore]) -> dict[str, Figure]:
    """A backend's judge figures: the mean over the answers the judge scored.

    `total` is how many answers that mean is over (failures and unjudged cases excluded).
    """
    out: dict[str, Figure] = {}
    for key, _, _ in JUDGE_METRICS:
        values = [v for s in scores if (v := s.judge.get(key)) is not None]
        out[key] = Figure(sum(values) / len(values) if values else None, None, len(values))
    return out


def judge_run(
    run: EvalRun,
    judge: CaseJudge,
    config: JudgeConfig,
    progress: JudgeProgress | None = None,
) -> JudgeReport:
    """Judge every answer of every backend in `run`, in place, and add the means to summaries.

    Never raises. When the judge cannot go on (endpoint down, model unknown), no judge figure is
    kept and the report's one warning says why. An answer the judge could not score counts in
    `failed` and is left out of the mean. The report is also stored as `run.judge`.

    Args:
        run: A finished eval run.
        judge: Scores one sample (`make_judge`, or a fake in tests).
        config: The judge's configuration (for the report).
        progress: Called after each judged answer.

    Returns:
        The `JudgeReport`.
    """
    report = JudgeReport(model=config.model, base_url=config.base_url)
    started = time.perf_counter()
    try:
        for name, backend in run.backends.items():
            todo = [(s, sample) for s in backend.scores if (sample := judge_sample(s)) is not None]
            for done, (score, sample) in enumerate(todo, start=1):
                score.judge = dict(judge(sample))
                report.answers += 1
                for key, value in score.judge.items():
                    report.failed[key] = report.failed.get(key, 0) + (value is None)
                if progress is not None:
                    progress(f"judge {name}", done, len(todo))
    except Exception as exc:  # the judge is optional: its failure must not cost the report
        report.warnings.append(f"judge stopped, no RAGAS figures: {_describe(exc)}")
        for backend in run.backends.values():
            for score in backend.scores:
                score.judge = {}
        report.answers, report.failed = 0, {}
    else:
        for backend in run.backends.values():
            backend.summary.update(judge_means(backend.scores))
        for key, count in report.failed.items():
            if count:
                report.warnings.append(
                    f"{key}: no score for {count} of {report.answers} answers "
                    "(left out of the mean)"
                )
        errors = getattr(judge, "errors", None)
        if errors:
            kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(errors.items()))
            report.warnings.append(f"judge calls that failed: {kinds}")
    finally:
        close = getattr(judge, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()
    report.seconds = round(time.perf_counter() - started, 2)
    run.judge = dataclasses.asdict(report)
    return report


def run_judge(
    run: EvalRun,
    config: JudgeConfig,
    embedder_name: str = "minilm",
    progress: JudgeProgress | None = None,
) -> JudgeReport:
    """Start the RAGAS judge and judge `run` with it (`judge_run`). Never raises.

    A judge that cannot start (ragas missing, a bad configuration) leaves no RAGAS figure and
    one warning in the report.
    """
    from ingest.embedder import get_embedder

    try:
        judge = make_judge(config, get_embedder(embedder_name))
    except Exception as exc:  # the report must still be written
        report = JudgeReport(model=config.model, base_url=config.base_url)
        report.warnings.append(f"judge not started, no RAGAS figures: {_describe(exc)}")
        run.judge = dataclasses.asdict(report)
        return report
    return judge_run(run, judge, config, progress)


def _describe(exc: BaseException) -> str:
    why = str(exc) if isinstance(exc, JudgeError) else f"{type(exc).__name__}: {exc}"
    return _one_line(why)


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _ensure_importable() -> None:
    """Stub the module ragas 0.4.3 imports but current langchain-community no longer ships."""
    if _VERTEX_MODULE in sys.modules:
        return
    try:
        __import__(_VERTEX_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _VERTEX_MODULE:
            return  # no langchain-community at all: ragas' own import error will say so
        stub = types.ModuleType(_VERTEX_MODULE)
        stub.ChatVertexAI = type("ChatVertexAI", (), {})  # type: ignore[attr-defined]
        sys.modules[_VERTEX_MODULE] = stub


def require_ragas() -> None:
    """Raise `JudgeError` with the install hint when ragas cannot be imported."""
    # ragas posts usage analytics unless told not to; an eval never sends data anywhere.
    os.environ["RAGAS_DO_NOT_TRACK"] = "true"
    _ensure_importable()
    try:
        import ragas  # noqa: F401
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name == "ragas":
            raise JudgeError(INSTALL_HINT) from None
        raise JudgeError(f"ragas cannot be imported: {_one_line(str(exc))}") from None


def make_judge(config: JudgeConfig, embedder: Embedder) -> RagasJudge:
    """The RAGAS judge for `config`, answer relevancy embedding with `embedder`.

    Raises:
        JudgeError: ragas is not installed (the message has the install command).
    """
    require_ragas()
    return RagasJudge(config, embedder)


class RagasJudge:
    """RAGAS 0.4 collections metrics on an OpenAI-compatible endpoint, one answer per call."""

    def __init__(self, config: JudgeConfig, embedder: Embedder) -> None:
        import instructor
        import openai
        from ragas.embeddings.base import BaseRagasEmbedding
        from ragas.llms.base import InstructorLLM, InstructorModelArgs
        from ragas.metrics.collections import AnswerRelevancy, Faithfulness

        class ProjectEmbedding(BaseRagasEmbedding):
            """The project's embedder behind ragas' embedding interface."""

            def embed_text(self, text: str, **kwargs: Any) -> list[float]:
                return [float(x) for x in embedder.embed([text])[0]]

            async def aembed_text(self, text: str, **kwargs: Any) -> list[float]:
                return self.embed_text(text)

        self.config = config
        self._openai = openai
        self._loop = asyncio.new_event_loop()
        # What `llm_factory` builds, but with the output schema sent along to a self-hosted
        # endpoint in the form llama.cpp's server reads: it then constrains decoding to the
        # schema, without which a small model rarely returns JSON that fits. api.openai.com gets
        # ragas' plain JSON mode.
        self._client = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout_s,
            max_retries=1,  # the client's own retries would hide a dead endpoint for a minute
            http_client=_schema_http_client(config.timeout_s) if config.base_url else None,
        )
        mode = instructor.Mode.JSON_SCHEMA if config.base_url else instructor.Mode.JSON
        llm = InstructorLLM(
            client=instructor.from_openai(self._client, mode=mode),
            model=config.model,
            provider="openai",
            model_args=InstructorModelArgs(temperature=0.0, max_tokens=config.max_tokens),
            max_retries=config.attempts,
        )
        self.faithfulness = Faithfulness(llm=llm)
        # One generated question, not ragas' three: with greedy decoding they are the same.
        self.relevancy = AnswerRelevancy(llm=llm, embeddings=ProjectEmbedding(), strictness=1)
        self.errors: Counter[str] = Counter()

    def __call__(self, sample: JudgeSample) -> dict[str, float | None]:
        return self._loop.run_until_complete(self._score(sample))

    async def _score(self, sample: JudgeSample) -> dict[str, float | None]:
        faithfulness = None
        if sample.contexts:
            faithfulness = await self._metric(
                self.faithfulness.ascore(
                    user_input=sample.question,
                    response=sample.answer,
                    retrieved_contexts=list(sample.contexts),
                )
            )
        relevancy = await self._metric(
            self.relevancy.ascore(user_input=sample.question, response=sample.answer)
        )
        return {FAITHFULNESS: faithfulness, RELEVANCY: relevancy}

    async def _metric(self, pending: Any) -> float | None:
        fatal = (
            self._openai.APIConnectionError,
            self._openai.AuthenticationError,
            self._openai.NotFoundError,
            self._openai.PermissionDeniedError,
        )
        try:
            result = await pending
        except Exception as exc:
            # instructor 1.4+ wraps every error, the endpoint's too, in InstructorRetryException.
            cause = _find_cause(exc, (self._openai.APITimeoutError, *fatal))
            if cause is not None and not isinstance(cause, self._openai.APITimeoutError):
                where = self.config.base_url or "api.openai.com"
                raise JudgeError(
                    f"judge model {self.config.model!r} at {where}: {type(cause).__name__}: {cause}"
                ) from None
            # A slow answer, unparseable JSON, a context overflow: this answer only.
            self.errors[type(cause or exc).__name__] += 1
            return None
        value = getattr(result, "value", None)
        if not isinstance(value, int | float) or math.isnan(value):
            return None  # e.g. faithfulness of an answer the judge found no statement in
        return float(value)

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._client.close())
        finally:
            self._loop.close()


def _find_cause(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """The first exception of `kinds` in `exc`'s chain of causes, or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def llama_cpp_response_format(body: dict[str, Any]) -> dict[str, Any]:
    """A chat request with OpenAI's `json_schema` response format in llama.cpp's form.

    instructor's JSON_SCHEMA mode writes `{"type": "json_schema", "json_schema": {"schema"}}`
    (1.4 and later) or `{"type": "json_object", "schema"}` (earlier). llama-cpp-python's server
    accepts only the second, and constrains decoding to the schema.
    """
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return body
    schema = (fmt.get("json_schema") or {}).get("schema")
    if schema is None:
        return {**body, "response_format": {"type": "json_object"}}
    return {**body, "response_format": {"type": "json_object", "schema": schema}}


def _schema_http_client(timeout_s: float) -> Any:
    """An httpx client that rewrites chat requests with `llama_cpp_response_format`."""
    import json

    import httpx

    class Transport(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "POST" and request.url.path.endswith("/chat/completions"):
                body = json.loads(await request.aread() or b"{}")
                fixed = llama_cpp_response_format(body)
                if fixed is not body:
                    headers = {
                        k: v for k, v in request.headers.items() if k.lower() != "content-length"
                    }
                    request = httpx.Request(
                        request.method,
                        request.url,
                        headers=headers,
                        content=json.dumps(fixed).encode(),
                        extensions=request.extensions,
                    )
            return await super().handle_async_request(request)

    return httpx.AsyncClient(transport=Transport(), timeout=timeout_s)


def judge_metrics(summaries: Mapping[str, Mapping[str, Any]]) -> tuple[tuple[str, str, str], ...]:
    """The judge's summary rows when any backend has them, else none."""
    if any(FAITHFULNESS in s for s in summaries.values()):
        return JUDGE_METRICS
    return ()
