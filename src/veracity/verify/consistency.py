"""Slot-by-slot consistency of a claim with an evidence passage, and the reasons that name what differs.

Any evidence slot that matches a claim slot wins (a passage may mention several numbers or dates); a
mismatch counts only when it comes from the sentences aligned with the claim and nothing matches.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Token

from veracity.slots import SlotAnalysis, SlotInfo, compare_slots, normalize_name
from veracity.slots import lexicon as lx
from veracity.slots.names import place_kind
from veracity.types import SlotKind

Outcome = Literal["match", "mismatch", "absent"]

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
    "weekday": "day",
    "place": "place",
    "person": "person",
    "organization": "organisation",
    "event": "event",
}
_SUBORDINATE = {"relcl", "acl", "advcl", "amod", "pcomp", "csubj", "prep", "pobj", "npadvmod"}


@dataclass(frozen=True)
class Finding:
    claim: SlotInfo
    outcome: Outcome
    evidence: tuple[SlotInfo, ...] = ()
    strong: bool = False  # a mismatch that can refute on its own

    @property
    def kind(self) -> SlotKind:
        return self.claim.slot.kind


@dataclass(frozen=True)
class PolarityFlip:
    claim_phrase: str
    evidence_phrase: str


@dataclass(frozen=True)
class Consistency:
    findings: tuple[Finding, ...]
    polarity_flip: PolarityFlip | None

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
    def contradicts(self) -> bool:
        return bool(self.strong_mismatches) or self.polarity_flip is not None


def check_consistency(claim: SlotAnalysis, evidence: SlotAnalysis, region: Collection[int]) -> Consistency:
    """Compare every checkable claim slot with the passage; `region` holds the aligned sentence indexes."""
    evidence_names = normalize_name(evidence.text)
    findings = []
    for info in claim.infos:
        if info.derived or info.slot.kind not in _COMPARABLE:
            continue
        findings.append(_find(info, evidence, region, evidence_names))
    flip = _polarity_flip(claim, evidence, region)
    return Consistency(findings=tuple(findings), polarity_flip=flip)


def _predicate_class(lemma: str | None) -> str | None:
    """The outcome a number counts ("death" for killed / died); None for verbs with no known class."""
    return lx.PREDICATE_CLASSES.get(lemma) if lemma else None


def _find(info: SlotInfo, evidence: SlotAnalysis, region: Collection[int], evidence_names: str) -> Finding:
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
    matches: list[SlotInfo] = []
    mismatches: list[SlotInfo] = []
    for other in candidates:
        outcome = compare_slots(info.slot, other.slot)
        if outcome == "match":
            matches.append(other)
        elif outcome == "mismatch" and other.sentence in region:
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
    if mismatches:
        return Finding(info, "mismatch", tuple(mismatches), strong=True)
    return Finding(info, "absent")


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


def _main_negations(analysis: SlotAnalysis, sentences: Collection[int] | None) -> list[SlotInfo]:
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
            found.append(info)
    return found


def _polarity_flip(
    claim: SlotAnalysis, evidence: SlotAnalysis, region: Collection[int]
) -> PolarityFlip | None:
    claim_negations = _main_negations(claim, None)
    evidence_negations = _main_negations(evidence, region)
    if bool(claim_negations) == bool(evidence_negations):
        return None
    if claim_negations:
        return PolarityFlip(claim_negations[0].phrase, _main_predicate_phrase(evidence, region))
    return PolarityFlip(_main_predicate_phrase(claim, None), evidence_negations[0].phrase)


def _main_predicate_phrase(analysis: SlotAnalysis, sentences: Collection[int] | None) -> str:
    """The asserted verb with its auxiliaries and particles: "agreed to join", "will take part"."""
    for number, sent in enumerate(analysis.doc.sents):
        if sentences is not None and number not in sentences:
            continue
        root = sent.root
        if root.lemma_.lower() in lx.LIGHT_VERBS:
            root = next((child for child in root.children if child.dep_ in {"ccomp", "xcomp"}), root)
        parts = [root]
        parts += [child for child in root.children if child.dep_ in {"aux", "prt", "xcomp", "dobj"}]
        first, last = min(t.i for t in parts), max(t.i for t in parts)
        return analysis.doc[first : last + 1].text
    return analysis.text


_REASON_ORDER: tuple[SlotKind, ...] = (
    "quantity",
    "place",
    "date",
    "weekday",
    "person",
    "organization",
    "event",
)
_GROUP = {"quantity": 0, "place": 1, "date": 2, "weekday": 2}
_DETAIL = {"quantity", "place", "date", "weekday"}  # matched details quoted beside a mismatch, for context


def describe_mismatch(consistency: Consistency, evidence: SlotAnalysis) -> str:
    """Names what differs: "day differs: evidence: ... on Saturday; claim: ... on Sunday"."""
    mismatched = consistency.strong_mismatches + consistency.weak_mismatches
    if not mismatched:
        flip = consistency.polarity_flip
        assert flip is not None
        return f"polarity differs: evidence: {flip.evidence_phrase}; claim: {flip.claim_phrase}"
    kinds = sorted({f.kind for f in mismatched}, key=_REASON_ORDER.index)
    described = [
        f for f in consistency.findings if f.outcome == "mismatch" or (f.evidence and f.kind in _DETAIL)
    ]
    evidence_infos = _dedupe(info for f in described for info in f.evidence)
    claim_infos = _dedupe(f.claim for f in described)
    label = _join_words([_KIND_NAMES[kind] for kind in kinds])
    text = (
        f"{label} {'differs' if len(kinds) == 1 else 'differ'}: "
        f"evidence: {_phrases(evidence_infos, evidence.text)}; claim: {_phrases(claim_infos, None)}"
    )
    if consistency.polarity_flip is not None:
        flip = consistency.polarity_flip
        text += f"; and the evidence says {flip.evidence_phrase!r} where the claim says {flip.claim_phrase!r}"
    return text


def _dedupe(infos: Iterable[SlotInfo]) -> list[SlotInfo]:
    seen: dict[tuple[int, int], SlotInfo] = {}
    for info in infos:
        seen.setdefault((info.slot.start, info.slot.end), info)
    return sorted(seen.values(), key=lambda info: (_GROUP.get(info.slot.kind, 3), info.slot.start))


def _phrases(infos: list[SlotInfo], text: str | None) -> str:
    """Join slot phrases, merging neighbours in the text ("Saturday" + "10 August 2024")."""
    parts: list[str] = []
    previous: SlotInfo | None = None
    for info in infos:
        if (
            previous is not None
            and text is not None
            and 0 <= info.slot.start - previous.slot.end <= 2
            and info.slot.kind in {"date", "weekday"}
            and previous.slot.kind in {"date", "weekday"}
        ):
            parts[-1] = parts[-1] + text[previous.slot.end : info.slot.end]
        else:
            parts.append(info.phrase or info.slot.text)
        previous = info
    return " ".join(parts)


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
