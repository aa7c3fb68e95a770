from __future__ import annotations

import pytest
from claims_helpers import ARTICLE_DATE

from veracity.claims.timeframe import format_date
from veracity.types import Claim


def by_prefix(claims: list[Claim], prefix: str) -> Claim:
    return next(claim for claim in claims if claim.text.startswith(prefix))


def test_format_date_is_unambiguous() -> None:
    assert format_date(ARTICLE_DATE) == "14 August 2024"


@pytest.mark.slow
def test_pronoun_resolves_to_person_named_with_apposition(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "Sami Abu Zuhri, a representative of Hamas, spoke to reporters in Doha. "
        "He warned that new negotiations could fail."
    )
    assert claims[-1].text == "New negotiations could fail."
    assert claims[-1].speaker == "Sami Abu Zuhri"


@pytest.mark.slow
def test_group_description_resolves_to_organisation(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("A Hamas official said the group would not attend the talks in Qatar.")
    assert "Hamas would not attend" in claims[0].text


@pytest.mark.slow
def test_militants_resolve_to_salient_organisation(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Hamas rejected the offer from Israel. The militants have controlled Gaza since 2007.")
    assert claims[-1].text == "Hamas have controlled Gaza since 2007."


@pytest.mark.slow
def test_unnamed_official_keeps_its_description(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "An official briefed on the talks said mediators would meet in Cairo. "
        "The official added that the US remained confident about the deal."
    )
    # The reporting frame is stripped; the official stays as the speaker of the reported content.
    assert by_prefix(claims, "The US remained confident").speaker == "An official briefed on the talks"


@pytest.mark.slow
def test_object_pronoun_does_not_corefer_with_its_clause_subject(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Mediators will consult with Hamas, and the US had no plans to take it off the agenda.")
    assert "The US had no plans to take Hamas off the agenda." in [claim.text for claim in claims]


@pytest.mark.slow
def test_referent_already_named_in_claim_keeps_pronoun(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Hamas ordered its fighters on Monday to keep their positions.")
    assert "its fighters" in claims[0].text


@pytest.mark.slow
def test_weekdays_resolve_backwards_and_scheduled_ones_forwards(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("A strike killed 92 people on Sunday. Talks are scheduled for Thursday in Doha.")
    assert "on Sunday 11 August 2024" in claims[0].text
    assert "Thursday 15 August 2024" in claims[1].text
    assert all(claim.time_frame == ARTICLE_DATE for claim in claims)


@pytest.mark.slow
def test_article_day_and_possessive_weekdays(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("The minister resigned on Wednesday after Sunday's deadly strike on the camp.")
    assert "Wednesday 14 August 2024" in claims[0].text
    assert "Sunday 11 August 2024" in claims[0].text


@pytest.mark.slow
def test_relative_periods_get_explicit_glosses(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "The group backed a proposal put forward earlier this month. Blinken will fly to Qatar this week."
    )
    assert "earlier this month (August 2024)" in claims[0].text
    assert "this week (week of 12 August 2024)" in claims[1].text


@pytest.mark.slow
def test_without_article_date_times_stay_as_written(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("A strike killed 92 people on Sunday.", published=None)
    assert claims[0].text == "A strike killed 92 people on Sunday."
    assert claims[0].time_frame is None
