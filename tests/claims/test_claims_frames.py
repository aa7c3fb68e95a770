"""Reporting frames are stripped: the claim is what was reported, the reporter is its speaker."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_announcement_date_is_not_part_of_the_reported_content(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("A union official announced on Monday that the union would not join the wage talks.")
    assert claims[0].text == "The union would not join the wage talks."
    assert claims[0].speaker == "A union official"
    assert all(slot.kind not in {"weekday", "date"} for slot in claims[0].slots)


@pytest.mark.slow
def test_insisted_frame_and_according_to_are_stripped(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract(
        "The ministry has insisted that the new bridge cost 40 million euros. "
        "According to local media, the mayor resigned on Friday."
    )
    assert claims[0].text == "The new bridge cost 40 million euros." and claims[0].speaker == "The ministry"
    assert claims[1].text.startswith("The mayor resigned") and claims[1].speaker == "Local media"


@pytest.mark.slow
def test_denials_keep_their_frame(extract) -> None:  # type: ignore[no-untyped-def]
    claims = extract("The company denied that it had cut 500 jobs in March.")
    assert "denied" in claims[0].text
