from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from claims_helpers import ARTICLE_DATE, slots_available

from veracity.claims import EXTRACTORS
from veracity.errors import ConfigError
from veracity.resources import Resources
from veracity.types import Article, Claim

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "gaza_talks.txt"


def test_spacy_backend_is_registered_and_builds_without_loading_models() -> None:
    resources = Resources(spacy_model="no-such-model")
    extractor = EXTRACTORS.create("spacy", resources=resources)
    assert "spacy" in EXTRACTORS.names()
    assert extractor.extract(Article(text="  \n\n ")) == []
    with pytest.raises(ConfigError):
        extractor.extract(Article(text="The council approved the budget on Monday."))


@pytest.mark.slow
def test_title_line_and_paragraphs(extract) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Hamas skips Gaza ceasefire talks in Doha\n\n"
        "Hamas said it would not attend the talks in Doha.\n\n"
        "Israel sent a delegation of four officials to Qatar."
    )
    claims = extract(text)
    assert [claim.id for claim in claims] == ["c1", "c2"]
    assert all(not claim.text.startswith("Hamas skips") for claim in claims)
    assert claims[1].sentence == "Israel sent a delegation of four officials to Qatar."
    assert text[claims[1].start : claims[1].end] == "Israel sent a delegation of four officials to Qatar"


@pytest.mark.slow
def test_slots_are_computed_on_claim_text(extract) -> None:  # type: ignore[no-untyped-def]
    if not slots_available():
        pytest.skip("veracity.slots.extract_slots is not available yet")
    claim = extract("The strike killed 92 people on Sunday.")[0]
    assert claim.slots
    for slot in claim.slots:
        assert claim.text[slot.start : slot.end] == slot.text
    assert any(slot.kind == "quantity" and slot.value == 92 for slot in claim.slots)


def _find(claims: list[Claim], *needles: str) -> Claim:
    for claim in claims:
        if all(needle.lower() in claim.text.lower() for needle in needles):
            return claim
    raise AssertionError(f"no claim mentions {needles}: {[c.text for c in claims]}")


@pytest.mark.slow
def test_gaza_article_main_claims(extract) -> None:  # type: ignore[no-untyped-def]
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    claims = extract(text)

    stayed_out = _find(claims, "Hamas", "not participate")
    assert "the group" not in stayed_out.text
    assert "announced" not in stayed_out.text and "Wednesday" not in stayed_out.text
    assert stayed_out.speaker == "A Hamas official"
    strike = _find(claims, "92", "school")
    assert "Sunday 11 August 2024" in strike.text
    casualties = _find(claims, "2,300", "June")
    assert "67 Israelis" not in casualties.text
    _find(claims, "Israel is expected to send a delegation")
    control = _find(claims, "controlled Gaza since 2007")
    assert "Hamas" in control.text and "militants" not in control.text
    intent = _find(claims, "have to decide if they want to end the war")
    assert intent.checkworthiness < 0.5
    assert _find(claims, "entering new negotiations").speaker == "Sami Abu Zuhri"

    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert claim.sentence in text
        assert claim.time_frame == ARTICLE_DATE
        assert 0.0 <= claim.checkworthiness <= 1.0


@pytest.mark.slow
def test_example_labels_name_one_checkworthy_claim_each(extract) -> None:  # type: ignore[no-untyped-def]
    """benchmarks/bench_example.py finds labelled claims by a phrase; each must pick exactly one."""
    examples = Path(__file__).resolve().parents[2] / "examples"
    gold = json.loads((examples / "gaza_talks_labels.json").read_text(encoding="utf-8"))
    text = (examples / gold["article"]).read_text(encoding="utf-8")
    claims = [c for c in extract(text, date.fromisoformat(gold["published"])) if c.checkworthiness >= 0.5]
    for label in gold["claims"]:
        matching = [c.text for c in claims if label["phrase"].lower() in c.text.lower()]
        assert len(matching) == 1, (label["phrase"], matching)
