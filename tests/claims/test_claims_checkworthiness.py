from __future__ import annotations

import inspect
from dataclasses import replace

import pytest

from veracity.checker import Checker
from veracity.claims import CHECKWORTHY_THRESHOLD
from veracity.claims.checkworthiness import WEIGHTS, CheckworthinessFeatures

PLAIN = CheckworthinessFeatures(
    has_number=False,
    has_date=False,
    named_entities=0,
    past_event=False,
    attributed=False,
    speculative_modal=False,
    future=False,
    prediction=False,
    obligation=False,
    question=False,
    personal_pronoun=False,
    direct_quote=False,
    opinion=False,
    hedge=False,
    boilerplate=False,
    fragment=False,
)


def test_threshold_matches_checker_default() -> None:
    default = inspect.signature(Checker.__init__).parameters["min_checkworthiness"].default
    assert CHECKWORTHY_THRESHOLD == default == 0.5


def test_factual_signals_raise_and_hedges_lower_the_score() -> None:
    factual = replace(PLAIN, has_number=True, has_date=True, past_event=True)
    assert factual.score() > CHECKWORTHY_THRESHOLD > PLAIN.score()
    for feature in ("speculative_modal", "question", "opinion", "boilerplate", "hedge", "direct_quote"):
        assert replace(factual, **{feature: True}).score() < factual.score(), feature


def test_contributions_explain_the_score() -> None:
    features = replace(PLAIN, has_number=True, named_entities=7, question=True)
    contributions = features.contributions()
    assert set(contributions) == {"has_number", "named_entities", "question"}
    assert contributions["named_entities"] == pytest.approx(3 * WEIGHTS["named_entities"])


@pytest.mark.slow
def test_concrete_event_outranks_quoted_intent(extract) -> None:  # type: ignore[no-untyped-def]
    event = extract("The strike killed 92 people on Sunday.")[0]
    intent = extract("“They have to decide if they want to end the war,” the official said.")[0]
    assert event.checkworthiness > CHECKWORTHY_THRESHOLD > intent.checkworthiness


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Will the ceasefire hold until the end of the year?",
        "The official declined to be named because he was not authorized to speak publicly.",
        "The talks could possibly collapse if the sides cannot agree.",
        "We think this is a very important moment for everyone.",
    ],
)
def test_questions_boilerplate_speculation_and_opinion_score_low(extract, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(claim.checkworthiness < CHECKWORTHY_THRESHOLD for claim in extract(text))
