"""The library entry points: `veracity.score(documents, claims)`, `Scorer`, and the lazy top-level names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import veracity
from veracity.api import Scorer
from veracity.errors import ConfigError, InputError
from veracity.eval.datasets import Pair
from veracity.eval.harness import build_verifier, judge_pairs
from veracity.resources import Resources

SCHOOL = (
    "An Israeli air strike hit the al-Tabi'in school in the Daraj district of Gaza City at dawn on Saturday "
    "10 August 2024. Gaza's civil defence agency said about 93 people were killed."
)
DOHA = "Hamas officials said the movement would not send negotiators to the ceasefire round in Doha."


def test_top_level_names_load_on_first_use() -> None:
    from veracity.checker import Checker

    assert veracity.Scorer is Scorer and veracity.Checker is Checker
    assert callable(veracity.score)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = veracity.nothing  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("documents", "claims", "message"),
    [
        (["one"], ["a claim", "another"], "1 documents for 2 claims"),
        ("a text", ["a claim"], "must be lists"),
        (["evidence"], ["  "], "non-empty text"),
        ([["fine", 3]], ["a claim"], "list of its passages as text"),
    ],
)
def test_bad_input_is_an_input_error_before_any_model_loads(
    documents: object, claims: list[str], message: str
) -> None:
    scorer = Scorer("slots-only", resources=Resources(spacy_model="absent-model"))
    with pytest.raises(InputError, match=message):
        scorer.score(documents, claims)  # type: ignore[arg-type]


def test_unknown_verifiers_options_and_chunk_sizes_fail_at_construction() -> None:
    with pytest.raises(ConfigError, match="unknown verifier 'nope'"):
        Scorer("nope")
    with pytest.raises(ConfigError, match="passages_read"):
        Scorer("builtin", passages_read="all")
    with pytest.raises(InputError, match="chunk_words"):
        Scorer("slots-only", chunk_words=0)


@pytest.mark.slow
def test_the_builtin_verifier_scores_claims_against_their_documents() -> None:
    scorer = Scorer("builtin")
    claims = [
        "An Israeli strike on the Al-Mawasi school killed 92 people.",
        "Hamas stayed away from the Doha round.",
        "The Bank of England cut interest rates.",
    ]
    school, doha, empty = scorer.score([SCHOOL, [DOHA, "Egypt and Qatar mediate."], ""], claims)
    assert school.label == "refuted" and "Al-Mawasi" in school.reason and school.passage == SCHOOL
    assert doha.label == "supported" and doha.passage is not None and DOHA in doha.passage
    assert doha.supported + doha.refuted + doha.not_enough_evidence == pytest.approx(1.0)
    assert empty.label == "not_enough_evidence" and empty.passage is None and "no text" in empty.reason


@pytest.mark.slow
def test_score_gives_the_figures_the_harness_measures() -> None:
    """`score` and `veracity eval` judge alike, so the benchmarks describe what a caller gets."""
    documents = [[SCHOOL], [DOHA], [SCHOOL, DOHA]]
    claims = ["About 93 people were killed in Gaza City.", "Hamas sent negotiators to Doha.", "Hamas met."]
    scored = veracity.score(documents, claims, verifier="builtin-fast")
    pairs = [
        Pair(id=str(i), claim=claim, evidence=tuple(document), label="supported")
        for i, (claim, document) in enumerate(zip(claims, documents, strict=True))
    ]
    measured = judge_pairs(build_verifier("builtin-fast", Resources()), pairs)
    assert [(s.supported, s.refuted, s.not_enough_evidence) for s in scored] == [
        (m["supported"], m["refuted"], m["not_enough_evidence"]) for m in measured
    ]


def test_check_text_refuses_evidence_that_is_not_a_list_of_sources() -> None:
    for evidence in ("one string", Path("a.txt"), [3]):
        with pytest.raises(InputError, match="list of texts, paths or Documents"):
            veracity.check_text("Some text.", evidence)  # type: ignore[arg-type]


@pytest.mark.slow
def test_check_text_checks_a_text_against_pasted_and_file_sources(examples_dir: Path, tmp_path: Path) -> None:
    pasted = (
        "Hamas stays away from Doha\nPublished: 2024-08-14\n\n"
        "Hamas said on 13 August 2024 that it would not take part in the ceasefire talks in Doha "
        "on 15 August."
    )
    report = veracity.check_text(
        (examples_dir / "gaza_talks.txt").read_text(encoding="utf-8"),
        [examples_dir / "evidence" / "al_tabiin_school_strike.md", pasted],
        published=date(2024, 8, 14),
        resources=Resources(),
    )
    by_verdict = {checked.verdict: checked for checked in report.claims}
    refuted, supported = by_verdict["refuted"], by_verdict["supported"]
    assert "92" in refuted.claim.text and "al-Tabi'in" in refuted.reason
    assert "not participate" in supported.claim.text
    (cited,) = [item.passage for item in supported.evidence if item.stance == "supports"]
    assert (cited.source, cited.title, cited.published) == (
        "evidence[1]",
        "Hamas stays away from Doha",
        date(2024, 8, 14),
    )
    assert report.verifier is not None and report.verifier.name == "align"
    with pytest.raises(InputError, match=r"evidence\[0\] is empty"):
        veracity.check_text("Hamas met in Doha.", ["   "])


def test_scoring_pairs_are_read_and_checked_before_any_is_scored(tmp_path: Path) -> None:
    from veracity.api import read_scoring_pairs

    good = tmp_path / "pairs.jsonl"
    good.write_text(
        '{"id": "a", "claim": "Rain fell.", "evidence": "It rained."}\n\n'
        '{"claim": "Snow fell.", "evidence": ["It snowed.", "It was cold."], "label": "supported"}\n',
        encoding="utf-8",
    )
    assert read_scoring_pairs(good) == [
        ("a", "Rain fell.", ("It rained.",)),
        (3, "Snow fell.", ("It snowed.", "It was cold.")),
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"claim": "Rain.", "evidence": "x"}\n{"claim": "Snow.", "evidence": 7}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"bad.jsonl:2: 'evidence' must be a string or a list of strings"):
        read_scoring_pairs(bad)
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no pairs"):
        read_scoring_pairs(tmp_path / "empty.jsonl")
    with pytest.raises(InputError, match="pairs file not found"):
        read_scoring_pairs(tmp_path / "absent.jsonl")


def test_verifier_options_may_come_as_a_mapping_as_the_command_line_gives_them() -> None:
    with pytest.raises(ConfigError, match="passages_read"):
        Scorer("builtin", verifier_options={"passages_read": "none"})
