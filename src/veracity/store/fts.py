"""Free text to an FTS5 MATCH expression that can never be a syntax error.

User and claim text holds quotes, hyphens, colons, parentheses and words like AND/NOT/NEAR that FTS5
would read as operators. Each kept word becomes a double-quoted string (a literal to FTS5) and the
words are OR-ed, so BM25 ranks passages by how many of the rarer words they share.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

MAX_TERMS = 48
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
    terms = query_terms(text)
    if not terms:
        return None
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
