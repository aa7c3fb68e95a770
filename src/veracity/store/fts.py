"""Free text to an FTS5 MATCH expression that can never be a syntax error.

User and claim text holds quotes, hyphens, colons, parentheses and words like AND/NOT/NEAR that FTS5
would read as operators. Each kept word becomes a double-quoted string (a literal to FTS5) and the
words are OR-ed, so BM25 ranks passages by how many of the rarer words they share.

FTS5 scores every passage that matches any word, so on a million passages one common word ("film",
"year") costs tens of milliseconds. `affordable_terms` keeps the rarest words whose postings fit a row
budget: the words left out are the ones BM25 weighs least, and the cost of a query stops growing with
the size of the store.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

MAX_TERMS = 48
ROW_BUDGET = 40_000  # postings scored per query; about 10 ms of FTS5 work on a small machine
MIN_TERMS = 2  # the rarest words are kept whatever their postings cost
_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """Distinct lower-cased words of `text` in order, stop words and lone letters dropped."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text.lower()):
        token = match.group().strip("_")
        if not token or token in STOP_WORDS or (len(token) == 1 and not token.isdigit()):
            continue
        seen.setdefault(token, None)
        if len(seen) == MAX_TERMS:
            break
    return list(seen)


def match_expression(text: str) -> str | None:
    """The MATCH expression for `text`, or None when nothing searchable is left."""
    return expression(query_terms(text))


def affordable_terms(
    terms: list[str], postings: list[int], budget: int = ROW_BUDGET, min_terms: int = MIN_TERMS
) -> list[str]:
    """The rarest `terms` (by `postings`, the passages holding each) whose postings fit `budget`.

    Words no passage holds are dropped; the query order of the kept words is preserved.
    """
    ranked = sorted((count, index) for index, count in enumerate(postings) if count > 0)
    kept: set[int] = set()
    spent = 0
    for count, index in ranked:
        if len(kept) >= min_terms and spent + count > budget:
            break
        kept.add(index)
        spent += count
    return [term for index, term in enumerate(terms) if index in kept]


def expression(terms: list[str]) -> str | None:
    """The MATCH expression that ORs `terms` as quoted literals."""
    if not terms:
        return None
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
