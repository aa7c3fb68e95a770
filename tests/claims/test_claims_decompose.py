from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # parses with the spaCy model


def texts(claims) -> list[str]:  # type: ignore[no-untyped-def]
    return [claim.text for claim in claims]


def test_shared_subject_is_carried_into_second_conjunct(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "Hamas would not participate in the talks but indicated they might engage with mediators."
    )
    assert len(claims) == 2
    assert "not participate" in claims[0].text and "indicated" not in claims[0].text
    # The frame is kept when its content would start with an unresolved pronoun ("They might ...").
    assert claims[1].text.startswith("Hamas indicated")


def test_clauses_with_their_own_subjects_split(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Smith won the vote in Ohio, while Jones lost his seat in Texas.")
    assert len(claims) == 2
    assert "Smith" in claims[0].text and "Jones" not in claims[0].text
    assert claims[1].text.startswith("Jones lost")


def test_coordinated_counts_become_separate_claims(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("The fighting has killed more than 2,300 Palestinians and 67 Israelis since June.")
    assert len(claims) == 2
    assert "2,300" in claims[0].text and "67" not in claims[0].text
    assert "67 Israelis" in claims[1].text and "2,300" not in claims[1].text
    assert all("since June" in text for text in texts(claims))


def test_nonrestrictive_relative_clause_states_its_own_fact(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "Officials cited the strike on the school, which killed 93 people, as a reason for the delay."
    )
    assert "The strike on the school killed 93 people." in texts(claims)
    main = next(claim for claim in claims if claim.text.startswith("Officials"))
    assert "93" not in main.text


def test_spans_point_at_the_clause_in_the_article(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Officials met on Monday. Hamas rejected the offer, and Israel sent a delegation to Doha."
    claims = extract(text)
    second = next(claim for claim in claims if claim.text.startswith("Israel"))
    assert text[second.start : second.end] == "Israel sent a delegation to Doha"
    assert second.sentence == "Hamas rejected the offer, and Israel sent a delegation to Doha."
    assert [claim.id for claim in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    assert [claim.start for claim in claims] == sorted(claim.start for claim in claims)


def test_simple_sentence_is_not_split(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Israel and Egypt sent delegations to the talks in Doha.")
    assert texts(claims) == ["Israel and Egypt sent delegations to the talks in Doha."]
