"""Each synthetic edit gives its stated label: refuting edits change one fact, supporting ones keep all."""

from __future__ import annotations

import random
import re

import pytest

from veracity.resources import Resources
from veracity.train.synthetic import (
    REFUTING_EDITS,
    SUPPORTING_EDITS,
    EntityPool,
    add_rounding,
    drop_clause,
    join_facts,
    make_compound_pairs,
    make_pairs,
    negate,
    reorder,
    swap_date,
    swap_entity,
    swap_number,
    swap_weekday,
)

pytestmark = pytest.mark.slow  # loads the spaCy model


@pytest.fixture(scope="module")
def nlp():
    return Resources().nlp


def sentence(nlp, text: str):
    return next(iter(nlp(text).sents))


NEWS = (
    "Israel sent a delegation to Doha on Thursday. The talks were hosted by Qatar and Egypt. "
    "About 93 people were killed in a strike on a school in Gaza City on Saturday. "
    "Hamas has controlled Gaza since 2007. The United States said 40 officials would attend."
)


def news_documents(nlp, copies: int = 6):
    return [list(nlp(NEWS).sents)] * copies


def numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,.]*", text)


def test_swap_number_changes_the_number_and_nothing_else(nlp) -> None:
    original = "The strike killed 93 people at a school in Gaza City."
    edited = swap_number(sentence(nlp, original), random.Random(1))
    assert edited is not None
    assert numbers(edited) != ["93"]
    assert edited.replace(numbers(edited)[0], "93") == original


def test_swap_number_leaves_years_alone(nlp) -> None:
    assert swap_number(sentence(nlp, "Hamas has controlled Gaza since 2007."), random.Random(0)) is None


def test_swap_date_moves_the_year_or_month(nlp) -> None:
    original = "The talks opened in Doha on 15 August 2024."
    edited = swap_date(sentence(nlp, original), random.Random(3))
    assert edited is not None and edited != original
    assert "Doha" in edited


def test_swap_weekday_names_another_day(nlp) -> None:
    edited = swap_weekday(sentence(nlp, "The school was hit on Saturday morning."), random.Random(0))
    assert edited is not None and "Saturday" not in edited
    assert any(day in edited for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Sunday"))


def test_swap_entity_uses_a_pool_value_of_the_same_type(nlp) -> None:
    pool = EntityPool({"GPE": ["Qatar", "Egypt"], "PERSON": ["Sami Abu Zuhri"]})
    original = "Israel sent a delegation to Qatar."
    edited = swap_entity(sentence(nlp, original), pool, random.Random(0), ("GPE",))
    assert edited is not None and edited != original
    assert "Egypt" in edited or "Qatar" in edited


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Hamas will attend the talks.", "Hamas will not attend the talks."),
        ("Hamas did not attend the talks.", "Hamas did attend the talks."),
    ],
)
def test_negate_flips_polarity(nlp, original: str, expected: str) -> None:
    assert negate(sentence(nlp, original)) == expected


def test_rounding_hedges_a_close_value(nlp) -> None:
    edited = add_rounding(sentence(nlp, "The strike killed 93 people."), random.Random(0))
    assert edited is not None
    match = re.search(r"(about|around|roughly|nearly|over) (\d+)", edited)
    assert match is not None
    assert abs(int(match.group(2)) - 93) / 93 < 0.1


def test_reorder_keeps_every_word(nlp) -> None:
    original = "In August 2024, Israel sent a delegation to Doha."
    edited = reorder(sentence(nlp, original))
    assert edited == "Israel sent a delegation to Doha in August 2024."


def test_drop_clause_keeps_the_main_fact(nlp) -> None:
    original = "Sami Abu Zuhri, a senior Hamas official, said the group would stay away from the talks."
    edited = drop_clause(sentence(nlp, original))
    assert edited is not None
    assert "a senior Hamas official" not in edited
    assert "would stay away from the talks" in edited


def test_make_pairs_labels_follow_the_edit_family(nlp) -> None:
    documents = news_documents(nlp)
    pool = EntityPool.from_sentences(documents[0])
    pairs = make_pairs(documents, pool, random.Random(4), "test", per_document=3)
    assert {pair.label for pair in pairs} == {"supported", "refuted", "not_enough_evidence"}
    for pair in pairs:
        edit = pair.source.split("/")[-1]
        if pair.label == "refuted":
            assert edit in REFUTING_EDITS
            assert pair.claim not in pair.evidence
        elif pair.label == "supported":
            assert edit in SUPPORTING_EDITS
        else:
            assert edit == "same_topic"
            assert pair.claim not in pair.evidence


def test_compound_claims_join_two_facts_and_their_label_follows_the_evidence(nlp) -> None:
    documents = news_documents(nlp)
    pairs = make_compound_pairs(documents, random.Random(4), "test", per_document=2)
    assert {pair.label for pair in pairs} == {"supported", "not_enough_evidence"}
    for pair in pairs:
        first, second = pair.claim.split(", and ", 1)
        in_evidence = [first + "." in pair.evidence, second[0].upper() + second[1:] in pair.evidence]
        assert in_evidence.count(True) == (2 if pair.label == "supported" else 1)
        assert pair.source == "test/compound"


def test_join_facts_lowercases_the_second_sentence_unless_it_opens_with_a_name(nlp) -> None:
    first, second, third = nlp("Talks began in Doha. The delegation left. Hamas stayed away.").sents
    assert join_facts(first, second) == "Talks began in Doha, and the delegation left."
    assert join_facts(first, third) == "Talks began in Doha, and Hamas stayed away."
    (question,) = nlp("Did talks begin?").sents
    assert join_facts(first, question) is None
