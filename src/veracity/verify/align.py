"""The "align" judge: is the passage about the claim's event, and do their details agree?

Aboutness comes from embedding similarity (claim vs passage and vs each passage sentence, also with the
claim's details masked out, so a wrong number does not hide that the event is the same) and from overlap of
the claim's core words and names. Agreement comes from typed slots (`veracity.slots`). Only a passage that
is clearly about the same event can refute; a passage that merely shares a name stays neutral.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from veracity.resources import Resources
from veracity.slots import SlotAnalysis, analyze, normalize_name
from veracity.slots import lexicon as lx
from veracity.types import Embedder
from veracity.verify.base import EvidencePair, PairJudgement
from veracity.verify.consistency import Consistency, check_consistency, describe_mismatch, matched_details

_MASKED_KINDS = {"quantity", "date", "weekday", "relative_time", "place"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
_CORE_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "ROOT", "xcomp", "ccomp", "compound", "agent"}

# Aboutness is a weighted mix; the weights favour the embedding, which sees paraphrases the lemmas miss.
SIMILARITY_WEIGHT = 0.6
CORE_WEIGHT = 0.25
ENTITY_WEIGHT = 0.15
SAME_EVENT_CENTER = 0.5  # aboutness at which a passage is as likely about the claim's event as not
SAME_EVENT_SPREAD = 0.06
PARAPHRASE_DISCOUNT = 0.15
MISSING_NAMES_PENALTY = 0.1
REGION_MARGIN = 0.08  # sentences this close to the best one count as aligned with the claim


@dataclass(frozen=True)
class Alignment:
    similarity: float  # best cosine: claim vs passage or one passage sentence
    masked_similarity: float  # the same with numbers, dates and places masked on both sides
    core_overlap: float  # share of the claim's subject / predicate / object lemmas found in the passage
    entity_overlap: float  # share of the claim's names found in the passage
    best_sentence: int
    region: frozenset[int]

    names_missing: bool = False  # the claim names people, places or bodies and the passage has none of them

    @property
    def aboutness(self) -> float:
        semantic = max(self.similarity, self.masked_similarity)
        mixed = (
            SIMILARITY_WEIGHT * semantic
            + CORE_WEIGHT * self.core_overlap
            + ENTITY_WEIGHT * self.entity_overlap
        )
        # A close paraphrase can share no words at all; a strong embedding match alone still counts.
        score = max(mixed, semantic - PARAPHRASE_DISCOUNT)
        return score - MISSING_NAMES_PENALTY if self.names_missing else score

    @property
    def same_event(self) -> float:
        """Probability-like belief that the passage reports the claim's event or fact."""
        return 1.0 / (1.0 + math.exp(-(self.aboutness - SAME_EVENT_CENTER) / SAME_EVENT_SPREAD))


class AlignJudge:
    """Embedding alignment plus slot consistency; deterministic for a given embedder and spaCy model."""

    name = "align"

    def __init__(self, nlp: Language, embedder: Embedder) -> None:
        self.nlp = nlp
        self.embedder = embedder

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        claims = self._analyses({(pair.claim, pair.claim_date) for pair in pairs})
        evidences = self._analyses({(pair.evidence, pair.evidence_date) for pair in pairs})
        vectors = self._embed_all(claims, evidences)
        return [
            self._judge(
                claims[(pair.claim, pair.claim_date)], evidences[(pair.evidence, pair.evidence_date)], vectors
            )
            for pair in pairs
        ]

    def _analyses(self, keys: set[tuple[str, date | None]]) -> dict[tuple[str, date | None], SlotAnalysis]:
        ordered = sorted(keys, key=lambda key: (key[0], key[1] or date.min))
        docs = self.nlp.pipe([text for text, _ in ordered])
        return {key: analyze(doc, reference_date=key[1]) for key, doc in zip(ordered, docs, strict=True)}

    def _embed_all(
        self,
        claims: dict[tuple[str, date | None], SlotAnalysis],
        evidences: dict[tuple[str, date | None], SlotAnalysis],
    ) -> dict[str, np.ndarray]:
        texts: set[str] = set()
        for analysis in [*claims.values(), *evidences.values()]:
            texts.add(analysis.text)
            texts.add(masked_text(analysis))
            for sent in analysis.doc.sents:
                texts.add(sent.text)
                texts.add(masked_text(analysis, sent.start_char, sent.end_char))
        ordered = sorted(text for text in texts if text.strip())
        if not ordered:
            return {}
        matrix = self.embedder.embed(ordered)
        return {text: matrix[row] for row, text in enumerate(ordered)}

    def _judge(
        self, claim: SlotAnalysis, evidence: SlotAnalysis, vectors: dict[str, np.ndarray]
    ) -> PairJudgement:
        if not evidence.text.strip():
            return PairJudgement.from_scores(0.0, 0.0, "the evidence passage is empty")
        alignment = align(claim, evidence, vectors)
        consistency = check_consistency(claim, evidence, alignment.region)
        return decide(claim, evidence, alignment, consistency)


def masked_text(analysis: SlotAnalysis, start: int = 0, end: int | None = None) -> str:
    """The text with numbers, dates and places cut out, so two reports of one event embed alike."""
    end = len(analysis.text) if end is None else end
    pieces: list[str] = []
    cursor = start
    for info in analysis.infos:
        slot = info.slot
        if slot.kind not in _MASKED_KINDS or slot.start < cursor or slot.end > end:
            continue
        first = analysis.doc.char_span(slot.start, slot.end, alignment_mode="expand")
        if first is None:
            continue
        if slot.kind == "place" and not (first.start > 0 and analysis.doc[first.start - 1].pos_ == "ADP"):
            continue  # a place that is the subject ("Israel sent ...") is part of what the claim is about
        mask_start = slot.start
        if first.start > 0 and analysis.doc[first.start - 1].pos_ == "ADP":
            mask_start = max(cursor, analysis.doc[first.start - 1].idx)
        pieces.append(analysis.text[cursor:mask_start])
        cursor = slot.end
    pieces.append(analysis.text[cursor:end])
    return " ".join("".join(pieces).split())


def _cosine(vectors: dict[str, np.ndarray], first: str, second: str) -> float:
    if first not in vectors or second not in vectors:
        return 0.0
    return float(np.dot(vectors[first], vectors[second]))


def _content_lemmas(doc: Doc, *, core_only: bool) -> set[str]:
    lemmas = set()
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ not in _CONTENT_POS or token.is_stop or lemma in lx.LIGHT_VERBS or token.like_num:
            continue
        if token.ent_type_ in {"DATE", "TIME", "CARDINAL"}:
            continue
        if core_only and token.dep_ not in _CORE_DEPS:
            continue
        lemmas.add(normalize_name(lemma) if token.pos_ == "PROPN" else lemma)
    return lemmas


def _evidence_vocabulary(doc: Doc) -> set[str]:
    words = set()
    for token in doc:
        words.add(token.lemma_.lower())
        words.add(token.lower_)
        if token.pos_ == "PROPN":
            words.add(normalize_name(token.text))
    return words


def align(claim: SlotAnalysis, evidence: SlotAnalysis, vectors: dict[str, np.ndarray]) -> Alignment:
    claim_text, claim_masked = claim.text, masked_text(claim)
    sentences = list(evidence.doc.sents)
    sentence_scores = []
    masked_scores = []
    for sent in sentences:
        sentence_scores.append(_cosine(vectors, claim_text, sent.text))
        masked_scores.append(
            _cosine(vectors, claim_masked, masked_text(evidence, sent.start_char, sent.end_char))
        )
    whole = _cosine(vectors, claim_text, evidence.text)
    whole_masked = _cosine(vectors, claim_masked, masked_text(evidence))
    combined = [max(plain, masked) for plain, masked in zip(sentence_scores, masked_scores, strict=True)]
    best = int(np.argmax(combined)) if combined else 0
    region = (
        frozenset(index for index, score in enumerate(combined) if score >= combined[best] - REGION_MARGIN)
        if combined
        else frozenset()
    )

    vocabulary = _evidence_vocabulary(evidence.doc)
    core = _content_lemmas(claim.doc, core_only=True) or _content_lemmas(claim.doc, core_only=False)
    core_overlap = len(core & vocabulary) / len(core) if core else 0.0
    names = {
        info.slot.normalized
        for info in claim.of_kind("person", "organization", "place", "event")
        if info.slot.normalized
    }
    evidence_words = set(normalize_name(evidence.text).split())
    found = sum(_name_found(name, evidence_words) for name in names)
    entity_overlap = found / len(names) if names else core_overlap
    return Alignment(
        similarity=max([whole, *sentence_scores]),
        masked_similarity=max([whole_masked, *masked_scores]),
        core_overlap=core_overlap,
        entity_overlap=entity_overlap,
        best_sentence=best,
        region=region,
        names_missing=bool(names) and found == 0,
    )


def _name_found(name: str, words: set[str]) -> bool:
    """All of a name's words occur, allowing demonyms: "Germany" ~ "German", "Israel" ~ "Israeli"."""
    return all(any(_same_stem(token, word) for word in words) for token in name.split())


def _same_stem(first: str, second: str) -> bool:
    if first == second:
        return True
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= 4 and len(longer) - len(shorter) <= 3 and longer.startswith(shorter[:-1])


def decide(
    claim: SlotAnalysis, evidence: SlotAnalysis, alignment: Alignment, consistency: Consistency
) -> PairJudgement:
    same_event = alignment.same_event
    best_sentence = list(evidence.doc.sents)[alignment.best_sentence].text.strip() if evidence.text else ""
    if consistency.contradicts and same_event >= 0.5:
        strong = len(consistency.strong_mismatches)
        severity = min(1.0, 0.75 + 0.25 * (strong - 1)) if strong else 0.8
        reason = f'{describe_mismatch(consistency, evidence)} ("{_clip(best_sentence)}")'
        return PairJudgement.from_scores(0.05 * same_event, same_event * severity, reason)
    coverage = consistency.coverage
    weak = len(consistency.weak_mismatches)
    supported = 0.0 if consistency.contradicts else same_event * (0.55 + 0.45 * coverage) * (0.7**weak)
    if supported >= 0.5:
        details = matched_details(consistency)
        agreed = f"agrees on {', '.join(details)}: " if details else ""
        return PairJudgement.from_scores(supported, 0.0, f'evidence {agreed}"{_clip(best_sentence)}"')
    missing = [f.claim.slot.text for f in consistency.findings if f.outcome != "match"]
    if same_event < 0.5:
        reason = f"the passage is about something else (alignment {alignment.aboutness:.2f})"
    else:
        reason = "the passage is related but does not state the claim"
    if missing:
        reason += f"; it does not confirm: {', '.join(dict.fromkeys(missing))}"
    return PairJudgement.from_scores(supported, 0.0, reason)


def _clip(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def create_align_judge(resources: Resources) -> AlignJudge:
    return AlignJudge(resources.nlp, resources.embedder)
