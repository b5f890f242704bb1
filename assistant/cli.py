"""`advisor` command line: thin wrappers that turn domain errors into one clear line."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from assistant.core.settings import Settings

if TYPE_CHECKING:
    from assistant.core.types import Answer


class PluginGroup(TyperGroup):
    """The `advisor` command group, plus the commands other installed packages add by entry
    point (group `advisor.commands`: the eval suite's `eval` and `bench`, evals/commands.py).

    The product never imports them and works without them. They are looked up only when a
    command name is not one of ours, or for `--help`: scanning the installed packages' entry
    points costs about 70 ms, which `advisor ask` should not pay.
    """

    _plugins_loaded = False

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for entry in entry_points(group="advisor.commands"):
            try:
                commands = typer.main.get_group(entry.load()())
            except ImportError:  # the package is not installed here: its commands are absent
                continue
            for name, command in commands.commands.items():
                self.commands.setdefault(name, command)

    # Typer vendors its own click; its Context and Command types stay Typer's business.
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self._load_plugins()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._load_plugins()
        return super().list_commands(ctx)


app = typer.Typer(
    cls=PluginGroup,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="IMG Advisor: USCE or research first? Answers with verified citations.",
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


@contextmanager
def stage_progress(
    console: Console, *, disable: bool = False, prefix: str = ""
) -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar per stage on `console`; yields the `(stage, done, total)`
    callback that ingest and the eval runner report to."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        disable=disable,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{prefix}{stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield progress


def working(message: str) -> AbstractContextManager[Any]:
    """A spinner on stderr while the index and models load, on a terminal only: piped output and
    scripts see nothing extra, and stdout stays the answer alone."""
    return err.status(message, spinner="dots") if err.is_terminal else nullcontext()


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _settings(data_dir: Path | None, corpus: Path | None = None) -> Settings:
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if corpus is not None:
        overrides["corpus_dir"] = corpus
    return Settings(**overrides)


DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Index folder (default .data, ADVISOR_DATA_DIR).")
]


log = logging.getLogger(__name__)


def _store_card_vectors(settings: Settings) -> None:
    """The answer cards' phrasings embedded beside the index, so that the first `advisor serve`
    after an ingest does not wait for them (a failure only moves the work to that start)."""
    from assistant.service import store_card_vectors

    try:
        store_card_vectors(settings)
    except Exception as exc:  # the index is built; the cards are embedded on first use instead
        log.info("answer cards not embedded ahead: %s", exc)


@app.command()
def ingest(
    corpus: Annotated[
        Path | None, typer.Option(help="Folder of .txt/.md documents (default corpus/).")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Re-embed everything from scratch.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Build or update the index from the corpus (only what changed is re-embedded)."""
    from ingest.loader import CorpusError
    from ingest.pipeline import NothingToIngest, run_ingest

    settings = _settings(data_dir, corpus)
    show_bar = sys.stderr.isatty() and not as_json
    with stage_progress(err, disable=not show_bar) as progress:
        try:
            summary = run_ingest(settings, rebuild=rebuild, progress=progress)
        except (CorpusError, NothingToIngest, RuntimeError) as exc:
            raise fail(str(exc)) from None
    _store_card_vectors(settings)
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    for problem in summary.problems:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    if not summary.changed_anything:
        out.print(
            f"Index is up to date: {summary.documents} documents, {summary.chunks} chunks, "
            f"nothing changed ({summary.seconds:.2f} s; encoder {summary.encoder})."
        )
        return
    out.print(f"[bold]Ingested {summary.corpus_dir} → {summary.data_dir}[/]")
    if summary.full_rebuild_reason:
        out.print(f"  full rebuild: {summary.full_rebuild_reason}")
    out.print(
        f"  documents {summary.documents}  chunks {summary.chunks}  "
        f"(embedded {summary.embedded_chunks}, reused {summary.reused_chunks})"
    )
    out.print(
        f"  added {len(summary.added)}  changed {len(summary.changed)}  "
        f"removed {len(summary.removed)}  metadata only {len(summary.metadata_changed)}  "
        f"unchanged {len(summary.unchanged)}"
    )
    for doc_id, count in summary.chunks_per_document.items():
        out.print(f"    {doc_id}: {count} chunks")
    if summary.cleaned_lines:
        cleaned = ", ".join(f"{k} {v}" for k, v in sorted(summary.cleaned_lines.items()))
        out.print(f"  cleaning removed lines: {cleaned}")
    out.print(
        f"  {summary.seconds:.2f} s, generation {summary.generation}, encoder {summary.encoder}"
    )
    if summary.in_use_generations:
        out.print(
            f"  kept {len(summary.in_use_generations)} older generation(s) a running server "
            "still reads; a later ingest removes them"
        )


def main() -> None:  # pragma: no cover - console entry point
    app()


def _load_advisor(data_dir: Path | None) -> Any:
    from assistant.service import Advisor
    from ingest.index import IndexCorrupt, IndexMissing
    from ingest.vectors import VectorStoreError

    try:
        return Advisor(_settings(data_dir))
    except (IndexMissing, IndexCorrupt, VectorStoreError) as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # one line, never a traceback; the fix that always works
        raise fail(
            f"the index could not be opened ({type(exc).__name__}): run `advisor ingest --rebuild`"
        ) from None


def _read_profile(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from pydantic import ValidationError

    from assistant.core.types import ProfileInput

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"cannot read profile {path}: {exc}") from None
    if not isinstance(data, dict):
        raise fail(f"profile {path} must be a JSON object")
    try:  # the API's bounds: a NaN or a negative month count is a typo, not a fact
        ProfileInput.model_validate(data)
    except ValidationError as exc:
        raise fail(f"profile {path}: {_one_line(exc)}") from None
    return data


def answer_width() -> int:
    """The width `advisor ask` wraps at: COLUMNS if set, else the terminal's; 80 when stdout is
    a pipe or a file (rich would otherwise take stdin's terminal width for a pipe)."""
    return shutil.get_terminal_size((80, 24)).columns


def _hanging(rows: list[tuple[str, Text]]) -> Table:
    """Each row's marker, then its text, every wrapped line indented under the text's first
    (a hanging indent); one grid, so the texts align past the widest marker."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # only a word longer than the line is broken
    for marker, text in rows:
        grid.add_row(marker, text)
    return grid


def answer_view(answer: Answer, *, verbose: bool = False) -> Group:
    """The answer as `advisor ask` shows it (pure: renderables, no I/O).

    The console wraps every part at its width, word by word, with hanging indents: nothing is
    cropped, at any width or in a pipe. Offsets and rule ids are for whoever checks the
    answer, so only `verbose` shows them.
    """
    from rich.markdown import Markdown  # markdown-it and pygments: only when an answer is shown

    parts: list[Any] = [Markdown(answer.answer)]
    if verbose and answer.recommendation is not None:
        parts.append(Text(f"\nRule: {answer.recommendation.rule_id}", style="dim"))
    sources: list[tuple[str, Text]] = []
    for c in answer.citations:
        head = Text(c.title)
        if c.section.strip():  # a quote before the article's first heading has no section
            head.append(f" — {c.section}")
        head.append(" (")
        head.append("verified" if c.verified else "NOT verified", "green" if c.verified else "red")
        head.append(")")
        if c.commercial_interest:
            head.append(" (commercial interest)", "yellow")
        if verbose:
            head.append(f" chars {c.start}–{c.end}", "dim")
        sources.append((f"[{c.n}]", Text("\n").join([head, Text(f"“{c.quote}”")])))
    if sources:
        parts += [Text("\nSources", style="bold"), _hanging(sources)]
    return Group(*parts)


def _answer_console() -> Console:
    # Wraps (no soft_wrap): with soft_wrap, rich left paragraphs to the terminal, which broke
    # words, and cropped list items at the width, which lost the ends of quotes and their [n].
    return Console(width=answer_width(), highlight=False)


def to_text(console: Console, *renderables: Any) -> str:
    """What `console` prints for `renderables`, without the spaces rich pads every line with to
    the width: a pipe or a file should not carry them."""
    with console.capture() as captured:
        console.print(*renderables)
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())


def _print_human(answer: Any, *, verbose: bool = False) -> None:
    sys.stdout.write(to_text(_answer_console(), answer_view(answer, verbose=verbose)))
    for notice in answer.notices:
        if notice.startswith("llm_"):  # the model was not used, or its draft was rejected
            err.print(f"[yellow]note:[/] {notice}", highlight=False)


def _print_explain(answer: Any) -> None:
    """Each profile fact with the words of the conversation it was read from (--explain)."""
    if not answer.profile:
        nothing = Text.assemble("\n", ("Profile", "bold"), ": nothing was read from the question.")
        sys.stdout.write(to_text(_answer_console(), nothing))
        return
    facts: list[tuple[str, Text]] = []
    for fact, value in answer.profile.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        span = answer.profile_evidence.get(fact)
        where = (
            f"read from “{span.text}”" + (f" (message {span.turn + 1})" if span.turn else "")
            if span
            else "given in --profile"
        )
        facts.append(("-", Text(f"{fact.replace('_', ' ')}: {shown} — {where}")))
    title = Text("\nHow your profile was read", style="bold")
    sys.stdout.write(to_text(_answer_console(), title, _hanging(facts)))


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="Your question, in your own words.")
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(help="JSON file of profile facts (they win over the text).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    jsonl: Annotated[
        str | None,
        typer.Option(
            help="Batch: a JSONL file (or - for stdin) of {question, profile?, history?}."
        ),
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="Answer backend: grounded (default; ADVISOR_LLM), local (bundled SmolLM2), "
            "openai:MODEL, ollama:MODEL. Model prose is verified; on failure the grounded "
            "answer is shown with a notice.",
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="After the answer, show each profile fact and the words it was read from.",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Also show the rule id and each quote's character offsets."),
    ] = False,
) -> None:
    """Answer a question (or a JSONL batch) with verified citations."""
    from pydantic import ValidationError

    from assistant.core.types import ProfileInput
    from assistant.llm.backends import BackendError, parse_backend
    from assistant.service import QuestionError

    if (question is None) == (jsonl is None):
        raise fail("give either a QUESTION or --jsonl FILE|-", code=2)
    try:
        backend = parse_backend(llm or _settings(data_dir).llm)
    except BackendError as exc:
        raise fail(str(exc), code=2) from None
    explicit = _read_profile(profile)
    with working("Loading the index and the models…"):
        advisor = _load_advisor(data_dir)
    if question is not None:
        if backend.kind != "grounded" and not as_json:
            answer = _stream_draft(advisor, question, explicit, llm)
            _print_human(answer, verbose=verbose)
            if explain:
                _print_explain(answer)
            return
        try:
            with working("Answering…"):
                answer = advisor.ask(question, profile=explicit, llm=llm)
        except (QuestionError, ValidationError) as exc:
            raise fail(_one_line(exc)) from None
        if as_json:
            print(answer.model_dump_json())
        else:
            _print_human(answer, verbose=verbose)
            if explain:
                _print_explain(answer)
        return
    try:
        stream = sys.stdin if jsonl == "-" else Path(str(jsonl)).open(encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise fail(f"cannot read {jsonl}: {exc.strerror}") from None
    failures = total = 0
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            total += 1
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                    raise QuestionError('each line needs {"question": "…"}')
                if item.get("profile") is not None:
                    ProfileInput.model_validate(item["profile"])
                answer = advisor.ask(
                    item["question"],
                    profile=item.get("profile"),
                    history=item.get("history"),
                    llm=llm,
                )
                print(answer.model_dump_json(), flush=True)
            except (json.JSONDecodeError, QuestionError, ValidationError, TypeError) as exc:
                failures += 1
                print(json.dumps({"line": number, "error": _one_line(exc)}), flush=True)
    if total and failures == total:
        raise typer.Exit(1)


def _stream_draft(
    advisor: Any, question: str, profile: dict[str, Any] | None, llm: str | None
) -> Any:
    """Show the model's draft on stderr as it is written, and return the verified Answer.

    The draft goes to stderr, dimmed, so stdout holds only the verified answer: sentences the
    guard dropped are visible while drafting but never reach a pipe or a file.
    """
    from assistant.core.events import ErrorEvent, FinalEvent, TokenEvent

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    drafting = False
    for event in advisor.ask_stream(question, profile=profile, llm=llm):
        if isinstance(event, TokenEvent):
            if not drafting:
                err.print("[dim]Draft (being checked against the sources):[/]")
                drafting = True
            err.print(f"[dim]{escape(event.text)}[/]", end="")
        elif isinstance(event, ErrorEvent):
            raise fail(str(event.detail or event.error))
        elif isinstance(event, FinalEvent):
            if drafting:
                err.print("\n[dim]Verified answer:[/]")
            return event.answer
    raise fail("the answer stream ended without an answer")


def _one_line(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        from assistant.core.types import profile_error

        first = exc.errors()[0]
        return f"invalid profile: {'.'.join(map(str, first['loc']))}: {profile_error(dict(first))}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def serve_log_config() -> dict[str, Any]:
    """uvicorn's logging config plus the app's own loggers, all to stderr.

    uvicorn configures only its own loggers, so without this the request log (`advisor.api`,
    one INFO line per question) is dropped. uvicorn's access log stays quiet (WARNING, as
    `log_level="warning"` sets it); the library loggers (`assistant.*`, `ingest.*`) say only
    warnings and errors, such as why the local model could not be loaded.
    """
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["advisor"] = {
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    }
    config["handlers"]["advisor"] = {
        "class": "logging.StreamHandler",
        "formatter": "advisor",
        "stream": "ext://sys.stderr",
    }
    for name, level in (("advisor", "INFO"), ("assistant", "WARNING"), ("ingest", "WARNING")):
        config["loggers"][name] = {"handlers": ["advisor"], "level": level, "propagate": False}
    return config


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the HTTP API (and the chat page) with the index loaded once at start-up."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.llm.backends import BackendError

    settings = _settings(data_dir)
    try:
        api = create_app(settings)
    except BackendError as exc:  # ADVISOR_ALLOWED_LLMS holds a typo
        raise fail(str(exc), code=2) from None
    # Proxy headers (X-Forwarded-For, X-Forwarded-Proto) only from the proxies the operator
    # names: uvicorn's default trusts them from 127.0.0.1, which lets any local client pick
    # the address the per-client rate limit keys on.
    proxies = list(settings.forwarded_allow_ips)
    err.print(f"IMG Advisor on http://{host}:{port}  (index {settings.data_dir})", highlight=False)
    uvicorn.run(
        api,
        host=host,
        port=port,
        log_level="warning",
        log_config=serve_log_config(),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
