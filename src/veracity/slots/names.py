"""Name normalisation, so "al-Tabi'in school", "Al Tabiin School" and "the Tabi'in school" compare equal."""

from __future__ import annotations

import re
import unicodedata

from veracity.slots.lexicon import ALIASES, DIRECTION_WORDS, NAME_PREFIXES, PLACE_NOUNS

_APOSTROPHES = re.compile(r"['’‘`ʼ]")
_POSSESSIVE = re.compile(r"['’]s\b")
_SEPARATORS = re.compile(r"[^\w]+")


def normalize_name(text: str) -> str:
    """Casefold, strip diacritics, possessives, articles and "al-" prefixes, hyphens; apply aliases."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _POSSESSIVE.sub("", plain.casefold())
    plain = _APOSTROPHES.sub("", plain).replace(".", "")
    tokens = [tok for tok in _SEPARATORS.sub(" ", plain).split() if tok not in NAME_PREFIXES]
    joined = " ".join(tokens)
    return ALIASES.get(joined, joined)


def name_tokens(normalized: str) -> set[str]:
    """The tokens that identify a place or name, without region words like "southern"."""
    return {tok for tok in normalized.split() if tok not in DIRECTION_WORDS}


def place_kind(normalized: str) -> str:
    """ "school" for "tabiin school", "area" for names without a facility noun ("gaza city" is a city)."""
    tokens = normalized.split()
    if tokens and tokens[-1] in PLACE_NOUNS and tokens[-1] not in {"city", "town", "province", "region"}:
        return tokens[-1]
    return "area"


def acronym(normalized: str) -> str:
    return "".join(tok[0] for tok in normalized.split() if tok not in {"of", "and", "for"})
