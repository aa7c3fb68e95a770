"""Each synthetic edit gives its stated label: refuting edits change one fact, supporting ones keep all."""

from __future__ import annotations

import random
import re

import pytest

from veracity.resources import Resources
from veracity.train.synthetic import (
    NOT_ENOUGH_EVIDENCE_KINDS,
    REFUTING_EDITS,
    SUPPORTING_EDITS,
    EntityPool,
    add_rounding,
    drop_clause,
    gap_window,
    join_facts,
    make_compound_pairs,
    make_pairs,
    negate,
    reorder,
    swap_date,
    swap_entity,
    swap_number,
    swap_predicate,
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
            assert edit in NOT_ENOUGH_EVIDENCE_KINDS
            assert pair.claim not in pair.evidence


def test_swap_predicate_states_another_event_with_the_same_details(nlp) -> None:
    pool = EntityPool.from_sentences(nlp("Egypt accepted the plan. Qatar hosted the talks.").sents)
    assert pool.by_label["VERB/VBD"] == ["accepted", "hosted"]
    original = "Hamas rebuffed repeated offers from Israel on Monday."
    edited = swap_predicate(sentence(nlp, original), pool, random.Random(0))
    assert edited in {
        "Hamas accepted repeated offers from Israel on Monday.",
        "Hamas hosted repeated offers from Israel on Monday.",
    }


@pytest.mark.parametrize(
    "original",
    [
        "Israel ruled out the proposal.",  # a particle: "hosted out" would not read as a sentence
        "The official said the talks had failed.",  # reporting verbs and clausal complements stay
        "Hamas is the group that governs Gaza.",
    ],
)
def test_swap_predicate_leaves_phrasal_reporting_and_copular_verbs(nlp, original: str) -> None:
    pool = EntityPool.from_sentences(nlp("Egypt accepted the plan. Qatar hosted the talks.").sents)
    assert swap_predicate(sentence(nlp, original), pool, random.Random(0)) is None


def test_gap_window_keeps_the_neighbours_and_cuts_the_sentence(nlp) -> None:
    sentences = list(nlp(NEWS).sents)
    for seed in range(5):
        evidence = gap_window(sentences, 2, random.Random(seed))
        assert evidence is not None
        assert sentences[2].text.strip() not in evidence
        assert sentences[1].text.strip() in evidence and sentences[3].text.strip() in evidence


def test_hard_not_enough_evidence_kinds_are_opt_in(nlp) -> None:
    events = (
        "Israel sent a delegation to Doha. Qatar hosted the talks on Thursday. Egypt accepted the plan. "
        "Hamas rebuffed the offers. The envoy met the minister in Cairo."
    )
    documents = [list(nlp(events).sents)] * 30
    pool = EntityPool.from_sentences(documents[0])

    def kinds(hard: bool) -> set[str]:
        pairs = make_pairs(
            documents, pool, random.Random(4), "test", per_document=3, hard_not_enough_evidence=hard
        )
        return {pair.source.split("/")[-1] for pair in pairs if pair.label == "not_enough_evidence"}

    assert kinds(hard=True) == set(NOT_ENOUGH_EVIDENCE_KINDS)
    assert kinds(hard=False) == {"same_topic"}


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
