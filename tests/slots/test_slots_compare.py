"""Slot comparison: qualifier tolerance, date granularity, weekdays, places and names."""

from __future__ import annotations

import pytest

from veracity.slots import (
    compare_dates,
    compare_names,
    compare_places,
    compare_quantities,
    compare_slots,
    unstated_quantity,
)
from veracity.slots.names import normalize_name
from veracity.types import QuantityQualifier, Slot


def qty(
    value: float, unit: str | None = "people", qualifier: QuantityQualifier = "exact", text: str = ""
) -> Slot:
    return Slot("quantity", text or f"{value:g}", 0, 1, value=value, unit=unit, qualifier=qualifier)


def when(normalized: str, kind: str = "date") -> Slot:
    return Slot(kind, normalized, 0, 1, normalized=normalized)  # type: ignore[arg-type]


def named(kind: str, text: str) -> Slot:
    return Slot(kind, text, 0, len(text), normalized=normalize_name(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        (qty(92), qty(93, qualifier="about"), "match"),
        (qty(95), qty(93, qualifier="about"), "match"),
        (qty(92), qty(40), "mismatch"),
        (qty(2300, "palestinian", "more_than"), qty(40000, "palestinian", "about"), "mismatch"),
        (qty(2300, "palestinian", "more_than"), qty(3100, "palestinian", "about"), "match"),
        (qty(90, "people", "at_least"), qty(93, "people", "about"), "match"),
        (qty(24, "people", "at_least", text="dozens"), qty(300, "people"), "match"),
        (qty(2300, "palestinian", "less_than"), qty(40000, "palestinian", "about"), "mismatch"),
        (qty(92), qty(93), "mismatch"),
        (qty(40000, text="40,000"), qty(39800, text="39,800"), "match"),
        (qty(12, "%"), qty(12, "USD"), "unrelated"),
        (qty(92, "people"), qty(93, "palestinian", "about"), "match"),
        (qty(92, "goal"), qty(40, "match"), "unrelated"),
        (qty(3, None), qty(30, "goal"), "mismatch"),
    ],
)
def test_compare_quantities(claim: Slot, evidence: Slot, expected: str) -> None:
    assert compare_quantities(claim, evidence) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (when("2007"), when("2007-06"), "match"),
        (when("2024-06"), when("2023-11"), "mismatch"),
        (when("XXXX-06"), when("2023-11-24"), "mismatch"),
        (when("XXXX-06"), when("2024-06-15"), "match"),
        (when("XXXX-06"), when("2024"), "unrelated"),
        (when("sunday", "weekday"), when("saturday", "weekday"), "mismatch"),
        (when("saturday", "weekday"), when("2024-08-10"), "match"),
        (when("sunday", "weekday"), when("2024-08-10"), "mismatch"),
        (when("sunday", "weekday"), when("2024-08"), "unrelated"),
    ],
)
def test_compare_dates(first: Slot, second: Slot, expected: str) -> None:
    assert compare_dates(first, second) == expected
    assert compare_slots(second, first) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Al-Mawasi school", "al-Tabi'in school", "mismatch"),
        ("the al-Tabi'in school", "Tabi'in school", "match"),
        ("Gaza", "Gaza City", "match"),
        ("southern Gaza", "Gaza Strip", "match"),
        ("Qatar", "Egypt", "mismatch"),
        ("Shifa hospital", "Gaza City", "unrelated"),
    ],
)
def test_compare_places(first: str, second: str, expected: str) -> None:
    assert compare_places(named("place", first), named("place", second)) == expected


def test_compare_names() -> None:
    assert compare_names(named("person", "Blinken"), named("person", "Antony Blinken")) == "match"
    assert compare_names(named("organization", "UN"), named("organization", "United Nations")) == "match"
    assert compare_names(named("person", "Blinken"), named("person", "Netanyahu")) == "mismatch"
    assert compare_slots(named("person", "Hamas"), named("organization", "Hamas")) == "unrelated"


@pytest.mark.parametrize(
    ("slots", "stated", "missing"),
    [
        ([qty(2300, "palestinian", "more_than", text="more than 2,300")], {40005.0, 92000.0, 1200.0}, 0),
        ([qty(2300, "palestinian", "more_than", text="more than 2,300")], {3100.0}, None),
        ([qty(92, text="92")], {93.0}, None),  # near enough to be compared (and found to differ) by the rules
        ([qty(92, text="92")], {9.0, 920.0}, 0),
        ([qty(40000, text="40,000")], {40005.0}, None),
        ([qty(24, "people", "at_least", text="dozens")], set(), None),  # vague: never reported missing
        ([qty(10, "times", text="ten times")], set(), None),
        ([qty(67, text="67"), qty(5, text="5")], {67.0}, 1),
        ([when("2024-06")], set(), None),  # only quantities
    ],
)
def test_unstated_quantity_is_a_number_written_in_digits_that_nothing_comes_near(
    slots: list[Slot], stated: set[float], missing: int | None
) -> None:
    assert unstated_quantity(slots, stated) == (None if missing is None else slots[missing])
