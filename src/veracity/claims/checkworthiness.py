"""How much a claim is worth checking, from features a person can inspect.

Fact-checkers prioritise specific, verifiable statements of fact: figures, dates, named actors and events,
things that happened. Opinions, questions, predictions and hedged or boilerplate sentences cannot be
settled by evidence. The score is a logistic function of hand-set feature weights; `Checker` keeps claims
scoring at least `CHECKWORTHY_THRESHOLD` (0.5), i.e. those whose factual signals outweigh the others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from spacy.tokens import Token

CHECKWORTHY_THRESHOLD = 0.5
"""`Checker.min_checkworthiness`: a claim needs more factual signal than hedging to be checked."""

FACT_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "LAW", "PRODUCT"})
NUMBER_ENTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
DATE_ENTITY_LABELS = frozenset({"DATE", "TIME"})
SPECULATIVE_MODALS = frozenset({"could", "may", "might", "can", "should", "must", "ought"})
FUTURE_AUXILIARIES = frozenset({"will", "shall"})
PREDICTION_VERBS = frozenset({"expect", "plan", "intend", "hope", "aim", "want", "seek", "forecast"})
OBLIGATION = re.compile(r"\b(?:have|has|had|need|needs) to\b", re.I)
HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|possibly|perhaps|probably|likely|unlikely|apparently|seemingly|"
    r"appears? to|seems? to|unclear|rumou?red)\b",
    re.I,
)
BOILERPLATE = re.compile(
    r"\b(?:declined to be (?:named|identified)|on condition of anonymity|"
    r"(?:was|were|is|are) not authori[sz]ed to (?:speak|comment)|"
    r"did not (?:immediately )?respond to (?:a )?requests? for comment|could not be reached for comment|"
    r"declined to comment|contributed (?:to )?(?:this )?report|all rights reserved|"
    r"click here|subscribe to)\b",
    re.I,
)
PERSONAL_PRONOUNS = frozenset({"i", "we", "you", "me", "us", "our", "my", "your"})
QUOTE_MARKS = frozenset({"“", "”", '"'})
MIN_WORDS = 5
MAX_COUNTED_ENTITIES = 3

WEIGHTS: dict[str, float] = {
    "bias": -0.6,
    "has_number": 1.2,
    "has_date": 0.8,
    "named_entities": 0.45,
    "past_event": 0.6,
    "attributed": 0.2,
    "speculative_modal": -1.4,
    "future": -1.0,
    "prediction": -0.3,
    "obligation": -1.0,
    "question": -2.5,
    "personal_pronoun": -1.0,
    "direct_quote": -0.8,
    "opinion": -0.9,
    "hedge": -0.6,
    "boilerplate": -3.0,
    "fragment": -1.5,
}


@dataclass(frozen=True)
class CheckworthinessFeatures:
    """The signals behind a score; `contributions` says how much each one moved it."""

    has_number: bool
    has_date: bool
    named_entities: int
    past_event: bool
    attributed: bool
    speculative_modal: bool
    future: bool
    prediction: bool
    obligation: bool
    question: bool
    personal_pronoun: bool
    direct_quote: bool
    opinion: bool
    hedge: bool
    boilerplate: bool
    fragment: bool

    def contributions(self) -> dict[str, float]:
        values = asdict(self)
        values["named_entities"] = min(self.named_entities, MAX_COUNTED_ENTITIES)
        return {name: WEIGHTS[name] * float(value) for name, value in values.items() if value}

    def score(self) -> float:
        logit = WEIGHTS["bias"] + sum(self.contributions().values())
        return 1.0 / (1.0 + math.exp(-logit))


def extract_features(
    tokens: Sequence[Token], text: str, *, content_root: Token, speaker: str | None
) -> CheckworthinessFeatures:
    """`tokens` are the clause's words in the parsed article; `text` is the standalone claim."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    named = {t.i for t in tokens if t.ent_type_ in FACT_ENTITY_LABELS and t.ent_iob_ == "B"}
    auxiliaries = {t.lower_ for t in tokens if t.dep_ in ("aux", "auxpass") or t.tag_ == "MD"}
    return CheckworthinessFeatures(
        has_number=any(
            t.ent_type_ in NUMBER_ENTITY_LABELS or (t.like_num and not t.ent_type_) for t in tokens
        ),
        has_date=any(t.ent_type_ in DATE_ENTITY_LABELS for t in tokens),
        named_entities=len(named),
        past_event=_is_past(content_root),
        attributed=speaker is not None,
        speculative_modal=bool(auxiliaries & SPECULATIVE_MODALS),
        future=bool(auxiliaries & FUTURE_AUXILIARIES),
        prediction=any(t.lemma_.lower() in PREDICTION_VERBS and t.pos_ == "VERB" for t in tokens),
        obligation=bool(OBLIGATION.search(text)),
        question=text.rstrip("”\"' ").endswith("?"),
        personal_pronoun=any(t.lower_ in PERSONAL_PRONOUNS for t in tokens),
        direct_quote=any(t.text in QUOTE_MARKS for t in tokens),
        opinion=any(t.pos_ == "ADJ" and t.dep_ in ("acomp", "attr", "oprd") for t in tokens),
        hedge=bool(HEDGES.search(text)),
        boilerplate=bool(BOILERPLATE.search(text)),
        fragment=len(words) < MIN_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in tokens),
    )


def _is_past(verb: Token) -> bool:
    """Past or perfect predicates report things that happened; present and future ones mostly do not."""
    if verb.tag_ == "VBD":
        return True
    if verb.tag_ == "VBN":
        return any(
            child.lemma_ == "have" or child.tag_ == "VBD"
            for child in verb.children
            if child.dep_.startswith("aux")
        )
    return False
