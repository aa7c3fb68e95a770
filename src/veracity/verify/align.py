"""The "align" judge: does the best-aligned evidence sentence state the claim's core, and do details agree?

Support is strict, because a false "supported" misleads more than "not enough evidence": the best evidence
sentence must be semantically close to the claim, must contain the claim's predicate and its arguments
(as lemmas or close synonyms by embedding), the passage must cover most of the claim's content words, and
no checked detail may differ. Refutation needs the passage to be about the claim's event (similarity with
the claim's details masked out, plus shared core words) and a clear mismatch of a detail or a negation of
the same predicate. Everything else is neutral.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from veracity.resources import Resources
from veracity.slots import SlotAnalysis, analyze, normalize_name
from veracity.slots import lexicon as lx
from veracity.types import Embedder
from veracity.verify.base import EvidencePair, PairJudgement
from veracity.verify.cache import ANALYSIS_CACHE_SIZE, CachingEmbedder, LRUCache
from veracity.verify.consistency import (
    Consistency,
    WordSimilarity,
    check_consistency,
    describe_mismatch,
    predicate_of,
)

_MASKED_KINDS = {"quantity", "date", "weekday", "relative_time", "place"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
_PRUNED_DEPS = {"appos", "acl", "relcl", "advcl", "parataxis"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "attr", "agent", "pobj", "dative", "oprd", "acomp"}

SUPPORT_SIMILARITY = 0.58
"""Cosine (MiniLM) between the claim and its best evidence sentence below which the sentence is taken not to
state the claim. Paraphrases of one fact score 0.65-0.9; sentences that only share names score 0.3-0.55."""
PARAPHRASE_SIMILARITY = 0.7
"""Sentence cosine at which the evidence is a paraphrase: its predicate may use other words ("would not
send negotiators" for "would not participate"), as long as both or neither are negated."""
CLOSE_PARAPHRASE_SIMILARITY = 0.8
"""Sentence cosine at which the evidence restates the claim in other words ("would not take part in the Doha
round" / "would not participate in the talks in Qatar"); word coverage is then not required, but details
and negation must still agree."""
SUPPORT_CORE_COVERAGE = 0.6
"""Share of the claim's predicate and argument words the best sentences must contain (lemma or synonym)."""
SUPPORT_CONTENT_COVERAGE = 0.6
"""Share of all the claim's content words the passage must contain: the rest of the claim must be there."""
REFUTE_ABOUTNESS = 0.55
"""Aboutness (masked similarity mixed with core-word overlap) at which a passage that shares a specific
detail with the claim (a number, a name, a facility) is taken to report the claim's event."""
UNANCHORED_REFUTE_ABOUTNESS = 0.7
"""Without a shared specific detail, only a passage this close can refute: a strike on another date at
another place that shares only the region is another strike, not a contradiction."""
DATE_REFUTE_CORE_COVERAGE = 0.8
"""A date alone refutes only when the passage has (nearly) all of the claim's predicate and arguments: the
same teams, the same verb. Otherwise a different date most likely means a different event."""
ABOUTNESS_SPREAD = 0.06
NEUTRAL_LEAN = 0.45
"""Most weight an undecided passage gives the side it leans to, scaled by how likely it is about the claim's
event: a near miss makes "not enough evidence" less certain than an unrelated passage does, yet stays below
0.5 so the passage remains neutral."""
MASKED_WEIGHT = 0.7
CORE_WEIGHT = 0.3
REGION_MARGIN = 0.06  # sentences this close to the best one count as aligned with the claim
QUOTE_LIMIT = 180


@dataclass(frozen=True)
class Alignment:
    similarity: float  # best cosine: claim vs one evidence sentence (plain or both sides masked)
    masked_similarity: float  # the same with numbers, dates and places masked on both sides
    core_coverage: float  # share of the claim's predicate and argument words in the aligned sentences
    content_coverage: float  # share of all the claim's content words in the passage
    predicate_found: bool  # the claim's main predicate (or a synonym) is in the aligned sentences
    best_sentence: int
    region: frozenset[int]
    missing: tuple[str, ...] = ()  # the claim's core words the aligned sentences lack
    subject_found: bool = True  # every word of the claim's subject name is in the aligned sentences

    @property
    def aboutness(self) -> float:
        return MASKED_WEIGHT * max(self.masked_similarity, self.similarity) + CORE_WEIGHT * self.core_coverage

    @property
    def same_event(self) -> float:
        """Probability-like belief that the passage reports the claim's event or fact."""
        return 1.0 / (1.0 + math.exp(-(self.aboutness - REFUTE_ABOUTNESS) / ABOUTNESS_SPREAD))

    @property
    def states_claim(self) -> bool:
        if self.similarity >= CLOSE_PARAPHRASE_SIMILARITY:
            return True
        return (
            self.similarity >= SUPPORT_SIMILARITY
            and (self.predicate_found or self.similarity >= PARAPHRASE_SIMILARITY)
            and self.core_coverage >= SUPPORT_CORE_COVERAGE
            and self.content_coverage >= SUPPORT_CONTENT_COVERAGE
        )


class AlignJudge:
    """Embedding alignment plus slot consistency; deterministic for a given embedder and spaCy model.

    Parses and vectors are cached per text across calls, so an article's claims, which mostly retrieve
    the same passages, parse and embed each passage once.
    """

    name = "align"

    def __init__(self, nlp: Language, embedder: Embedder) -> None:
        self.nlp = nlp
        self.embedder = embedder if isinstance(embedder, CachingEmbedder) else CachingEmbedder(embedder)
        self._analyses: LRUCache[tuple[str, date | None], SlotAnalysis] = LRUCache(ANALYSIS_CACHE_SIZE)

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        keys = [(pair.claim, pair.claim_date) for pair in pairs] + [
            (pair.evidence, pair.evidence_date) for pair in pairs
        ]
        titles: list[tuple[str, date | None]] = [
            (pair.evidence_title, None) for pair in pairs if pair.evidence_title
        ]
        analyses = self._analyses.get_many(keys + titles, self._analyze)
        texts: list[str] = []
        for analysis in analyses.values():
            texts.extend(_texts_to_embed(analysis))
        ordered = [text for text in dict.fromkeys(texts) if text.strip()]
        matrix = self.embedder.embed(ordered) if ordered else np.zeros((0, self.embedder.dim))
        vectors = {text: matrix[row] for row, text in enumerate(ordered)}
        words = WordSimilarity(vectors)
        return [
            self._judge(
                analyses[(pair.claim, pair.claim_date)],
                analyses[(pair.evidence, pair.evidence_date)],
                vectors,
                words,
                analyses[(pair.evidence_title, None)] if pair.evidence_title else None,
            )
            for pair in pairs
        ]

    def _analyze(self, keys: list[tuple[str, date | None]]) -> list[SlotAnalysis]:
        docs = self.nlp.pipe([text for text, _ in keys])
        return [analyze(doc, reference_date=key[1]) for key, doc in zip(keys, docs, strict=True)]

    def _judge(
        self,
        claim: SlotAnalysis,
        evidence: SlotAnalysis,
        vectors: dict[str, np.ndarray],
        words: WordSimilarity,
        title: SlotAnalysis | None = None,
    ) -> PairJudgement:
        if not evidence.text.strip():
            return PairJudgement.from_scores(0.0, 0.0, "the evidence passage is empty")
        alignment = align(claim, evidence, vectors, words, title)
        consistency = check_consistency(claim, evidence, alignment.region, words)
        return decide(claim, evidence, alignment, consistency)


def _texts_to_embed(analysis: SlotAnalysis) -> list[str]:
    texts = [analysis.text, masked_text(analysis)]
    for sent in analysis.doc.sents:
        texts.append(sent.text)
        texts.append(masked_text(analysis, sent.start_char, sent.end_char))
        texts.append(pruned_text(sent))
    texts.extend(_lemma(token) for token in analysis.doc if _is_content(token))
    return texts


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
        after_preposition = first.start > 0 and analysis.doc[first.start - 1].pos_ == "ADP"
        if slot.kind == "place" and not after_preposition:
            continue  # a place that is the subject ("Israel sent ...") is part of what the claim is about
        mask_start = max(cursor, analysis.doc[first.start - 1].idx) if after_preposition else slot.start
        pieces.append(analysis.text[cursor:mask_start])
        cursor = slot.end
    pieces.append(analysis.text[cursor:end])
    return " ".join("".join(pieces).split())


def pruned_text(sent: Span) -> str:
    """The sentence without modifiers that add other facts (appositions, participles, relative and adverbial
    clauses), so "Israel sent a delegation led by the head of the Mossad, David Barnea" embeds as the fact
    it states about its subject."""
    dropped = {
        token.i
        for child in sent
        if child.dep_ in _PRUNED_DEPS and child.i != sent.root.i
        for token in child.subtree
    }
    kept = [token for token in sent if token.i not in dropped]
    text = "".join(token.text_with_ws for token in kept)
    return re.sub(r"\s*[,;]\s*([,;.!?])", r"\1", text).strip(" ,;")


def _cosine(vectors: dict[str, np.ndarray], first: str, second: str) -> float:
    if first not in vectors or second not in vectors:
        return 0.0
    return float(np.dot(vectors[first], vectors[second]))


def _lemma(token: Token) -> str:
    lemma = token.lemma_.lower()
    return normalize_name(token.text) if token.pos_ == "PROPN" else lemma


def _is_content(token: Token) -> bool:
    lemma = token.lemma_.lower()
    return (
        token.pos_ in _CONTENT_POS
        and not token.is_stop
        and lemma not in lx.LIGHT_VERBS
        and not token.like_num
        and token.ent_type_ not in {"DATE", "TIME", "CARDINAL", "ORDINAL"}
        and lemma not in lx.WEEKDAYS
        and lemma not in lx.MONTHS
    )


def _core_tokens(doc: Doc) -> list[Token]:
    """The main predicate of each sentence and the heads of its arguments (subject, object, prepositional)."""
    core: list[Token] = []
    for sent in doc.sents:
        predicate = predicate_of(sent)
        core.append(predicate)
        for token in predicate.subtree:
            if token.dep_ in _ARGUMENT_DEPS and _argument_of(token, predicate):
                core.append(token)
                core.extend(child for child in token.children if child.dep_ == "compound")
    return [token for token in dict.fromkeys(core) if _is_content(token)]


def _argument_of(token: Token, predicate: Token) -> bool:
    """Directly governed by the predicate, through at most a preposition or a verb chain (xcomp, aux)."""
    node = token.head
    for _ in range(3):
        if node.i == predicate.i:
            return True
        if node.dep_ not in {"prep", "xcomp", "aux", "auxpass", "agent", "dative"}:
            return False
        node = node.head
    return False


def _found(token: Token, vocabulary: set[str], words: WordSimilarity) -> bool:
    """Names must be written the same ("Riverside" is not "Lakeside"); other words may be synonyms."""
    if token.pos_ == "PROPN":
        return _lemma(token) in vocabulary
    return words.found(_lemma(token), vocabulary)


def _subject_words(predicate: Token) -> list[Token]:
    node = predicate
    for _ in range(3):
        subject = next((child for child in node.children if child.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None:
            parts = [subject, *(child for child in subject.children if child.dep_ == "compound")]
            return [token for token in parts if _is_content(token)]
        if node.head.i == node.i:
            break
        node = node.head
    return []


def align(
    claim: SlotAnalysis,
    evidence: SlotAnalysis,
    vectors: dict[str, np.ndarray],
    words: WordSimilarity,
    title: SlotAnalysis | None = None,
) -> Alignment:
    """How well the passage's best sentences (read under the document's title) state the claim."""
    claim_masked = masked_text(claim)
    sentences = list(evidence.doc.sents)
    plain = [_cosine(vectors, claim.text, sent.text) for sent in sentences]
    masked = [
        _cosine(vectors, claim_masked, masked_text(evidence, sent.start_char, sent.end_char))
        for sent in sentences
    ]
    pruned = [_cosine(vectors, claim.text, pruned_text(sent)) for sent in sentences]
    combined = [max(a, b, c) for a, b, c in zip(plain, masked, pruned, strict=True)]
    best = int(np.argmax(combined)) if combined else 0
    region = frozenset(i for i, score in enumerate(combined) if score >= combined[best] - REGION_MARGIN)

    region_lemmas = {
        _lemma(token) for number in region for token in sentences[number] if _is_content(token)
    } | {token.lower_ for number in region for token in sentences[number]}
    passage_lemmas = {_lemma(token) for token in evidence.doc if _is_content(token)} | {
        token.lower_ for token in evidence.doc
    }
    if title is not None:
        title_lemmas = {_lemma(token) for token in title.doc if _is_content(token)}
        region_lemmas |= title_lemmas
        passage_lemmas |= title_lemmas
    core = _core_tokens(claim.doc)
    content = [token for token in claim.doc if _is_content(token)]
    core_found = [_found(token, region_lemmas, words) for token in core]
    content_found = [_found(token, passage_lemmas, words) for token in content]
    predicate = predicate_of(next(iter(claim.doc.sents))) if claim.text.strip() else None
    predicate_found = (
        predicate is None or not _is_content(predicate) or words.found(_lemma(predicate), region_lemmas)
    )
    subject = _subject_words(predicate) if predicate is not None else []
    return Alignment(
        subject_found=all(_found(token, region_lemmas, words) for token in subject),
        similarity=max(combined, default=0.0),
        masked_similarity=max(masked, default=0.0),
        core_coverage=sum(core_found) / len(core) if core else 1.0,
        content_coverage=sum(content_found) / len(content) if content else 1.0,
        predicate_found=predicate_found,
        best_sentence=best,
        region=region,
        missing=tuple(
            dict.fromkeys(token.text for token, ok in zip(core, core_found, strict=True) if not ok)
        ),
    )


def decide(
    claim: SlotAnalysis, evidence: SlotAnalysis, alignment: Alignment, consistency: Consistency
) -> PairJudgement:
    same_event = alignment.same_event
    sentences = list(evidence.doc.sents)
    best_sentence = sentences[alignment.best_sentence] if sentences else None
    threshold = REFUTE_ABOUTNESS if consistency.anchored else UNANCHORED_REFUTE_ABOUTNESS
    dates_only = consistency.polarity_flip is None and all(
        f.kind in {"date", "weekday"} for f in consistency.strong_mismatches
    )
    same_happening = not dates_only or (
        alignment.core_coverage >= DATE_REFUTE_CORE_COVERAGE and alignment.subject_found
    )
    if consistency.contradicts and alignment.aboutness >= threshold and same_happening:
        closeness = min(1.0, (alignment.aboutness - threshold) / 0.25)
        refuted = (0.6 + 0.3 * closeness + 0.05 * min(2, len(consistency.strong_mismatches))) * same_event
        return PairJudgement.from_scores(0.0, refuted, describe_mismatch(consistency, evidence))
    if (
        alignment.states_claim
        and not consistency.contradicts
        and consistency.details_confirmed
        and consistency.polarity_agrees
    ):
        margin = min(1.0, (alignment.similarity - SUPPORT_SIMILARITY) / (1.0 - SUPPORT_SIMILARITY))
        supported = (0.6 + 0.3 * margin + 0.1 * alignment.core_coverage) * (
            0.85 ** len(consistency.weak_mismatches)
        )
        reason = f'evidence states: "{_quote(best_sentence)}"' if best_sentence is not None else ""
        if consistency.weak_mismatches:
            reason += f" ({describe_mismatch(consistency, evidence)})"
        return PairJudgement.from_scores(supported, 0.0, reason)
    lean = NEUTRAL_LEAN * alignment.same_event
    leaning = (0.0, lean) if consistency.contradicts else (lean, 0.0)
    return PairJudgement.from_scores(*leaning, _neutral_reason(alignment, consistency))


def _neutral_reason(alignment: Alignment, consistency: Consistency) -> str:
    if alignment.similarity < SUPPORT_SIMILARITY / 1.5 and alignment.core_coverage < 0.5:
        return "the passage is about something else"
    missing = list(alignment.missing)
    missing += [f.claim.slot.text for f in consistency.findings if f.outcome != "match" and f.required]
    if consistency.contradicts:
        detail = describe_mismatch(consistency, None)
        return f"a related passage, but not clearly about the same event ({detail})"
    if missing:
        return f"the passage does not state: {', '.join(dict.fromkeys(missing))}"
    return "the passage is related but does not state the claim"


def _quote(sentence: Span) -> str:
    """The evidence sentence; a long one without its side facts, so the quote stays readable."""
    text = " ".join(sentence.text.split())
    if len(text) > QUOTE_LIMIT:
        pruned = " ".join(pruned_text(sentence).split())
        text = pruned if len(pruned.split()) >= 4 else text
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def create_align_judge(resources: Resources) -> AlignJudge:
    return AlignJudge(resources.nlp, resources.embedder)
