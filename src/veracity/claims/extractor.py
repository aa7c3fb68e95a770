"""The spaCy claim extractor: sentences -> atomic clauses -> standalone, attributed, scored claims."""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Token

from veracity.claims.checkworthiness import extract_features
from veracity.claims.coref import Coreference, resolve_coreference
from veracity.claims.decompose import Clause, clause_root, decompose
from veracity.claims.frames import reported_content, without_attribution
from veracity.claims.sentences import Sentence, split_sentences
from veracity.claims.speaker import (
    REPORTING_VERBS,
    find_speaker,
    is_quotation,
    is_unattributed_quotation,
)
from veracity.claims.standalone import render_claim
from veracity.claims.timeframe import TimeEdits, resolve_times
from veracity.errors import ConfigError, InputError
from veracity.resources import Resources
from veracity.types import Article, Claim, Slot

MIN_CLAIM_WORDS = 3
SLOT_BATCH_SIZE = 64
UNRESOLVED_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "this", "these", "those"})
"""Reported content that would start with one of these keeps its frame: "They might engage" alone says
nothing checkable, "Hamas indicated they might engage" does."""


class SpacyClaimExtractor:
    """Finds atomic claims with one parse of the article; spaCy loads on the first `extract`, not here."""

    def __init__(self, resources: Resources, *, fill_slots: bool = True) -> None:
        self._resources = resources
        self._fill_slots = fill_slots

    def extract(self, article: Article) -> list[Claim]:
        if not article.text.strip():
            return []
        nlp = self._resources.nlp
        if len(article.text) > nlp.max_length:
            raise InputError(
                f"article has {len(article.text):,} characters, more than the {nlp.max_length:,} the parser "
                "accepts; split it into parts"
            )
        doc = nlp(article.text)
        sentences = split_sentences(doc)
        coref = resolve_coreference(doc, sentences)
        claims: list[Claim] = []
        quote_speaker: str | None = None
        for sentence in sentences:
            if sentence.is_heading:
                continue
            times = resolve_times(sentence.span, article.published) if article.published else TimeEdits()
            continued = quote_speaker if is_unattributed_quotation(sentence.span) else None
            sentence_speaker: str | None = None
            for clause in decompose(sentence.span):
                speaker = continued or find_speaker(clause, sentence.span, coref)
                sentence_speaker = sentence_speaker or speaker
                claim = self._claim(doc, sentence, clause, coref, times, speaker, article.published)
                if claim is not None:
                    claim.id = f"c{len(claims) + 1}"
                    claims.append(claim)
            quote_speaker = sentence_speaker if is_quotation(sentence.span) else None
        if self._fill_slots:
            self._add_slots(claims, nlp, article.published)
        return claims

    def _claim(
        self,
        doc: Doc,
        sentence: Sentence,
        clause: Clause,
        coref: Coreference,
        times: TimeEdits,
        speaker: str | None,
        published: date | None,
    ) -> Claim | None:
        text = render_claim(clause, doc, coref, times)
        if speaker is not None:
            content = without_attribution(reported_content(clause, doc) or clause, doc)
            content_text = render_claim(content, doc, coref, times)
            if content_text.split(" ", 1)[0].lower() not in UNRESOLVED_PRONOUNS:
                clause, text = content, content_text
        words = [i for i in sorted(clause.own) if not doc[i].is_punct and not doc[i].is_space]
        if len(text.split()) < MIN_CLAIM_WORDS or not words:
            return None
        tokens = [doc[i] for i in clause.order()]
        features = extract_features(tokens, text, content_root=_content_root(clause, doc), speaker=speaker)
        last = doc[words[-1]]
        return Claim(
            id="",
            text=text,
            start=doc[words[0]].idx,
            end=last.idx + len(last.text),
            sentence=sentence.text,
            speaker=speaker,
            checkworthiness=features.score(),
            time_frame=published,
        )

    @staticmethod
    def _add_slots(claims: list[Claim], nlp: Language, published: date | None) -> None:
        try:
            from veracity.slots import analyze
        except ImportError as exc:
            raise ConfigError(f"the slot extractor is unavailable ({exc}); reinstall veracity") from exc
        docs = nlp.pipe([claim.text for claim in claims], batch_size=SLOT_BATCH_SIZE)
        for claim, claim_doc in zip(claims, docs, strict=True):
            slots: list[Slot] = analyze(claim_doc, reference_date=published).slots
            claim.slots = slots


def _content_root(clause: Clause, doc: Doc) -> Token:
    """The predicate of what is reported: "said that X fell" is about the falling, not the saying."""
    root = clause_root(clause, doc)
    while root.lemma_.lower() in REPORTING_VERBS:
        complement = next((c for c in root.children if c.dep_ == "ccomp" and c.i in clause.own), None)
        if complement is None:
            break
        root = complement
    return root
