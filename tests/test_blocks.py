"""Answer blocks: the answer's structure as data, rendered once (assistant/answer/render.py)."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.answer.composer import ask_label
from assistant.answer.render import render, render_block, renumber
from assistant.api.app import create_app
from assistant.core import blocks as b
from assistant.core.blocks import EvidenceBlock, Item, RecommendationBlock
from assistant.core.types import Answer, Verdict
from assistant.service import Advisor
from evals.cases import load_cases
from tests.api_support import fake_settings

MARKER = re.compile(r"\[(\d+)\]")
KINDS = {
    "recommendation",
    "direct_answer",
    "plan",
    "what_would_change",
    "missing_facts",
    "evidence",
    "disagreement",
    "notice",
    "profile_echo",
}


@functools.cache
def advisor() -> Advisor:
    return Advisor(fake_settings())


def _answers() -> list[tuple[str, Answer]]:
    out = []
    for case in load_cases(split="dev"):
        answer = advisor().ask(
            case["question"], profile=case.get("profile"), history=case.get("history")
        )
        out.append((case["id"], answer))
    return out


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, Answer]]:
    return _answers()


def test_the_answer_text_is_the_rendering_of_its_blocks(answers: list[Any]) -> None:
    for case_id, answer in answers:
        assert answer.blocks, case_id
        assert answer.answer == render(answer.blocks), case_id


def test_blocks_agree_with_the_rest_of_the_answer(answers: list[Any]) -> None:
    for case_id, answer in answers:
        kinds = [b.kind for b in answer.blocks]
        assert set(kinds) <= KINDS
        assert (kinds.count("recommendation") == 1) == (answer.recommendation is not None)
        assert (kinds.count("disagreement") > 0) == bool(answer.sources_disagree), case_id
        if answer.abstained:
            assert kinds == ["notice"] and answer.blocks[0].code == "out_of_scope"  # type: ignore[union-attr]
        numbers = {c.n for c in answer.citations}
        for block in answer.blocks:
            cited = set(getattr(block, "citations", []))
            for item in getattr(block, "items", []):
                cited |= set(item.citations)
                assert set(map(int, MARKER.findall(item.text))) <= set(item.citations) | numbers
            assert cited <= numbers, (case_id, block.kind)
        rec = next((b for b in answer.blocks if isinstance(b, RecommendationBlock)), None)
        if rec is not None and answer.recommendation is not None:
            assert rec.verdict == answer.recommendation.verdict
            assert set(rec.citations) <= set(answer.recommendation.citations)


def test_the_model_path_replaces_evidence_blocks_with_its_prose() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    settings = fake_settings(llm="openai:scripted")
    question = "I graduated in 2016 with no US clinical experience. Research or rotations first?"
    grounded = advisor().ask(question)
    # A quote of the evidence block (the plan's and the verdict's quotes stay the grounded ones).
    quoted = {
        n
        for b in grounded.blocks
        if isinstance(b, EvidenceBlock)
        for i in b.items
        for n in i.citations
    }
    quote = next(c for c in grounded.citations if c.n in quoted)
    model = FakeListChatModel(responses=[f"{quote.quote.rstrip('.')} [{quote.n}]."])
    # The model gets the grounded answer's citations as its first numbered sources.
    answer = Advisor(
        settings, index=advisor().index, embedder=advisor().embedder,
        chat_models={"openai:scripted": model},
    ).ask(question)  # fmt: skip
    assert answer.backend == "openai:scripted", answer.notices
    kinds = [b.kind for b in answer.blocks]
    assert kinds[0] == "recommendation" and "direct_answer" not in kinds
    prose = [b for b in answer.blocks if isinstance(b, EvidenceBlock) and b.origin == "model"]
    assert len(prose) == 1 and answer.answer == render(answer.blocks), (quote, answer.notices)


def test_renumbering_maps_every_marker_and_citation() -> None:
    blocks = [
        RecommendationBlock(
            verdict=Verdict.USCE_FIRST, label="x", text="Head. [4][7]", citations=[4, 7],
            items=[Item(text="“q” [7]", citations=[7])],
        ),
        EvidenceBlock(title="T [9]", items=[Item(text="“r” [9]", citations=[9])]),
    ]  # fmt: skip
    out = renumber(blocks, {4: 1, 7: 2}.get)
    assert render(out) == (
        "**Recommendation (x):** Head. [1][2]\n\n**Why, in the sources' words:**\n- “q” [2]"
        "\n\n**T **\n- “r” "
    )
    assert out[0].citations == [1, 2] and out[1].items[0].citations == []  # type: ignore[union-attr]


def test_each_block_kind_is_described_in_the_openapi_schema() -> None:
    with TestClient(create_app(fake_settings(), load=False)) as client:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
    answer = schemas["Answer"]["properties"]["blocks"]
    assert answer.get("description")
    mapping = answer["items"]["discriminator"]["mapping"]
    assert set(mapping) == KINDS
    for ref in mapping.values():
        model = schemas[ref.rsplit("/", 1)[-1]]
        assert model.get("description"), ref


@pytest.mark.parametrize(
    ("ask", "label"),
    [
        ("also can research compensate for my score?", "can research compensate for my score?"),
        # markup and citation markers never reach the label
        ("and is [1] **this** `ok`?", "is 1 this ok?"),
        ("I'm an IMG pls help", None),  # no question mark: context, not named
        ("2 months done. how long should research be?", "how long should research be?"),
        # a question typed without its mark, a remark after it (session 18, forum_i dev)
        (
            "2) how many weeks do i need before ERAS. (i said 4 wk but it was 6)",
            "how many weeks do i need before ERAS.",
        ),
        # what leads up to a colon is not the question (session 22, blind rating)
        (
            "final year here, 2 things: does a research elective in the US count as USCE?",
            "does a research elective in the US count as USCE?",
        ),
        (
            "Couple of Qs: can I do hands-on externships on a B1?",
            "can I do hands-on externships on a B1?",
        ),
        (
            "which for me: 2025 grad, 1 month hands-on?",
            "which for me: 2025 grad, 1 month hands-on?",
        ),
    ],
)
def test_an_ask_is_named_without_markup(ask: str, label: str | None) -> None:
    found = ask_label(ask)
    assert found == label
    if found:
        assert render_block(b.DirectAnswerBlock(text="x", asks=found)).startswith(
            f"**On “{found}”:**"
        )


def test_a_long_ask_is_named_briefly() -> None:
    found = ask_label("how " + "very " * 30 + "long?")
    assert found is not None and found.endswith("very…") and len(found) <= 71
