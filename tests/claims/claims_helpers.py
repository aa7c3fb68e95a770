"""Constants and checks shared by the claims tests (a unique name, since test folders are not packages)."""

from __future__ import annotations

import importlib.util
from datetime import date

ARTICLE_DATE = date(2024, 8, 14)  # a Wednesday


def slots_available() -> bool:
    """The slot extractor is another stage's module; slot assertions wait until it exists."""
    if importlib.util.find_spec("veracity.slots") is None:
        return False
    from veracity import slots

    return hasattr(slots, "extract_slots")
