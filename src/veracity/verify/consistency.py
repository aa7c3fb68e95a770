"""Slot-by-slot consistency of a claim with an evidence passage, and the reasons that name what differs.

Any evidence slot that matches a claim slot wins (a passage may mention several numbers or dates); a
mismatch counts only when it comes from the sentences aligned with the claim and nothing matches. Dates are
compared only when they play the same role (the date of the event, a statement's date, a "since" anchor),
and a difference of a day or two is named but never refutes on its own: reporting lag, time zones and
statement-versus-report dates cause exactly that. A negation contradicts only the same predicate said of
the same subject.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from spacy.tokens import Span, Token

from veracity.claims.speaker import REPORTING_VERBS
from veracity.slots import SlotAnalysis, SlotInfo, compare_slots, normalize_name
from veracity.slots import lexicon as lx
from veracity.slots.names import place_kind
from veracity.types import SlotKind

Outcome = Literal["match", "mismatch", "absent"]

DATE_TOLERANCE_DAYS = 2
"""Dates (or weekdays) this close are a difference to name, not a refutation: a report dated the day after
the event, a statement given late at night in another time zone, "Sunday" for a strike at dawn on Monday."""
PREDICATE_SIMILARITY = 0.5
"""Word cosine at which two verbs count as one predicate for a polarity flip ("attend" ~ "participate" 0.56,
"join" ~ "attend" 0.52; "take" ~ "participate" 0.37 stays apart)."""
DATE_HEAD_DEPTH = 2  # how many governing words up the parse name what a date dates
DATE_HEAD_SIMILARITY = 0.4
"""Word cosine at which the things two dates date count as one happening ("strike" ~ "hit" 0.53, "won" ~
"beat" 0.56; "put forward" ~ "speech" stays apart)."""
SYNONYM_SIMILARITY = 0.48
"""Word cosine at which two content words count as the same word when measuring coverage."""

_COMPARABLE: dict[SlotKind, tuple[SlotKind, ...]] = {
    "quantity": ("quantity",),
    "date": ("date", "weekday"),
    "weekday": ("weekday", "date"),
    "place": ("place",),
    "person": ("person",),
    "organization": ("organization",),
    "event": ("event",),
}
# What a claim detail weighs when counting how much of the claim the passage confirms.
SLOT_WEIGHTS: dict[SlotKind, float] = {
    "quantity": 2.0,
    "date": 1.5,
    "weekday": 1.0,
    "place": 1.0,
    "person": 1.0,
    "organization": 0.75,
    "event": 0.5,
}
_KIND_NAMES: dict[SlotKind, str] = {
    "quantity": "number",
    "date": "date",
    "weekday": "date",
    "place": "place",
    "person": "person",
    "organization": "organisation",
    "event": "event",
}
_ANCHOR_KINDS: set[SlotKind] = {"quantity", "person", "organization", "event"}
_REQUIRED: set[SlotKind] = {"quantity", "date", "person", "organization"}  # support must confirm these
_SUBORDINATE = {"relcl", "acl", "advcl", "amod", "pcomp", "csubj", "prep", "pobj", "npadvmod"}
_ANCHORS = {"since", "until", "till", "before", "after", "by", "from", "through"}
_PRONOUNS = {"it", "they", "he", "she", "we", "i", "you", "this", "that", "who", "which"}
_VERB_CHAIN = {"xcomp", "ccomp", "conj", "advcl"}


class WordSimilarity:
    """Lemma-level synonymy from the embedder's vectors of single words (exact match first)."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.vectors = vectors or {}

    def similarity(self, first: str, second: str) -> float:
        if first == second:
            return 1.0
        if first not in self.vectors or second not in self.vectors:
            return 0.0
        return float(np.dot(self.vectors[first], self.vectors[second]))

    def found(self, word: str, vocabulary: Collection[str], threshold: float = SYNONYM_SIMILARITY) -> bool:
        if word in vocabulary:
            return True
        if word not in self.vectors:
            return False
        known = [other for other in vocabulary if other in self.vectors]
        if not known:
            return False
        matrix = np.stack([self.vectors[other] for other in known])
        return bool(np.max(matrix @ self.vectors[word]) >= threshold)


@dataclass(frozen=True)
class Finding:
    claim: SlotInfo
    outcome: Outcome
    evidence: tuple[SlotInfo, ...] = ()
    strong: bool = False  # a mismatch that can refute on its own

    @property
    def kind(self) -> SlotKind:
        return self.claim.slot.kind

    @property
    def required(self) -> bool:
        return self.kind in _REQUIRED


@dataclass(frozen=True)
class PolarityFlip:
    claim_phrase: str
    evidence_phrase: str


@dataclass(frozen=True)
class Consistency:
    findings: tuple[Finding, ...]
    polarity_flip: PolarityFlip | None
    claim: SlotAnalysis | None = None
    evidence: SlotAnalysis | None = None
    polarity_agrees: bool = True  # both or neither of the claim and the aligned sentences are negated

    @property
    def strong_mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == "mismatch" and f.strong]

    @property
    def weak_mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == "mismatch" and not f.strong]

    @property
    def matches(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == "match"]

    @property
    def coverage(self) -> float:
        """Weighted share of the claim's checkable details the passage confirms (1.0 when it has none)."""
        total = sum(SLOT_WEIGHTS[f.kind] for f in self.findings)
        if total == 0:
            return 1.0
        return sum(SLOT_WEIGHTS[f.kind] for f in self.findings if f.outcome == "match") / total

    @property
    def details_confirmed(self) -> bool:
        """Every number and date of the claim is confirmed (a day's difference counts as confirmed)."""
        return all(
            f.outcome == "match" or (f.outcome == "mismatch" and not f.strong)
            for f in self.findings
            if f.required
        )

    @property
    def anchored(self) -> bool:
        """The passage confirms a specific detail (a number, a name, a named facility, a date), so it is
        about the claim's event rather than another event in the same region."""
        return (
            any(
                f.kind in _ANCHOR_KINDS
                or (f.kind == "place" and place_kind(f.claim.slot.normalized or "") != "area")
                for f in self.matches
            )
            or self.polarity_flip is not None
        )

    @property
    def contradicts(self) -> bool:
        return bool(self.strong_mismatches) or self.polarity_flip is not None


def check_consistency(
    claim: SlotAnalysis,
    evidence: SlotAnalysis,
    region: Collection[int],
    words: WordSimilarity | None = None,
) -> Consistency:
    """Compare every checkable claim slot with the passage; `region` holds the aligned sentence indexes."""
    words = words or WordSimilarity()
    evidence_names = normalize_name(evidence.text)
    findings = []
    for info in claim.infos:
        if info.derived or info.slot.kind not in _COMPARABLE:
            continue
        findings.append(_find(info, claim, evidence, region, evidence_names, words))
    flip = _polarity_flip(claim, evidence, region, words)
    agrees = bool(_main_negations(claim, None)) == bool(_main_negations(evidence, region))
    return Consistency(
        findings=tuple(findings), polarity_flip=flip, claim=claim, evidence=evidence, polarity_agrees=agrees
    )


def _predicate_class(lemma: str | None) -> str | None:
    """The outcome a number counts ("death" for killed / died); None for verbs with no known class."""
    return lx.PREDICATE_CLASSES.get(lemma) if lemma else None


def date_role(info: SlotInfo, analysis: SlotAnalysis) -> str:
    """What a date is the date of: "since" / "until" ... anchors, a statement ("said on 13 August"), or the
    event itself."""
    span = analysis.doc.char_span(info.slot.start, info.slot.end, alignment_mode="expand")
    if span is None:
        return "event"
    before = span.start - 1
    while before >= 0 and analysis.doc[before].lower_ in {"the", "on", "of", ",", "in"}:
        before -= 1
    if before >= 0 and analysis.doc[before].lower_ in _ANCHORS:
        return analysis.doc[before].lower_
    node = span.root
    for _ in range(6):
        if node.pos_ in {"VERB", "AUX"} and node.dep_ != "aux":
            return "statement" if node.lemma_.lower() in REPORTING_VERBS else "event"
        if node.head.i == node.i:
            break
        node = node.head
    return "event"


def _day_distance(first: SlotInfo, second: SlotInfo) -> int | None:
    """Days between two dates, or between two weekdays around the week; None when not both are days."""
    a, b = first.slot, second.slot
    if a.kind == "weekday" and b.kind == "weekday":
        index_a, index_b = lx.WEEKDAYS.index(a.normalized or ""), lx.WEEKDAYS.index(b.normalized or "")
        gap = abs(index_a - index_b)
        return min(gap, 7 - gap)
    day_a, day_b = _as_date(a.normalized), _as_date(b.normalized)
    if day_a is None or day_b is None:
        return None
    return abs((day_a - day_b).days)


def _as_date(normalized: str | None) -> date | None:
    try:
        return date.fromisoformat(normalized or "")
    except ValueError:
        return None


def _event_dates(analysis: SlotAnalysis, sentence: int | None) -> list[SlotInfo]:
    return [
        info
        for info in analysis.of_kind("date")
        if not info.derived
        and (sentence is None or info.sentence == sentence)
        and date_role(info, analysis) == "event"
    ]


def _same_period(claim: SlotAnalysis, evidence: SlotAnalysis, quantity: SlotInfo) -> bool:
    """A count is compared only with a count of the same time: "1,200 killed on 7 October 2023" says
    nothing about "67 killed since June 2024"."""
    claim_dates = _event_dates(claim, None)
    evidence_dates = _event_dates(evidence, quantity.sentence)
    if not claim_dates or not evidence_dates:
        return True
    return any(
        compare_slots(mine.slot, theirs.slot) != "mismatch"
        for mine in claim_dates
        for theirs in evidence_dates
    )


def _like_dates(
    info: SlotInfo, claim: SlotAnalysis, other: SlotInfo, evidence: SlotAnalysis, words: WordSimilarity
) -> bool:
    """Only dates in the same role, of the same happening, can contradict (any two may confirm)."""
    if info.slot.kind not in {"date", "weekday"}:
        return True
    return date_role(info, claim) == date_role(other, evidence) and _same_head(
        _date_heads(info, claim), _date_heads(other, evidence), words
    )


def _counted_names(info: SlotInfo, analysis: SlotAnalysis) -> set[str]:
    span = analysis.doc.char_span(info.slot.start, info.slot.end, alignment_mode="expand")
    if span is None:
        return set()
    noun = span.root.head if span.root.dep_ in {"nummod", "quantmod", "amod"} else None
    if noun is None or noun.pos_ not in {"NOUN", "PROPN"}:
        return set()
    return {
        normalize_name(token.text) for token in noun.subtree if token.pos_ == "PROPN" and token not in span
    }


def _counted_group_present(info: SlotInfo, other: SlotInfo, evidence: SlotAnalysis) -> bool:
    """ "67 Israelis" is compared with an evidence count of no stated unit ("40,005 dead") only when the
    evidence sentence speaks of that group at all."""
    unit = info.slot.unit
    if unit is None or other.slot.unit is not None or unit in lx.GENERIC_PERSON_UNITS:
        return True
    sentence = list(evidence.doc.sents)[other.sentence]
    stem = unit[:5].lower()
    return any(token.lower_.startswith(stem) for token in sentence)


def _same_counted_names(info: SlotInfo, claim: SlotAnalysis, other: SlotInfo, evidence: SlotAnalysis) -> bool:
    """ "12 moons of Jupiter" and "62 moons of Saturn" count different things."""
    mine, theirs = _counted_names(info, claim), _counted_names(other, evidence)
    return not mine or not theirs or bool(mine & theirs)


def _date_heads(info: SlotInfo, analysis: SlotAnalysis) -> list[str]:
    """The first words a date dates, going up the parse: "Sunday's strike killed" -> strike, kill."""
    span = analysis.doc.char_span(info.slot.start, info.slot.end, alignment_mode="expand")
    if span is None:
        return []
    heads: list[str] = []
    node = span.root
    for _ in range(8):
        if node.head.i == node.i or len(heads) == DATE_HEAD_DEPTH:
            break
        node = node.head
        if node.pos_ in {"VERB", "NOUN"} and node.ent_type_ not in {"DATE", "TIME"}:
            heads.append(node.lemma_.lower())
    return heads


def _same_head(first: list[str], second: list[str], words: WordSimilarity) -> bool:
    """Dates of different happenings ("the proposal put forward in August", "the speech of 31 May") cannot
    contradict each other; unknown heads are compatible."""
    if not first or not second:
        return True
    return any(words.similarity(a, b) >= DATE_HEAD_SIMILARITY for a in first for b in second)


def _find(
    info: SlotInfo,
    claim: SlotAnalysis,
    evidence: SlotAnalysis,
    region: Collection[int],
    evidence_names: str,
    words: WordSimilarity,
) -> Finding:
    kind = info.slot.kind
    candidates = [
        other
        for other in evidence.of_kind(*_COMPARABLE[kind])
        if not other.derived and other.slot.kind != "negation"
    ]
    if kind == "quantity":
        claim_class = _predicate_class(info.predicate)
        candidates = [
            other
            for other in candidates
            if claim_class is None
            or other.predicate is None
            or _predicate_class(other.predicate) == claim_class
        ]
    if kind == "quantity":
        candidates = [
            other
            for other in candidates
            if _same_period(claim, evidence, other)
            and _same_counted_names(info, claim, other, evidence)
            and _counted_group_present(info, other, evidence)
        ]
    matches: list[SlotInfo] = []
    mismatches: list[SlotInfo] = []
    for other in candidates:
        outcome = compare_slots(info.slot, other.slot)
        if outcome == "match":
            matches.append(other)
        elif (
            outcome == "mismatch"
            and other.sentence in region
            and _like_dates(info, claim, other, evidence, words)
        ):
            mismatches.append(other)
    if matches:
        return Finding(info, "match", tuple(matches))
    if kind in {"place", "person", "organization", "event"}:
        name = info.slot.normalized or ""
        if name and f" {name} " in f" {evidence_names} ":
            return Finding(info, "match")
        if kind != "place":
            # Another person or organisation in the passage does not deny this one.
            return Finding(info, "absent")
    if kind == "place" and place_kind(info.slot.normalized or "") == "area":
        # Without a gazetteer "Doha" and "Qatar" look like two places; only named facilities can clash.
        return Finding(info, "absent")
    if not mismatches:
        return Finding(info, "absent")
    if kind in {"date", "weekday"}:
        distances = [_day_distance(info, other) for other in mismatches]
        near = [
            other
            for other, gap in zip(mismatches, distances, strict=True)
            if gap is not None and gap <= DATE_TOLERANCE_DAYS
        ]
        if near:
            return Finding(info, "mismatch", tuple(near[:1]), strong=False)
        if kind == "weekday":
            return Finding(info, "mismatch", tuple(mismatches[:1]), strong=False)
    best_sentence_first = sorted(
        mismatches, key=lambda other: (other.sentence not in region, other.slot.start)
    )
    return Finding(info, "mismatch", tuple(best_sentence_first[:2]), strong=True)


# ---------------------------------------------------------------- polarity


def predicate_of(sentence: Span) -> Token:
    """The asserted predicate: the root, or its complement when the root is a light or reporting verb."""
    root = sentence.root
    for _ in range(3):
        lemma = root.lemma_.lower()
        if (
            lemma not in lx.LIGHT_VERBS
            and lemma not in REPORTING_VERBS
            and lemma not in {"expect", "plan", "set"}
        ):
            break
        complement = next((child for child in root.children if child.dep_ in {"ccomp", "xcomp"}), None)
        if complement is None:
            break
        root = complement
    return root


def _main_negated(token: Token) -> bool:
    """Whether a negated word sits in the main assertion, not in a subordinate clause or a modifier."""
    node = token
    for _ in range(8):
        if node.dep_ in _SUBORDINATE:
            return False
        if node.head.i == node.i:
            return True
        node = node.head
    return False


def _main_negations(
    analysis: SlotAnalysis, sentences: Collection[int] | None
) -> list[tuple[SlotInfo, Token]]:
    doc = analysis.doc
    found = []
    for info in analysis.of_kind("negation"):
        if sentences is not None and info.sentence not in sentences:
            continue
        span = doc.char_span(info.slot.start, info.slot.end, alignment_mode="expand")
        if span is None:
            continue
        target = next((tok for tok in span if tok.lemma_.lower() == info.slot.normalized), span.root)
        if _main_negated(target):
            found.append((info, target))
    return found


def _asserted_predicates(analysis: SlotAnalysis, sentences: Collection[int] | None) -> list[Token]:
    """Verbs asserted in the main clauses (the root and its verb chain), excluding negated ones."""
    found: list[Token] = []
    for number, sent in enumerate(analysis.doc.sents):
        if sentences is not None and number not in sentences:
            continue
        stack = [sent.root]
        while stack:
            node = stack.pop()
            if node.pos_ in {"VERB", "AUX", "ADJ", "NOUN"} and not any(
                c.dep_ == "neg" for c in node.children
            ):
                found.append(node)
            stack.extend(child for child in node.children if child.dep_ in _VERB_CHAIN)
    return found


def _subject(verb: Token) -> Token | None:
    node = verb
    for _ in range(4):
        subject = next((child for child in node.children if child.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None:
            return subject
        if node.dep_ not in {"xcomp", "conj", "ccomp"} or node.head.i == node.i:
            return None
        node = node.head
    return None


def _same_subject(first: Token | None, second: Token | None, words: WordSimilarity) -> bool:
    """Unknown or pronoun subjects are compatible; named or common-noun subjects must agree."""
    if first is None or second is None or first.lower_ in _PRONOUNS or second.lower_ in _PRONOUNS:
        return True
    phrase_a = normalize_name(
        " ".join(t.text for t in first.subtree if t.dep_ in {"compound", "amod"} or t == first)
    )
    phrase_b = normalize_name(
        " ".join(t.text for t in second.subtree if t.dep_ in {"compound", "amod"} or t == second)
    )
    if set(phrase_a.split()) & set(phrase_b.split()):
        return True
    return words.similarity(first.lemma_.lower(), second.lemma_.lower()) >= PREDICATE_SIMILARITY


def _polarity_flip(
    claim: SlotAnalysis, evidence: SlotAnalysis, region: Collection[int], words: WordSimilarity
) -> PolarityFlip | None:
    claim_negations = _main_negations(claim, None)
    evidence_negations = _main_negations(evidence, region)
    if bool(claim_negations) == bool(evidence_negations):
        return None
    plain_side = evidence if claim_negations else claim
    negations = claim_negations or evidence_negations
    plain_predicates = _asserted_predicates(plain_side, region if plain_side is evidence else None)
    for info, target in negations:
        for predicate in plain_predicates:
            if words.similarity(target.lemma_.lower(), predicate.lemma_.lower()) < PREDICATE_SIMILARITY:
                continue
            if not _same_subject(_subject(target), _subject(predicate), words):
                continue
            negated_phrase, plain_phrase = info.phrase or info.slot.text, _verb_phrase(predicate)
            if claim_negations:
                return PolarityFlip(negated_phrase, plain_phrase)
            return PolarityFlip(plain_phrase, negated_phrase)
    return None


def _verb_phrase(verb: Token) -> str:
    parts = [verb] + [child for child in verb.children if child.dep_ in {"aux", "prt", "dobj", "neg"}]
    subject = _subject(verb)
    if subject is not None and subject.head == verb:
        parts.append(subject)
    doc = verb.doc
    first, last = min(t.i for t in parts), max(t.i for t in parts)
    if last - first > 8:
        return verb.text
    return doc[first : last + 1].text


# ---------------------------------------------------------------- reasons


def describe_mismatch(consistency: Consistency, evidence: SlotAnalysis | None = None) -> str:
    """ "place and date differ: evidence: at al-Tabi'in school on Saturday 10 August 2024; claim: ..."."""
    mismatched = consistency.strong_mismatches + consistency.weak_mismatches
    flip = consistency.polarity_flip
    if not mismatched:
        if flip is None:
            return "no detail differs"
        return f"polarity differs: evidence: {flip.evidence_phrase}; claim: {flip.claim_phrase}"
    evidence = evidence or consistency.evidence
    ordered = sorted(mismatched, key=lambda f: (not f.strong, f.claim.slot.start))
    kinds = list(dict.fromkeys(_KIND_NAMES[f.kind] for f in ordered))
    evidence_side = _side([info for f in ordered for info in f.evidence], evidence)
    claim_side = _side([f.claim for f in ordered], consistency.claim)
    label = _join_words(kinds)
    verb = "differs" if len(kinds) == 1 else "differ"
    text = f"{label} {verb}: evidence: {evidence_side}; claim: {claim_side}"
    if flip is not None:
        text += f"; evidence says {flip.evidence_phrase!r} where the claim says {flip.claim_phrase!r}"
    return text


def _side(infos: Iterable[SlotInfo], analysis: SlotAnalysis | None) -> str:
    """One readable phrase per side: each slot with its preposition and head word, merged in text order."""
    spans = sorted({_phrase_span(info, analysis) for info in infos})
    if analysis is None:
        return " ".join(dict.fromkeys(info.phrase or info.slot.text for info in infos))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and (start < merged[-1][1] or not analysis.text[merged[-1][1] : start].strip(" ,")):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return " ".join(" ".join(analysis.text[start:end].split()) for start, end in merged)


def _phrase_span(info: SlotInfo, analysis: SlotAnalysis | None) -> tuple[int, int]:
    slot = info.slot
    if analysis is None:
        return slot.start, slot.end
    doc = analysis.doc
    span = doc.char_span(slot.start, slot.end, alignment_mode="expand")
    if span is None:
        return slot.start, slot.end
    first, last = span.start, span.end
    if slot.kind == "quantity":
        for token in doc[last : min(len(doc), last + 3)]:
            if token.pos_ in {"NOUN", "PROPN"} or token.lemma_.lower() == info.predicate:
                last = token.i + 1
            if token.lemma_.lower() == info.predicate:
                break
        if first > 0 and doc[first - 1].lemma_.lower() == info.predicate:
            first -= 1
    else:
        if slot.kind in {"date", "weekday"}:
            while first > 0 and doc[first - 1].ent_type_ == "DATE" and doc[first - 1].lower_ not in _ANCHORS:
                first -= 1
            while last < len(doc) and doc[last].ent_type_ == "DATE":
                last += 1
        while first > 0 and doc[first - 1].lower_ in {"the", "a", "an", *lx.DIRECTION_WORDS}:
            first -= 1
        if first > 0 and (doc[first - 1].pos_ == "ADP" or doc[first - 1].lower_ in _ANCHORS):
            first -= 1
        if last < len(doc) and doc[last].lemma_.lower() in lx.PLACE_NOUNS and slot.kind == "place":
            last += 1
    return doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def matched_details(consistency: Consistency) -> list[str]:
    """The evidence wording of each confirmed claim detail, for quoting in a reason."""
    details = []
    for finding in consistency.matches:
        details.append(finding.evidence[0].slot.text if finding.evidence else finding.claim.slot.text)
    return list(dict.fromkeys(details))
