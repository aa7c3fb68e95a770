"""Typed slots (numbers, dates, weekdays, places, names, negation) and how two of them compare."""

from veracity.slots.compare import (
    Comparison,
    compare_dates,
    compare_names,
    compare_places,
    compare_quantities,
    compare_slots,
    quantity_range,
    units_compatible,
    unstated_quantity,
)
from veracity.slots.extract import SlotAnalysis, SlotInfo, analyze, extract_slots, numbers_in
from veracity.slots.names import normalize_name

__all__ = [
    "Comparison",
    "SlotAnalysis",
    "SlotInfo",
    "analyze",
    "compare_dates",
    "compare_names",
    "compare_places",
    "compare_quantities",
    "compare_slots",
    "extract_slots",
    "normalize_name",
    "numbers_in",
    "quantity_range",
    "units_compatible",
    "unstated_quantity",
]
