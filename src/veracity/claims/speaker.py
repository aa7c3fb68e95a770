"""Who a claim is attributed to: the subject of a reporting verb, "according to X", or a quote's speaker."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from veracity.claims.coref import Coreference
from veracity.claims.decompose import Clause, clause_root

REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "announce",
        "warn",
        "add",
        "state",
        "claim",
        "insist",
        "emphasize",
        "emphasise",
        "confirm",
        "deny",
        "report",
        "cite",
        "indicate",
        "note",
        "explain",
        "argue",
        "accuse",
        "allege",
        "acknowledge",
        "suggest",
        "write",
        "declare",
        "reveal",
        "stress",
        "predict",
        "estimate",
        "assert",
        "maintain",
        "contend",
        "testify",
        "tweet",
        "post",
        "blame",
        "concede",
        "admit",
        "disclose",
        "urge",
        "reiterate",
        "promise",
        "pledge",
        "vow",
        "threaten",
        "caution",
        "observe",
        "remark",
        "recall",
        "describe",
    }
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
QUOTE_MARKS = frozenset({"“", "”", '"', "«", "»"})


def find_speaker(clause: Clause, sentence: Span, coref: Coreference) -> str | None:
    """The nearest reporting verb above the clause's predicate names the speaker; "according to" wins."""
    doc = sentence.doc
    according = _according_to(sentence)
    if according is not None:
        return describe(according, coref)
    root = clause_root(clause, doc)
    for token in [root, *root.ancestors]:
        if token.lemma_.lower() not in REPORTING_VERBS:
            continue
        subject = next((child for child in token.children if child.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return describe(subject, coref)
        if token == root and clause.prefix:
            return describe(_head_of(clause.prefix, doc), coref)
    return None


def is_quotation(sentence: Span) -> bool:
    return any(token.text in QUOTE_MARKS for token in sentence)


def is_unattributed_quotation(sentence: Span) -> bool:
    """A sentence wholly inside quotation marks continues the previous speaker's quote."""
    words = [token for token in sentence if not token.is_space]
    return (
        bool(words)
        and words[0].text in QUOTE_MARKS
        and not any(token.lemma_.lower() in REPORTING_VERBS for token in sentence)
    )


def describe(subject: Token, coref: Coreference) -> str:
    """The entity's name when the resolver knows it, else the subject phrase as written."""
    mention = coref.at_head(subject.i)
    if mention is not None:
        text = coref.name(mention.entity)
    else:
        dropped = {
            t.i
            for child in subject.children
            if child.dep_ in ("appos", "relcl", "punct")
            for t in child.subtree
        }
        text = "".join(t.text_with_ws for t in subject.subtree if t.i not in dropped).strip()
    return text[:1].upper() + text[1:]


def _according_to(sentence: Span) -> Token | None:
    for token in sentence:
        if token.lower_ == "according":
            for preposition in token.children:
                if preposition.lower_ == "to":
                    return next((child for child in preposition.children if child.dep_ == "pobj"), None)
    return None


def _head_of(tokens: tuple[int, ...], doc: Doc) -> Token:
    members = set(tokens)
    return next(doc[i] for i in tokens if doc[i].head.i not in members or doc[i].head.i == i)
