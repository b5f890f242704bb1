"""Answer snapshots: every eval question's Answer JSON, to prove a refactoring changes nothing.

    python -m evals.snapshot write artifacts/snapshot-before.jsonl
    python -m evals.snapshot diff artifacts/snapshot-before.jsonl artifacts/snapshot-after.jsonl

`write` answers every question of evals/datasets/questions.jsonl (both splits) and
scope_dev.jsonl with the grounded backend, and the eval questions once more through a scripted
LangChain fake chat model (the model path: guard, splicing, notices), and writes one Answer per
line with its timings removed (the only part that may differ between two runs). `diff` names
each answer that differs, field by field; fields listed with `--ignore` (e.g. a new additive
field) are left out of the comparison. Exit code 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.cases import DATASETS, QUESTIONS, load_jsonl

SCRIPTED_REPLY = (
    "Get hands-on US clinical experience first [1]. Research can wait until that is in place "
    "[2]. Observerships do not count as hands-on experience [3]."
)
SCRIPTED = "openai:snapshot-scripted"


def _echo_model() -> Any:
    """A deterministic chat model that answers with its first three numbered sources, verbatim
    and cited: prose the guard keeps, so the model path's splicing is exercised, not only its
    fallback."""
    import re

    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    class EchoSources(GenericFakeChatModel):
        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            from langchain_core.outputs import ChatGeneration, ChatResult

            prompt = "\n".join(str(m.content) for m in messages)
            found = re.findall(r"^\[(\d+)\] (.+)$", prompt, flags=re.MULTILINE)[:3]
            text = " ".join(f"{quote.rstrip('.')} [{n}]." for n, quote in found) or SCRIPTED_REPLY
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    return EchoSources(messages=iter([]))


def _cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for case in load_jsonl(QUESTIONS):
        yield case["id"], case
    for n, case in enumerate(load_jsonl(DATASETS / "scope_dev.jsonl")):
        yield f"scope-{n:03d}", {"question": case["question"]}


def write(out: Path, data_dir: Path | None = None) -> int:
    from assistant.core.settings import Settings
    from assistant.service import Advisor

    settings = Settings(allowed_llms=[SCRIPTED])
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    model = _echo_model()
    advisor = Advisor(settings, chat_models={SCRIPTED: model})
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for backend in ("grounded", SCRIPTED):
            for case_id, case in _cases():
                if backend != "grounded" and case_id.startswith("scope-"):
                    continue
                answer = advisor.ask(
                    case["question"],
                    profile=case.get("profile"),
                    history=case.get("history"),
                    llm=backend,
                )
                data = answer.model_dump(mode="json")
                data.pop("timings_ms", None)
                handle.write(json.dumps({"id": f"{backend}/{case_id}", "answer": data}) + "\n")
                count += 1
    print(f"{count} answers written to {out}")
    return 0


def _load(path: Path) -> dict[str, dict[str, Any]]:
    return {row["id"]: row["answer"] for row in load_jsonl(path)}


def diff(before: Path, after: Path, ignore: set[str]) -> int:
    old, new = _load(before), _load(after)
    problems = [f"missing in {after}: {k}" for k in sorted(set(old) - set(new))]
    problems += [f"new in {after}: {k}" for k in sorted(set(new) - set(old))]
    for key in sorted(set(old) & set(new)):
        a = {k: v for k, v in old[key].items() if k not in ignore}
        b = {k: v for k, v in new[key].items() if k not in ignore}
        for field in sorted(set(a) | set(b)):
            if a.get(field) != b.get(field):
                problems.append(
                    f"{key}: {field} differs:\n  before {json.dumps(a.get(field))[:300]}"
                    f"\n  after  {json.dumps(b.get(field))[:300]}"
                )
    for line in problems:
        print(line)
    print(f"{len(set(old) & set(new))} answers compared, {len(problems)} differences")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.snapshot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="answer every eval question and write the snapshot")
    w.add_argument("out", type=Path)
    w.add_argument("--data-dir", type=Path, default=None)
    d = sub.add_parser("diff", help="compare two snapshots")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    d.add_argument("--ignore", action="append", default=[], help="a top-level field to skip")
    args = parser.parse_args(argv)
    if args.command == "write":
        return write(args.out, args.data_dir)
    return diff(args.before, args.after, set(args.ignore))


if __name__ == "__main__":
    sys.exit(main())
