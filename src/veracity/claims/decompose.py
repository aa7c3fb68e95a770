"""Split a sentence into atomic clauses over its dependency parse.

A clause is a set of the sentence's own tokens plus tokens it borrows from elsewhere in the sentence (a
shared subject, the antecedent of a relative clause), so its text reads as a whole sentence while its
span in the article stays exact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "whom"})
CONNECTOR_DEPS = frozenset({"cc", "punct", "preconj"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
CONTRASTIVE_MARKERS = frozenset({"while", "whereas", "whilst"})
MIN_CLAUSE_WORDS = 3


@dataclass(frozen=True)
class Clause:
    """Token indices (into the Doc) of one atomic statement and how to read them in order."""

    own: frozenset[int]
    prefix: tuple[int, ...] = ()
    replace: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    insert_after: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    def order(self) -> list[int]:
        """The tokens to read, in reading order: borrowed subject first, then the clause's own words."""
        tokens = list(self.prefix)
        for index in sorted(self.own):
            tokens.extend(self.replace.get(index, (index,)))
            tokens.extend(self.insert_after.get(index, ()))
        return tokens

    def restricted(self, own: frozenset[int], prefix: tuple[int, ...] | None = None) -> Clause:
        return Clause(
            own=own,
            prefix=self.prefix if prefix is None else prefix,
            replace={k: v for k, v in self.replace.items() if k in own},
            insert_after={k: v for k, v in self.insert_after.items() if k in own},
        )


def clause_root(clause: Clause, doc: Doc) -> Token:
    """The own token highest in the parse tree: the clause's main predicate."""
    return min((doc[i] for i in clause.own), key=lambda token: (_depth(token), token.i))


def decompose(sentence: Span) -> list[Clause]:
    """Atomic clauses of a sentence, in reading order; a sentence that does not split yields itself."""
    own = frozenset(token.i for token in sentence if not token.is_space)
    if not own:
        return []
    clauses = _split(Clause(own=own), sentence.doc)
    return sorted(clauses, key=lambda clause: min(clause.own))


Splitter = Callable[[Clause, Doc], "tuple[Clause, Clause] | None"]


def _split(clause: Clause, doc: Doc) -> list[Clause]:
    for splitter in SPLITTERS:
        parts = splitter(clause, doc)
        if parts is not None:
            return _split(parts[0], doc) + _split(parts[1], doc)
    return [clause]


def split_coordinated_predicates(clause: Clause, doc: Doc) -> tuple[Clause, Clause] | None:
    """In "X did A but (Y) did B" the second conjunct stands alone, borrowing X when it has no subject."""
    for index in sorted(clause.own):
        head = doc[index]
        for conjunct in head.children:
            if (
                conjunct.dep_ != "conj"
                or conjunct.pos_ not in ("VERB", "AUX")
                or conjunct.i not in clause.own
            ):
                continue
            has_subject = any(child.dep_ in SUBJECT_DEPS for child in conjunct.children)
            if not has_subject and not _is_finite(conjunct):
                continue
            prefix: tuple[int, ...] = ()
            if not has_subject:
                subject = _subject_tokens(head, clause, doc)
                if not subject:
                    continue
                prefix = subject + _borrowed_auxiliaries(head, conjunct)
            second = _subtree(conjunct) & clause.own
            connectors = {
                child.i
                for child in head.children
                if child.dep_ in CONNECTOR_DEPS and conjunct.left_edge.i - 3 <= child.i < conjunct.left_edge.i
            }
            first = clause.own - second - connectors
            parts = (clause.restricted(first), clause.restricted(second, prefix))
            if all(_is_viable(part, doc) for part in parts):
                return parts
    return None


def split_contrastive_clauses(clause: Clause, doc: Doc) -> tuple[Clause, Clause] | None:
    """ "X did A, while Y did B" asserts both; the marker only contrasts them."""
    for index in sorted(clause.own):
        adverbial = doc[index]
        if adverbial.dep_ != "advcl" or adverbial.head.i not in clause.own:
            continue
        markers = [c for c in adverbial.children if c.dep_ == "mark" and c.lower_ in CONTRASTIVE_MARKERS]
        if not markers or not any(child.dep_ in SUBJECT_DEPS for child in adverbial.children):
            continue
        second = (_subtree(adverbial) & clause.own) - {markers[0].i}
        edges = (adverbial.left_edge.i - 1, adverbial.right_edge.i + 1)
        commas = {i for i in edges if 0 <= i < len(doc) and doc[i].text == ","}
        first = clause.own - _subtree(adverbial) - commas
        parts = (clause.restricted(first), clause.restricted(second, ()))
        if all(_is_viable(part, doc) for part in parts):
            return parts
    return None


def split_nonrestrictive_relative(clause: Clause, doc: Doc) -> tuple[Clause, Clause] | None:
    """A non-restrictive relative clause ("the strike, which killed 92 people,") is a fact of its own."""
    for index in sorted(clause.own):
        relative = doc[index]
        pronoun = relative.left_edge
        if (
            relative.dep_ != "relcl"
            or relative.head.i not in clause.own
            or pronoun.lower_ not in RELATIVE_PRONOUNS
            or pronoun.head != relative
            or pronoun.i == 0
            or doc[pronoun.i - 1].text != ","
        ):
            continue
        part = _subtree(relative) & clause.own
        commas = {pronoun.i - 1}
        after = relative.right_edge.i + 1
        if after < len(doc) and doc[after].text == ",":
            commas.add(after)
        base = clause.restricted(part, ())
        if pronoun.dep_ in ("nsubj", "nsubjpass"):
            antecedent = _maximal_noun_phrase(relative.head, part | commas)
            detached = Clause(
                own=part, replace={**base.replace, pronoun.i: antecedent}, insert_after=base.insert_after
            )
        elif pronoun.dep_ == "dobj":
            antecedent = _minimal_noun_phrase(relative.head)
            anchor = max([relative.i] + [c.i for c in relative.children if c.dep_ == "prt"])
            detached = Clause(
                own=part,
                replace={**base.replace, pronoun.i: ()},
                insert_after={**base.insert_after, anchor: antecedent},
            )
        else:
            continue
        main = clause.restricted(clause.own - part - commas)
        if _is_viable(main, doc) and _is_viable(detached, doc):
            return main, detached
    return None


def split_counted_conjuncts(clause: Clause, doc: Doc) -> tuple[Clause, Clause] | None:
    """Coordinated counts ("killed 2,300 Palestinians and 67 Israelis") are checked one by one."""
    for index in sorted(clause.own):
        noun = doc[index]
        if noun.pos_ not in NOMINAL_POS and noun.pos_ != "NUM":
            continue
        for conjunct in noun.children:
            if conjunct.dep_ != "conj" or conjunct.i not in clause.own:
                continue
            if not (_is_counted(noun) and _is_counted(conjunct)):
                continue
            conjunct_tokens = _subtree(conjunct)
            connectors = {
                child.i
                for child in noun.children
                if child.dep_ in CONNECTOR_DEPS and noun.i < child.i < conjunct.left_edge.i
            }
            first = clause.own - conjunct_tokens - connectors
            second = clause.own - (_subtree(noun) - conjunct_tokens)
            parts = (clause.restricted(first), clause.restricted(second))
            if all(_is_viable(part, doc) for part in parts):
                return parts
    return None


SPLITTERS: tuple[Splitter, ...] = (
    split_coordinated_predicates,
    split_contrastive_clauses,
    split_nonrestrictive_relative,
    split_counted_conjuncts,
)


def _subtree(token: Token) -> frozenset[int]:
    return frozenset(t.i for t in token.subtree)


def _depth(token: Token) -> int:
    return sum(1 for _ in token.ancestors)


def _is_finite(verb: Token) -> bool:
    return verb.tag_ in FINITE_TAGS or any(child.dep_ in ("aux", "auxpass") for child in verb.children)


def _is_counted(token: Token) -> bool:
    return token.like_num or any(child.dep_ == "nummod" and child.like_num for child in token.children)


def _is_viable(clause: Clause, doc: Doc) -> bool:
    words = [doc[i] for i in clause.order() if not doc[i].is_punct and not doc[i].is_space]
    has_predicate = any(doc[i].pos_ in ("VERB", "AUX") for i in clause.own)
    return has_predicate and len(words) >= MIN_CLAUSE_WORDS


def _subject_tokens(head: Token, clause: Clause, doc: Doc) -> tuple[int, ...]:
    """The subject of `head`, without appositions or relative clauses, or the one the clause borrowed."""
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            dropped: set[int] = set()
            for modifier in child.children:
                if modifier.dep_ in ("appos", "relcl", "punct"):
                    dropped |= _subtree(modifier)
            return tuple(sorted(_subtree(child) - dropped))
    if clause.prefix and head == clause_root(clause, doc):
        return clause.prefix
    return ()


def _borrowed_auxiliaries(head: Token, conjunct: Token) -> tuple[int, ...]:
    """Share auxiliaries ("would participate and send": "would send"), but not negation."""
    if conjunct.tag_ != "VB" or any(child.dep_ in ("aux", "auxpass") for child in conjunct.children):
        return ()
    return tuple(child.i for child in head.children if child.dep_ in ("aux", "auxpass"))


def _maximal_noun_phrase(noun: Token, excluded: frozenset[int] | set[int]) -> tuple[int, ...]:
    """The whole noun phrase a relative clause hangs off: parsers often attach it to the nearest noun."""
    while noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in NOMINAL_POS:
        noun = noun.head.head
    dropped: set[int] = set(excluded)
    for child in noun.children:
        if child.dep_ in ("relcl", "appos"):
            dropped |= _subtree(child)
    return tuple(sorted(_subtree(noun) - dropped))


def _minimal_noun_phrase(noun: Token) -> tuple[int, ...]:
    left = {t.i for child in noun.lefts for t in child.subtree}
    return tuple(sorted(left | {noun.i}))
