"""Slot extraction on the spaCy model the project ships with (loads in well under a second)."""

from __future__ import annotations

from datetime import date

import pytest

from veracity.resources import Resources
from veracity.slots import extract_slots, normalize_name, numbers_in
from veracity.types import Slot


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return Resources().nlp


def kinds(slots: list[Slot], kind: str) -> list[Slot]:
    return [slot for slot in slots if slot.kind == kind]


def only(slots: list[Slot], kind: str) -> Slot:
    found = kinds(slots, kind)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("The war has killed more than 2,300 Palestinians.", 2300, "palestinian", "more_than"),
        ("The strike killed about 93 people.", 93, "people", "about"),
        ("Nearly 12% of voters stayed home.", 12, "%", "about"),
        ("At least three hostages were freed.", 3, "hostage", "at_least"),
        ("The fund will pay up to $5 million.", 5_000_000, "USD", "at_most"),
        ("Forty villagers fled the fire.", 40, "villager", "exact"),
        ("Dozens of people were injured.", 24, "people", "at_least"),
        ("Revenue rose to 1.2 billion euros.", 1.2e9, "EUR", "exact"),
        ("He scored over 30 goals.", 30, "goal", "more_than"),
        ("Some 400 workers went on strike.", 400, "worker", "about"),
    ],
)
def test_quantity_value_unit_and_qualifier(nlp, text, value, unit, qualifier) -> None:  # type: ignore[no-untyped-def]
    slot = only(extract_slots(text, nlp), "quantity")
    assert slot.value == pytest.approx(value)
    assert slot.unit == unit
    assert slot.qualifier == qualifier
    assert text[slot.start : slot.end] == slot.text


def test_multiplier_is_its_own_unit(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "It asked for 40 hostages in exchange for more than ten times as many prisoners."
    quantities = kinds(extract_slots(text, nlp), "quantity")
    assert [(q.value, q.unit, q.qualifier) for q in quantities] == [
        (40, "hostage", "exact"),
        (10, "times", "more_than"),
    ]


def test_years_are_dates_not_quantities(nlp) -> None:  # type: ignore[no-untyped-def]
    slots = extract_slots("The militants have controlled Gaza since 2007.", nlp)
    assert not kinds(slots, "quantity")
    assert only(slots, "date").normalized == "2007"
    assert only(slots, "relative_time").normalized == "since 2007"


def test_full_date_and_weekday(nlp) -> None:  # type: ignore[no-untyped-def]
    slots = extract_slots("The school was hit on Saturday 10 August 2024.", nlp)
    assert only(slots, "weekday").normalized == "saturday"
    assert only(slots, "date").normalized == "2024-08-10"


def test_month_without_year_resolves_against_reference(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "A ceasefire agreement was reached in June."
    assert only(extract_slots(text, nlp), "date").normalized == "XXXX-06"
    resolved = extract_slots(text, nlp, reference_date=date(2024, 8, 14))
    assert only(resolved, "date").normalized == "2024-06"
    earlier = extract_slots(text, nlp, reference_date=date(2024, 3, 1))
    assert only(earlier, "date").normalized == "2023-06"


def test_weekday_resolves_to_past_or_future_date(nlp) -> None:  # type: ignore[no-untyped-def]
    wednesday = date(2024, 8, 14)
    past = extract_slots("Sunday's strike killed 92 people.", nlp, reference_date=wednesday)
    assert only(past, "weekday").normalized == "sunday"
    assert only(past, "date").normalized == "2024-08-11"
    future = extract_slots("Talks are scheduled for Thursday.", nlp, reference_date=wednesday)
    assert only(future, "date").normalized == "2024-08-15"


def test_relative_times(nlp) -> None:  # type: ignore[no-untyped-def]
    reference = date(2024, 8, 14)
    slots = extract_slots("The proposal was put forward earlier this month.", nlp, reference_date=reference)
    assert only(slots, "relative_time").normalized == "2024-08"
    unresolved = extract_slots("The proposal was put forward earlier this month.", nlp)
    assert only(unresolved, "relative_time").normalized == "earlier this month"


def test_numeric_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    slots = extract_slots("The filing is dated 2024-02-03 and was amended on 10/08/2024.", nlp)
    assert [slot.normalized for slot in kinds(slots, "date")] == ["2024-02-03", "2024-08-10"]


def test_places_include_facilities_named_like_people(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "An air strike on al-Tabi'in school in Gaza City killed about 93 people."
    places = {slot.normalized for slot in kinds(extract_slots(text, nlp), "place")}
    assert places == {"tabiin school", "gaza city"}


def test_people_organisations_and_events(nlp) -> None:  # type: ignore[no-untyped-def]
    slots = extract_slots("Sami Abu Zuhri of Hamas said the group would skip the Doha talks.", nlp)
    assert only(slots, "person").normalized == "sami abu zuhri"
    assert only(slots, "organization").normalized == "hamas"
    assert only(slots, "event").normalized == "doha talks"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Hamas said it would not take part in the round.", "take"),
        ("The team never won a title.", "win"),
        ("Hamas refused to join the talks.", "join"),
        ("The government has ruled out accepting the proposal.", "accept"),
        ("The official declined to be named.", "name"),
    ],
)
def test_negation_cues(nlp, text, target) -> None:  # type: ignore[no-untyped-def]
    slot = only(extract_slots(text, nlp), "negation")
    assert slot.normalized == target
    assert text[slot.start : slot.end] == slot.text


def test_affirmative_sentence_has_no_negation(nlp) -> None:  # type: ignore[no-untyped-def]
    assert not kinds(extract_slots("Hamas agreed to join the talks in Doha.", nlp), "negation")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("al-Tabi'in school", "Al Tabiin School"),
        ("the Gaza Strip", "Gaza"),
        ("Hamas's", "Hamas"),
        ("São Paulo", "Sao Paulo"),
        ("U.S.", "United States"),
    ],
)
def test_normalize_name_equates_spellings(first: str, second: str) -> None:
    assert normalize_name(first) == normalize_name(second)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("40,005 dead and more than 92,000 wounded on 7 October 2023.", {40005, 92000, 7}),
        ("sixty-seven Israelis and two thousand Palestinians", {67, 2000}),
        ("a 2.3bn deal and a thousand people", {2.3, 2.3e9, 1000}),
        ("two hundred and fifty people, 5 and 6", {250, 5, 6}),
        ("3 m long", {3, 3e6}),  # "m" may be metres or millions: both are kept
        ("In 2007 Hamas took Gaza; a man and an envoy", set()),  # years and articles are not quantities
        ("", set()),
    ],
)
def test_numbers_in_reads_numerals_and_number_words_without_a_parse(text: str, numbers: set[float]) -> None:
    assert numbers_in(text) == numbers
