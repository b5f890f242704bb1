"""The independent applicant probe: its data is well formed and its scorer counts right."""

from __future__ import annotations

from evals.applicant_probe import load, score

VERDICTS = {"USCE_FIRST", "USCE_URGENT", "ADD_RESEARCH", "RESEARCH_AND_USCE"}


def test_the_probe_files_are_well_formed_and_split_by_id() -> None:
    rows = load("all")
    assert len(rows) >= 300
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        number = int(row["id"].split("-")[1])
        assert row["split"] == ("heldout" if number % 3 == 0 else "dev"), row["id"]
        assert row["kind"] in {"decision", "information", "out_of_scope"}
        assert row["out_of_scope"] == (row["kind"] == "out_of_scope")
        assert row["expected_verdict"] in VERDICTS | {None}
        assert not (row["expected_verdict"] and row["expected_missing"]), row["id"]
        assert row["message"].strip()


def test_the_scorer_counts_facts_verdicts_inventions_and_scope() -> None:
    rows = [
        {"id": "x-1", "facts": {"usce_hands_on_months": 0, "specialty": "dermatology"},
         "expected_verdict": "USCE_FIRST", "out_of_scope": False},
        {"id": "x-2", "facts": {}, "expected_verdict": None, "expected_missing": True,
         "out_of_scope": False},
        {"id": "x-3", "facts": {}, "expected_verdict": None, "out_of_scope": True},
    ]  # fmt: skip
    answers = {
        "x-1": {
            "profile": {"usce_hands_on_months": 0.0, "specialty": "Dermatology", "us_letters": 2},
            "recommendation": {"verdict": "RESEARCH_AND_USCE"},
        },
        "x-2": {"profile": {}, "recommendation": None},
        "x-3": {"abstained": False, "profile": {}},
    }
    result = score(rows, answers)
    assert result["facts_read_exactly"] == 1.0 and result["invented_facts"] == 1
    assert result["verdict_right"] == 0.0 and result["research_leaning_errors"] == 1
    assert result["missing_asked"] == 1.0 and result["out_of_scope_answered"] == 1
