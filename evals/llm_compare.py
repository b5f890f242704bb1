"""Raw model vs guarded model vs grounded, on the eval questions (issue 4's closing note).

    .venv/bin/python -m evals.llm_compare [--backend local] [--split dev|heldout|both]
                                          [--limit N] [--out runs.jsonl]
    .venv/bin/python -m evals.llm_compare --rescore runs.jsonl   # score saved runs again

Needs the real index (`advisor ingest`). One model call per question: the guarded answer's
stream carries the raw draft (`token` events) and the numbered sources it cites (`meta`), so
"raw" and "guarded" are the same generation, before and after the guard.

Definitions (the same for every system, computed on the text a user would see):

- claim sentences: the answer split by `assistant.text.support.split_sentences` (a list item is one
  claim), minus the rules' verdict paragraph (deterministic rules text, not a claim about a
  source), the "sources differ" note (it reports what each side says), italic notes ("_I read
  your profile…_", commercial note), headings, and "the sources do not answer" statements;
  document titles after quotes are ignored. A sentence without markers takes the markers that
  close its paragraph. Abstained answers have none.
- supported: the sentence's citations all exist and the cited text supports it by
  `assistant.text.support.support` (with MiniLM similarity), one source alone or all of them
  together.
- citations verified: (sentence, [n]) pairs whose citation exists, whose quote matches its
  document at its offsets, and whose sentence is supported.
- verdict agreement (questions where the rules give a verdict): the answer expresses the verdict
  and no sentence contradicts it. Raw text is judged by `assistant.text.stance`; grounded and
  guarded answers by their structured `recommendation` (plus the same contradiction check).
- contradictions: claim sentences whose stance (`assistant.text.stance`) contradicts the rules'
  verdict (the verdict paragraph states the verdict itself).
- latency: wall time per answered question; raw = until the model's last token.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.events import FinalEvent, MetaEvent, TokenEvent
from assistant.core.settings import Settings
from assistant.core.types import Answer, Verdict
from assistant.llm.guard import NO_ANSWER, markers_to_suffix, normalise_markers
from assistant.service import Advisor
from assistant.text.citations import quote_matches
from assistant.text.stance import EXPRESSES, contradiction, stances
from assistant.text.support import citation_markers, split_sentences, support
from evals.cases import load_cases

Similarity = Callable[[str, str], float | None]
_TRAILING_MARKERS = re.compile(r"((?:\s*\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\])+)\s*[.!?]?\s*$")
_TITLE_BEFORE_MARKER = re.compile(r"\s*\([^()]{3,120}\)\s*(?=(?:\[\d+\])+\s*[.!?]?\s*$)")
_LABEL = re.compile(r"^\s*(?:[-*•]\s+)?(?:\*\*[^*]{1,40}:\*\*\s*)")
_META_PARAGRAPH = (
    "**Recommendation",
    "**Why, in the sources' words",
    "**I can't give you a firm recommendation",
    "**The sources differ in emphasis",
    "_",
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def claim_sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence, citation numbers) for every claim sentence of an answer (see module doc)."""
    out: list[tuple[str, list[int]]] = []
    for paragraph in re.split(r"\n\s*\n", markers_to_suffix(normalise_markers(text or ""))):
        para = paragraph.strip()
        if not para or para.startswith(_META_PARAGRAPH):
            continue
        closing = _TRAILING_MARKERS.search(para)
        inherited = citation_markers(closing.group(1)) if closing else []
        pieces: list[str] = []
        for line in para.split("\n"):
            # A list item is one claim: quotes inside it may hold full stops.
            pieces += [line] if _BULLET.match(line) else split_sentences(line)
        for raw in pieces:
            sentence = _TITLE_BEFORE_MARKER.sub(" ", _LABEL.sub("", raw)).strip()
            body = re.sub(r"\[\d[^\]]*\]", "", sentence).strip(" *_.:")
            if not re.search(r"[A-Za-z]{2,}", body) or raw.rstrip().endswith(":"):
                continue  # headings like "**What the sources say:**"
            if NO_ANSWER.search(body) and not citation_markers(sentence):
                continue  # "The sources do not answer this": honest, not a claim
            out.append((sentence, citation_markers(sentence) or inherited))
    return out


def is_supported(
    sentence: str, cited: Sequence[int], quotes: Mapping[int, str], sim: Similarity
) -> bool:
    if not cited or any(n not in quotes for n in cited):
        return False
    for n in cited:
        if support(sentence, quotes[n], similarity=sim(sentence, quotes[n])).supported:
            return True
    joined = "\n".join(quotes[n] for n in cited)
    return len(cited) > 1 and support(sentence, joined, similarity=sim(sentence, joined)).supported


@dataclass
class Scores:
    """Per-system tallies over one split."""

    answers: int = 0
    sentences: int = 0
    supported: int = 0
    pairs: int = 0
    pairs_verified: int = 0
    verdict_cases: int = 0
    agree: int = 0
    contradicting_sentences: int = 0
    contradicting_answers: int = 0
    latencies: list[float] = field(default_factory=list)
    fallbacks: int = 0
    model_sentences_shown: int = 0
    kept_pairs: int = 0
    kept_pairs_verified: int = 0

    def row(self, name: str) -> str:
        pct = lambda a, b: f"{100 * a / b:5.1f}%" if b else "   n/a"  # noqa: E731
        lat = f"{statistics.median(self.latencies):8.0f}" if self.latencies else "     n/a"
        return (
            f"{name:<9} {self.answers:>4} {self.sentences:>5} {pct(self.supported, self.sentences)}"
            f" {pct(self.pairs_verified, self.pairs)} ({self.pairs_verified}/{self.pairs})"
            f"  {self.agree:>2}/{self.verdict_cases:<2} {self.contradicting_sentences:>4}"
            f" ({self.contradicting_answers})  {lat}"
        )


def score_text(
    scores: Scores,
    text: str,
    quotes: Mapping[int, str],
    verified: Mapping[int, bool],
    verdict: Verdict | None,
    sim: Similarity,
) -> int:
    """Add one answer's sentence, citation and contradiction tallies; returns contradictions."""
    for sentence, cited in claim_sentences(text):
        scores.sentences += 1
        ok = is_supported(sentence, cited, quotes, sim)
        scores.supported += ok
        for n in cited:
            scores.pairs += 1
            scores.pairs_verified += ok and verified.get(n, False)
    bad = sum(contradiction(s, verdict) is not None for s, _ in claim_sentences(text))
    scores.contradicting_sentences += bad
    scores.contradicting_answers += bad > 0
    return bad


def expresses(text: str, verdict: Verdict) -> bool:
    return any(stances(s) & EXPRESSES[verdict] for s, _ in claim_sentences(text))


def run_case(advisor: Advisor, case: Mapping[str, Any], backend: str) -> dict[str, Any]:
    """Both answers for one case, with the raw draft, its sources and the timings."""
    kwargs = {"profile": case.get("profile"), "history": case.get("history")}
    t0 = time.perf_counter()
    grounded = advisor.ask(case["question"], **kwargs)
    grounded_ms = (time.perf_counter() - t0) * 1000
    meta: dict[str, Any] = {}
    draft: list[str] = []
    final: dict[str, Any] | None = None
    t0 = time.perf_counter()
    raw_ms = None
    for event in advisor.ask_stream(case["question"], llm=backend, **kwargs):
        if isinstance(event, MetaEvent):
            meta = event.payload()
        elif isinstance(event, TokenEvent):
            draft.append(event.text)
            raw_ms = (time.perf_counter() - t0) * 1000
        elif isinstance(event, FinalEvent):
            final = event.payload()
    guarded_ms = (time.perf_counter() - t0) * 1000
    return {
        "id": case["id"],
        "grounded": grounded.model_dump(mode="json"),
        "grounded_ms": grounded_ms,
        "guarded": final,
        "guarded_ms": guarded_ms,
        "raw": "".join(draft),
        "raw_ms": raw_ms if raw_ms is not None else guarded_ms,
        "sources": meta.get("sources", []),
    }


def score_run(run: Mapping[str, Any], totals: dict[str, Scores], sim: Similarity) -> None:
    grounded = Answer.model_validate(run["grounded"])
    guarded = Answer.model_validate(run["guarded"])
    verdict = grounded.recommendation.verdict if grounded.recommendation else None
    if grounded.abstained:
        return
    sources = {s["n"]: s["quote"] for s in run["sources"]}
    sources_ok = {s["n"]: bool(s["verified"]) for s in run["sources"]}
    systems: list[tuple[str, str, Mapping[int, str], Mapping[int, bool], float, Answer | None]] = [
        ("raw", run["raw"], sources, sources_ok, run["raw_ms"], None),
        ("guarded", guarded.answer, *_quotes(guarded), run["guarded_ms"], guarded),
        ("grounded", grounded.answer, *_quotes(grounded), run["grounded_ms"], grounded),
    ]
    for name, text, quotes, verified, ms, answer in systems:
        scores = totals[name]
        scores.answers += 1
        scores.latencies.append(ms)
        bad = score_text(scores, text, quotes, verified, verdict, sim)
        if verdict is not None:
            scores.verdict_cases += 1
            if answer is None:
                agrees = expresses(text, verdict)
            else:
                rec = answer.recommendation
                agrees = rec is not None and rec.verdict == verdict
            scores.agree += agrees and bad == 0
        if name == "guarded" and answer is not None and answer.guard:
            scores.fallbacks += bool(answer.guard.get("fallback"))
            if not answer.guard.get("fallback"):
                kept = answer.guard.get("kept", [])
                scores.model_sentences_shown += len(kept)
                # Re-check the guard independently, in the draft's own numbering.
                for item in kept:
                    ok = is_supported(item["sentence"], item["citations"], sources, sim)
                    for n in item["citations"]:
                        scores.kept_pairs += 1
                        scores.kept_pairs_verified += ok and sources_ok.get(n, False)


def _quotes(answer: Answer) -> tuple[dict[int, str], dict[int, bool]]:
    texts = {c.n: c.quote for c in answer.citations}
    ok = {c.n: c.verified for c in answer.citations}
    return texts, ok


def check_structure(run: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    """End-to-end checks of a guarded Answer: every [n] exists, every quote matches its text."""
    answer = Answer.model_validate(run["guarded"])
    numbers = {c.n for c in answer.citations}
    problems = [
        f"{run['id']}: [{n}] has no citation"
        for n in citation_markers(answer.answer)
        if n not in numbers
    ]
    for c in answer.citations:
        if not (c.verified and quote_matches(c.quote, texts[c.doc_id], c.start, c.end)):
            problems.append(f"{run['id']}: citation [{c.n}] does not match its document")
    return problems


HEADER = (
    "system   answ  sent  supp.  cites verified       verdict  contra.  median ms\n"
    "                     sent.  (pairs)              agree    sent(ans)"
)


def report(split: str, runs: list[dict[str, Any]], advisor: Advisor, minutes: float | None) -> None:
    """Score one split's runs and print its table."""
    totals = {name: Scores() for name in ("raw", "guarded", "grounded")}
    problems: list[str] = []
    labelled = labels_met = 0
    cases = {c["id"]: c for c in load_cases(split=split)}
    for run in runs:
        score_run(run, totals, advisor.text_similarity)
        problems += check_structure(run, advisor.texts)
        expected = cases.get(run["id"], {}).get("expected_verdict")
        if expected:
            rec = run["grounded"].get("recommendation")
            labelled += 1
            labels_met += bool(rec) and rec["verdict"] == expected
    took = f", {minutes:.1f} min" if minutes is not None else ""
    print(f"\n== {split}: {len(runs)} questions{took}")
    print(HEADER)
    for name, scores in totals.items():
        print(scores.row(name))
    guarded = totals["guarded"]
    print(
        f"guarded: fell back to grounded in {guarded.fallbacks}/{guarded.answers} answers; "
        f"{guarded.model_sentences_shown} model sentences shown, their citations verified "
        f"{guarded.kept_pairs_verified}/{guarded.kept_pairs}"
    )
    print(f"rules' verdict = dataset label in {labels_met}/{labelled} labelled questions")
    print(f"structural problems in guarded answers: {len(problems)}")
    for problem in problems[:10]:
        print("  " + problem)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="local", help="model backend (default local)")
    parser.add_argument("--split", default="both", choices=["dev", "heldout", "both"])
    parser.add_argument("--limit", type=int, default=0, help="first N cases per split (0 = all)")
    parser.add_argument("--out", type=Path, help="write every run as JSONL (for inspection)")
    parser.add_argument("--rescore", type=Path, help="score the runs of an earlier --out file")
    args = parser.parse_args(argv)

    advisor = Advisor(Settings())
    splits = ["dev", "heldout"] if args.split == "both" else [args.split]
    if args.rescore:
        saved = [json.loads(line) for line in args.rescore.open(encoding="utf-8")]
        print(f"re-scoring {args.rescore}; judged by assistant.text.support + MiniLM")
        for split in splits:
            report(split, [r for r in saved if r["split"] == split], advisor, None)
        return
    out = args.out.open("w", encoding="utf-8") if args.out else None
    print(f"backend {args.backend}; judged by assistant.text.support + MiniLM")
    for split in splits:
        cases = load_cases(split=split)
        cases = cases[: args.limit] if args.limit else cases
        started = time.perf_counter()
        runs = []
        for case in cases:
            run = {"split": split, **run_case(advisor, case, args.backend)}
            runs.append(run)
            if out:
                out.write(json.dumps(run, ensure_ascii=False) + "\n")
        report(split, runs, advisor, (time.perf_counter() - started) / 60)
    if out:
        out.close()


if __name__ == "__main__":
    main()
