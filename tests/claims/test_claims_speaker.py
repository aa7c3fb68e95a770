from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # parses with the spaCy model


def test_reporting_verb_subject_is_the_speaker(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Hamas announced that it would not attend the talks in Qatar.")
    assert claims[0].speaker == "Hamas"


def test_according_to_names_the_source(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("According to the health ministry, 92 people were killed in the strike.")
    assert claims[0].speaker == "The health ministry"


def test_quote_speaker_after_quotation(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("“We will rebuild the city,” the mayor said.")
    assert claims[0].speaker == "The mayor"


def test_definite_speaker_resolves_to_earlier_description(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "An official briefed on the talks said mediators would meet in Cairo. "
        "“They have to decide if they want to end the war,” the official said. "
        "“If they do, we will help them get there.”"
    )
    assert [claim.speaker for claim in claims] == ["An official briefed on the talks"] * 3


def test_narration_has_no_speaker(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("The strike killed 92 people on Sunday.")
    assert claims[0].speaker is None


def test_pronoun_speaker_is_resolved(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("Yahya Sinwar leads Hamas in Gaza. He said the group would fight on.")
    assert claims[-1].speaker == "Yahya Sinwar"
