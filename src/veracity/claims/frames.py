"""Strip the reporting frame from a clause, so the claim checked is what was reported, not the reporting.

"A Hamas official announced on Wednesday that the group would not participate in the talks" asserts that
the group would not participate; the announcement and its date belong to `Claim.speaker`, and comparing
the announcement date with the date evidence gives for the statement would refute true reporting.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from veracity.claims.decompose import SUBJECT_DEPS, Clause, clause_root
from veracity.claims.speaker import REPORTING_VERBS

MIN_CONTENT_WORDS = 3
NON_ASSERTING_VERBS = frozenset(
    {"deny", "urge", "threaten", "promise", "pledge", "vow", "predict", "suggest"}
)
"""Reporting verbs whose complement is not asserted as fact ("denied that X", "urged that X")."""


def reported_content(clause: Clause, doc: Doc) -> Clause | None:
    """The clause restricted to its reported complement, or None when it has no frame worth stripping."""
    root = clause_root(clause, doc)
    lemma = root.lemma_.lower()
    if lemma not in REPORTING_VERBS or lemma in NON_ASSERTING_VERBS or _negated(root):
        return None
    complement = next(
        (child for child in root.children if child.dep_ == "ccomp" and child.i in clause.own), None
    )
    if complement is None or not any(child.dep_ in SUBJECT_DEPS for child in complement.children):
        return None
    marks = {child.i for child in complement.children if child.dep_ == "mark" and child.i < complement.i}
    content = frozenset(t.i for t in complement.subtree if t.i in clause.own and t.i not in marks)
    words = [i for i in content if not doc[i].is_punct and not doc[i].is_space]
    if len(words) < MIN_CONTENT_WORDS:
        return None
    return clause.restricted(content, prefix=())


def without_attribution(clause: Clause, doc: Doc) -> Clause:
    """Drop an "according to X" phrase: X is the speaker, not part of the fact."""
    for index in sorted(clause.own):
        token = doc[index]
        if token.lower_ != "according" or not any(child.lower_ == "to" for child in token.children):
            continue
        dropped = {t.i for t in token.subtree}
        after = token.right_edge.i + 1
        if after < len(doc) and doc[after].text == ",":
            dropped.add(after)
        remaining = clause.own - dropped
        if remaining:
            return clause.restricted(frozenset(remaining))
    return clause


def _negated(verb: Token) -> bool:
    return any(child.dep_ == "neg" for child in verb.children)
