"""Compare two slots: "match", "mismatch", or "unrelated" when they describe different things.

Each function is conservative: qualifiers widen a number into a range, a coarser date matches the finer
one inside it, and a place matches the place that contains its name; only clear disagreement is a mismatch.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Literal

from veracity.slots import lexicon as lx
from veracity.slots.names import acronym, name_tokens, place_kind
from veracity.types import Slot

Comparison = Literal["match", "mismatch", "unrelated"]

ABOUT_TOLERANCE = 0.08  # "about 93" covers 85-101: reporters round casualty and money figures this much
OPEN_BOUND_FACTOR = 2.0
"""How far past its number "more than N" reaches: a reporter with 40,000 deaths writes "more than 40,000",
not "more than 2,300", so a lower bound is also an order-of-size claim."""
ROUNDING_TOLERANCE = 0.05  # an unqualified round number ("40,000") is still a rounded figure
_ISO = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}))?(?:-(\d{2}))?$")


def units_compatible(first: str | None, second: str | None) -> bool:
    """Whether two counted nouns can count the same thing; unknown units are compatible."""
    if first == second:
        return True
    if {first, second} & {"%", "times"}:
        return False  # "five times" and "2-1", "6%" and "6 points" count different things
    if first is None or second is None:
        return True
    special = {"%", "times"} | set(lx.CURRENCY_WORDS.values())
    if first in special or second in special:
        return False
    return (
        _is_person_unit(first)
        and _is_person_unit(second)
        and (first in lx.GENERIC_PERSON_UNITS or second in lx.GENERIC_PERSON_UNITS)
    )


def _is_person_unit(unit: str) -> bool:
    return unit in lx.GENERIC_PERSON_UNITS or unit in lx.PERSON_NOUNS or unit.endswith(lx.DEMONYM_SUFFIXES)


def quantity_range(slot: Slot) -> tuple[float, float]:
    """The values a quantity admits, given its qualifier and how round the written number is."""
    value = slot.value if slot.value is not None else math.nan
    qualifier = slot.qualifier or "exact"
    if qualifier == "about":
        spread = abs(value) * ABOUT_TOLERANCE + 1
        return value - spread, value + spread
    if qualifier in {"more_than", "at_least"}:
        written_in_digits = any(char.isdigit() for char in slot.text)
        upper = value * OPEN_BOUND_FACTOR + 1 if written_in_digits else math.inf  # "dozens" stays open
        return value * (1 - ROUNDING_TOLERANCE / 5), upper
    if qualifier in {"less_than", "at_most"}:
        return -math.inf, value * (1 + ROUNDING_TOLERANCE / 5)
    spread = min(_rounding_unit(slot.text, value) / 2, abs(value) * ROUNDING_TOLERANCE)
    return value - spread, value + spread


STATED_MARGIN = 0.1  # a number within a tenth past the claim's range counts as stated (the rules compare it)


def unstated_quantity(claim_slots: list[Slot], stated: set[float]) -> Slot | None:
    """The first of a claim's quantities written in digits that none of the `stated` numbers comes near
    (its range, widened by a tenth); None when each is stated somewhere. Numbers in words ("dozens", "ten
    times") are vague or relative, so they are never reported missing."""
    for slot in claim_slots:
        if slot.kind != "quantity" or slot.value is None or not any(char.isdigit() for char in slot.text):
            continue
        low, high = quantity_range(slot)
        margin = STATED_MARGIN * abs(slot.value)
        if not any(low - margin <= number <= high + margin for number in stated):
            return slot
    return None


def _rounding_unit(text: str, value: float) -> float:
    """10**k for a number written with k trailing zeros ("40,000" -> 10,000); finer for decimals."""
    digits = re.sub(r"[^\d.]", "", text)
    if not digits or value == 0:
        return 0.0
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        significant = float(digits) if digits.replace(".", "") else 0
        return value / significant * 10**-decimals if significant else 0.0
    stripped = digits.rstrip("0")
    written = float(digits)
    scale = value / written if written else 1.0
    return scale * 10 ** (len(digits) - len(stripped)) if scale > 1 or len(digits) > len(stripped) else 0.0


def compare_quantities(claim_q: Slot, evidence_q: Slot) -> Comparison:
    if (
        claim_q.value is None
        or evidence_q.value is None
        or not units_compatible(claim_q.unit, evidence_q.unit)
    ):
        return "unrelated"
    low_a, high_a = quantity_range(claim_q)
    low_b, high_b = quantity_range(evidence_q)
    return "match" if low_a <= high_b + 1e-9 and low_b <= high_a + 1e-9 else "mismatch"


def _date_parts(normalized: str | None) -> tuple[int | None, int | None, int | None] | None:
    match = _ISO.match(normalized or "")
    if match is None:
        return None
    year = None if match.group(1) == "XXXX" else int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    return year, month, day


def compare_dates(first: Slot, second: Slot) -> Comparison:
    """Dates at their granularity ("2007" ~ "2007-06"), weekdays by name or by a full date's weekday."""
    if first.kind == "weekday" or second.kind == "weekday":
        return _compare_weekday(first, second)
    parts_a, parts_b = _date_parts(first.normalized), _date_parts(second.normalized)
    if parts_a is None or parts_b is None:
        return "unrelated"
    shared = [(a, b) for a, b in zip(parts_a, parts_b, strict=True) if a is not None and b is not None]
    if not shared:
        return "unrelated"
    # "June" against "2024-06-10": without a year on one side, only a shared month makes them comparable.
    year_missing = parts_a[0] is None or parts_b[0] is None
    if year_missing and (parts_a[1] is None or parts_b[1] is None):
        return "unrelated"
    return "match" if all(a == b for a, b in shared) else "mismatch"


def _weekday_of(slot: Slot) -> str | None:
    if slot.kind == "weekday":
        return slot.normalized
    parts = _date_parts(slot.normalized)
    if parts is None or None in parts:
        return None
    year, month, day = parts
    assert year is not None and month is not None and day is not None
    try:
        return lx.WEEKDAYS[date(year, month, day).weekday()]
    except ValueError:
        return None


def _compare_weekday(first: Slot, second: Slot) -> Comparison:
    day_a, day_b = _weekday_of(first), _weekday_of(second)
    if day_a is None or day_b is None:
        return "unrelated"
    return "match" if day_a == day_b else "mismatch"


def compare_places(first: Slot, second: Slot) -> Comparison:
    """Same or containing name -> match; two different places of the same kind (two schools) -> mismatch."""
    name_a, name_b = first.normalized or "", second.normalized or ""
    if _names_match(name_a, name_b):
        return "match"
    return "mismatch" if place_kind(name_a) == place_kind(name_b) else "unrelated"


def compare_names(first: Slot, second: Slot) -> Comparison:
    """People, organisations, events: "Blinken" ~ "Antony Blinken", "UN" ~ "United Nations"."""
    if first.kind != second.kind:
        return "unrelated"
    return "match" if _names_match(first.normalized or "", second.normalized or "") else "mismatch"


def _names_match(name_a: str, name_b: str) -> bool:
    if not name_a or not name_b:
        return False
    if name_a == name_b:
        return True
    tokens_a, tokens_b = name_tokens(name_a), name_tokens(name_b)
    tokens_a.discard("")
    tokens_b.discard("")
    generic = lx.PLACE_NOUNS | lx.EVENT_NOUNS
    core_a, core_b = tokens_a - generic, tokens_b - generic
    if core_a and core_b and (core_a <= tokens_b or core_b <= tokens_a):
        return True
    compact_a, compact_b = name_a.replace(" ", ""), name_b.replace(" ", "")
    return compact_a in {acronym(name_b), compact_b} or compact_b == acronym(name_a)


def compare_slots(first: Slot, second: Slot) -> Comparison:
    """Dispatch on kind; slots of kinds that cannot be compared are "unrelated"."""
    kinds = {first.kind, second.kind}
    if kinds == {"quantity"}:
        return compare_quantities(first, second)
    if kinds <= {"date", "weekday"}:
        return compare_dates(first, second)
    if kinds == {"place"}:
        return compare_places(first, second)
    if len(kinds) == 1 and kinds <= {"person", "organization", "event"}:
        return compare_names(first, second)
    if kinds == {"negation"}:
        return "match" if first.normalized == second.normalized else "unrelated"
    return "unrelated"
