"""Synthetic claim/evidence pairs made from real evidence sentences by rule-based edits.

Following MiniCheck, every atomic fact of a claim must be checked: a refuted claim differs from its
evidence in exactly one typed detail (an entity, a number, a date, a weekday, a place) or in polarity, and
a supported claim keeps every fact while its wording changes. A same-topic sentence that does not address
the claim gives not-enough-evidence. Two harder kinds of not-enough-evidence are there to be switched on
(`TrainConfig.hard_not_enough_evidence`, `veracity train --hard-not-enough-evidence`): the claim's own
neighbours with its sentence cut out (the passage shares its names and topic, not its fact), and the claim
with its main verb swapped for another real verb, read against its own passage (every name and number is
there, the event is not). They were meant to stop the model reading shared wording as support; measured,
they did not (src/veracity/models/MODEL_CARD.md), so the shipped model was trained without them. Edits work
on spaCy sentences so that the swapped details are real values of the same type taken from the corpus.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.train.pairs import Pair, PairLabel

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
ENTITY_LABELS = ("PERSON", "ORG", "NORP", "EVENT", "WORK_OF_ART", "PRODUCT")
PLACE_LABELS = ("GPE", "LOC", "FAC")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,])")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "does",
        "do",
        "did",
    ]
)


_PLAIN_VERBS = frozenset(["be", "have", "do", "say", "tell", "report", "state", "add", "note"])


def _verb_key(tag: str) -> str:
    return f"VERB/{tag}"


def _swappable_verb(token: Token) -> bool:
    """A main verb with a direct object and no particle or clausal complement, so that another verb of the
    same kind reads as a plain sentence ("rebuffed offers" -> "accepted offers", never "insisted out")."""
    deps = {child.dep_ for child in token.children}
    return (
        token.pos_ == "VERB"
        and token.text.isalpha()
        and token.lemma_.lower() not in _PLAIN_VERBS
        and "dobj" in deps
        and not deps & {"prt", "ccomp", "xcomp"}
    )


@dataclass
class EntityPool:
    """Real surface forms by entity type, so that a swap puts a plausible value of the same type in place;
    main verbs are kept by Penn tag (`VERB/VBD`, ...), so a swapped verb keeps the sentence's tense."""

    by_label: dict[str, list[str]]

    @classmethod
    def from_sentences(cls, sentences: Iterable[Span]) -> EntityPool:
        pool: dict[str, set[str]] = defaultdict(set)
        for sentence in sentences:
            for ent in sentence.ents:
                if ent.label_ in ENTITY_LABELS + PLACE_LABELS + ("DATE",) and 1 < len(ent.text) < 40:
                    pool[ent.label_].add(ent.text)
            if _swappable_verb(sentence.root):
                pool[_verb_key(sentence.root.tag_)].add(sentence.root.text.lower())
        return cls({label: sorted(values) for label, values in pool.items()})

    def other(self, label: str, current: str, rng: random.Random) -> str | None:
        candidates = self.by_label.get(label, [])
        current_words = set(current.lower().split())
        for _ in range(8):
            if not candidates:
                return None
            candidate = rng.choice(candidates)
            if (
                not current_words & set(candidate.lower().split())
                and candidate.lower() not in current.lower()
            ):
                return candidate
        return None


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _parse_number(token: str) -> float:
    return float(token.replace(",", ""))


def _format_like(value: float, original: str) -> str:
    if "." in original:
        decimals = len(original.split(".")[1])
        return f"{value:.{decimals}f}"
    if "," in original or value >= 10000:
        return f"{round(value):,}"
    return str(round(value))


def swap_entity(sentence: Span, pool: EntityPool, rng: random.Random, labels: Sequence[str]) -> str | None:
    """Replace one named entity of the given types by another of the same type from the corpus."""
    entities = [ent for ent in sentence.ents if ent.label_ in labels]
    if not entities:
        return None
    ent = rng.choice(entities)
    new = pool.other(ent.label_, ent.text, rng)
    if new is None:
        return None
    offset = sentence.start_char
    return _replace(sentence.text, ent.start_char - offset, ent.end_char - offset, new)


def _free_numbers(sentence: Span) -> list[re.Match[str]]:
    """Numbers that are not years or parts of a date or time (those belong to `swap_date`)."""
    offset = sentence.start_char
    taken = [
        (e.start_char - offset, e.end_char - offset) for e in sentence.ents if e.label_ in ("DATE", "TIME")
    ]
    return [
        m
        for m in _NUMBER.finditer(sentence.text)
        if not _YEAR.fullmatch(m.group()) and not any(s <= m.start() < e for s, e in taken)
    ]


def swap_number(sentence: Span, rng: random.Random) -> str | None:
    """Change one number (not a year) by a margin that no rounding word would excuse."""
    text = sentence.text
    matches = _free_numbers(sentence)
    if not matches:
        return None
    match = rng.choice(matches)
    value = _parse_number(match.group())
    if value == 0:
        new_value = float(rng.randint(2, 9))
    else:
        factor = rng.choice((0.3, 0.5, 0.6, 1.5, 2.0, 3.0))
        new_value = value * factor
        if "." not in match.group() and round(new_value) == round(value):
            new_value = value + rng.randint(2, 9)
    return _replace(text, match.start(), match.end(), _format_like(new_value, match.group()))


def swap_date(sentence: Span, rng: random.Random) -> str | None:
    """Move a year or a month named in a date to another one."""
    text = sentence.text
    offset = sentence.start_char
    date_spans = [(e.start_char - offset, e.end_char - offset) for e in sentence.ents
                  if e.label_ == "DATE"]  # fmt: skip
    for start, end in rng.sample(date_spans, len(date_spans)):
        span = text[start:end]
        year = _YEAR.search(span)
        if year:
            shift = rng.choice((-5, -3, -2, -1, 1, 2, 3, 4))
            new_span = span[: year.start()] + str(int(year.group()) + shift) + span[year.end() :]
            return _replace(text, start, end, new_span)
        for month in MONTHS:
            if month in span:
                other = rng.choice([m for m in MONTHS if m != month])
                return _replace(text, start, end, span.replace(month, other))
    return None


def swap_weekday(sentence: Span, rng: random.Random) -> str | None:
    text = sentence.text
    present = [day for day in WEEKDAYS if re.search(rf"\b{day}\b", text)]
    if not present:
        return None
    day = rng.choice(present)
    other = rng.choice([d for d in WEEKDAYS if d != day])
    return re.sub(rf"\b{day}\b", other, text, count=1)


def negate(sentence: Span) -> str | None:
    """Flip polarity: drop an existing negation or add one after the main auxiliary."""
    text = sentence.text
    offset = sentence.start_char
    for token in sentence:
        if token.dep_ == "neg" and token.head.dep_ == "ROOT":
            start = token.idx - offset
            end = start + len(token.text)
            if token.text.lower() == "n't":
                return None
            return re.sub(r"\s{2,}", " ", _replace(text, start, end, ""))
    root = sentence.root
    for token in root.children:
        if token.dep_ in ("aux", "auxpass") and token.lower_ in _AUXILIARIES and token.i < root.i:
            end = token.idx - offset + len(token.text)
            return _replace(text, end, end, " not")
    if root.lower_ in ("is", "are", "was", "were"):
        end = root.idx - offset + len(root.text)
        return _replace(text, end, end, " not")
    return None


def swap_predicate(sentence: Span, pool: EntityPool, rng: random.Random) -> str | None:
    """Replace the main verb by another real verb of the same tense: the claim keeps every name, number and
    date of its evidence but states another event ("Hamas rebuffed the offers" -> "Hamas drafted the
    offers"), which that evidence does not back. Reporting verbs and copulas are left alone."""
    root = sentence.root
    if not _swappable_verb(root):
        return None
    candidates = [verb for verb in pool.by_label.get(_verb_key(root.tag_), []) if verb != root.lower_]
    for _ in range(8):
        if not candidates:
            return None
        verb = rng.choice(candidates)
        if verb[:4] != root.lower_[:4]:  # not an inflection or a near spelling of the same verb
            start = root.idx - sentence.start_char
            replacement = verb.capitalize() if root.text[0].isupper() else verb
            return _replace(sentence.text, start, start + len(root.text), replacement)
    return None


def gap_window(sentences: Sequence[Span], index: int, rng: random.Random) -> str | None:
    """The sentence's neighbours without the sentence itself: the same names and topic, not the fact."""
    before = [s.text.strip() for s in sentences[max(0, index - rng.randint(1, 2)) : index]]
    after = [s.text.strip() for s in sentences[index + 1 : index + 1 + rng.randint(1, 2)]]
    if not before and not after:
        return None
    return " ".join(before + after)


def drop_clause(sentence: Span) -> str | None:
    """Remove a modifier that adds no fact the rest depends on: an appositive or a relative clause."""
    text = sentence.text
    offset = sentence.start_char
    for token in sentence:
        if token.dep_ in ("appos", "relcl", "advcl") and token.head.i != token.i:
            subtree = list(token.subtree)
            start = subtree[0].idx - offset
            end = subtree[-1].idx - offset + len(subtree[-1].text)
            before = text[:start].rstrip()
            if not before.endswith(","):
                continue
            after = text[end:].lstrip()
            if after.startswith(","):
                after = after[1:].lstrip()
            shortened = (before[:-1].rstrip() + (" " if after and after[0].isalnum() else "") + after).strip()
            if len(shortened.split()) >= 5 and shortened != text:
                return shortened
    return None


def reorder(sentence: Span) -> str | None:
    """Move a fronted phrase ("In 2019, X did Y.") to the end ("X did Y in 2019.")."""
    text = sentence.text.strip()
    match = re.match(
        r"^((?:In|On|At|During|After|Before|Since|By|Last|This|Earlier)\b[^,]{2,60}),\s+(.+?)([.!?]?)$", text
    )
    if not match:
        return None
    phrase, rest, end = match.groups()
    rest = rest[0].upper() + rest[1:] if rest else rest
    phrase = phrase[0].lower() + phrase[1:] if phrase.split()[0] not in MONTHS + WEEKDAYS else phrase
    return f"{rest} {phrase}{end or '.'}"


_PARAPHRASE_TEMPLATES = (
    "It was reported that {}",
    "Reports said that {}",
    "According to the source, {}",
    "Sources say that {}",
)


def paraphrase(sentence: Span, rng: random.Random) -> str | None:
    text = sentence.text.strip()
    if len(text) < 2 or sentence[0].ent_type_ or sentence[0].pos_ == "PROPN":
        body = text
    else:
        body = text[0].lower() + text[1:]
    return rng.choice(_PARAPHRASE_TEMPLATES).format(body)


def add_rounding(sentence: Span, rng: random.Random) -> str | None:
    """Round a number and hedge it ("93 people" -> "about 90 people"): the fact still holds."""
    text = sentence.text
    matches = [m for m in _free_numbers(sentence) if _parse_number(m.group()) >= 20]
    if not matches:
        return None
    match = rng.choice(matches)
    value = _parse_number(match.group())
    magnitude = 10 ** max(len(str(int(value))) - 2, 0)
    rounded = round(value / magnitude) * magnitude
    word = rng.choice(
        ("about", "around", "roughly", "nearly") if rounded >= value else ("about", "around", "over")
    )
    if word == "nearly" and rounded < value:
        word = "about"
    return _replace(text, match.start(), match.end(), f"{word} {_format_like(rounded, match.group())}")


Edit = Callable[["Span", EntityPool, random.Random], "str | None"]

REFUTING_EDITS: dict[str, Edit] = {
    "entity": lambda s, pool, rng: swap_entity(s, pool, rng, ENTITY_LABELS),
    "place": lambda s, pool, rng: swap_entity(s, pool, rng, PLACE_LABELS),
    "number": lambda s, pool, rng: swap_number(s, rng),
    "date": lambda s, pool, rng: swap_date(s, rng),
    "weekday": lambda s, pool, rng: swap_weekday(s, rng),
    "negation": lambda s, pool, rng: negate(s),
}
SUPPORTING_EDITS: dict[str, Edit] = {
    "drop_clause": lambda s, pool, rng: drop_clause(s),
    "reorder": lambda s, pool, rng: reorder(s),
    "paraphrase": lambda s, pool, rng: paraphrase(s, rng),
    "rounding": lambda s, pool, rng: add_rounding(s, rng),
}


def make_pairs(
    documents: Sequence[Sequence[Span]],
    pool: EntityPool,
    rng: random.Random,
    source: str,
    per_document: int = 3,
    hard_not_enough_evidence: bool = False,
) -> list[Pair]:
    """Up to `per_document` pairs per document, balanced over the three labels.

    The evidence is a window of the sentence and its neighbours, so the model learns to find the fact
    inside a passage; not-enough-evidence pairs use a window of the same document without the sentence.
    """
    pairs: list[Pair] = []
    labels: tuple[PairLabel, ...] = ("refuted", "supported", "not_enough_evidence")
    for doc_index, sentences in enumerate(documents):
        usable = [i for i, s in enumerate(sentences) if 6 <= len(s) <= 60]
        if not usable:
            continue
        for slot in range(per_document):
            label = labels[(doc_index * per_document + slot) % 3]
            index = rng.choice(usable)
            sentence = sentences[index]
            window = _window(sentences, index, rng)
            if label == "not_enough_evidence":
                kinds = NOT_ENOUGH_EVIDENCE_KINDS if hard_not_enough_evidence else ("same_topic",)
                unsupported = _unsupported(sentences, index, window, pool, rng, source, kinds)
                if unsupported is not None:
                    pairs.append(unsupported)
                continue
            edits = REFUTING_EDITS if label == "refuted" else SUPPORTING_EDITS
            names = list(edits)
            rng.shuffle(names)
            if "paraphrase" in names and rng.random() < 0.7:
                names.remove("paraphrase")
                names.append("paraphrase")
            for name in names:
                claim = edits[name](sentence, pool, rng)
                if claim and claim.strip() != sentence.text.strip():
                    pairs.append(Pair(window, claim.strip(), label, f"{source}/{name}"))
                    break
    return pairs


NOT_ENOUGH_EVIDENCE_KINDS = ("same_topic", "gap", "predicate")


def _unsupported(
    sentences: Sequence[Span],
    index: int,
    window: str,
    pool: EntityPool,
    rng: random.Random,
    source: str,
    kinds: Sequence[str],
) -> Pair | None:
    """One not-enough-evidence pair of a kind drawn evenly from `kinds`; a kind the sentence does not allow
    (no neighbours, no swappable verb) falls back to a same-topic passage. With one kind no draw is made, so
    the default pairs are those of the shipped model's run."""
    sentence = sentences[index]
    kind = rng.choice(kinds) if len(kinds) > 1 else kinds[0]
    if kind == "gap":
        evidence = gap_window(sentences, index, rng)
        if evidence:
            return Pair(evidence, sentence.text.strip(), "not_enough_evidence", f"{source}/gap")
    if kind == "predicate":
        claim = swap_predicate(sentence, pool, rng)
        if claim:
            return Pair(window, claim.strip(), "not_enough_evidence", f"{source}/predicate")
    others = [s.text for i, s in enumerate(sentences) if abs(i - index) > 1]
    if not others:
        return None
    start = rng.randrange(len(others))
    evidence = " ".join(others[start : start + rng.randint(1, 3)])
    return Pair(evidence, sentence.text.strip(), "not_enough_evidence", f"{source}/same_topic")


def _window(sentences: Sequence[Span], index: int, rng: random.Random) -> str:
    before = rng.randint(0, 1)
    after = rng.randint(0, 2)
    return " ".join(s.text.strip() for s in sentences[max(0, index - before) : index + after + 1])


COMPOUND_EVIDENCE_TOKENS = 90  # the window the cross-encoder reads whole


def join_facts(first: Span, second: Span) -> str | None:
    """Two sentences as one compound claim ("A, and b"), the shape of a Wikipedia or news sentence that
    states several facts; None when either part is not a plain declarative sentence."""
    head = first.text.strip()
    tail = second.text.strip()
    if not head.endswith(".") or not tail.endswith(".") or '"' in head + tail:
        return None
    opener = second[0]
    if opener.pos_ != "PROPN" and opener.text != "I":
        tail = tail[0].lower() + tail[1:]
    return f"{head[:-1]}, and {tail}"


def make_compound_pairs(
    documents: Sequence[Sequence[Span]], rng: random.Random, source: str, per_document: int = 2
) -> list[Pair]:
    """Claims that join two facts of one document, as MiniCheck's claim-to-document data does.

    Supported when the evidence window holds both sentences (apart, among others), so facts must be
    combined; not-enough-evidence when it holds only one of them, which is what "partially supported"
    means: one detail of the claim is not backed.
    """
    pairs: list[Pair] = []
    for doc_index, sentences in enumerate(documents):
        usable = [i for i, s in enumerate(sentences) if 6 <= len(s) <= 30]
        if len(usable) < 2:
            continue
        for slot in range(per_document):
            first, second = sorted(rng.sample(usable, 2))
            claim = join_facts(sentences[first], sentences[second])
            if claim is None:
                continue
            supported = (doc_index + slot) % 2 == 0
            kept = {first, second} if supported else {rng.choice((first, second))}
            missing = {first, second} - kept
            context = [i for i in range(len(sentences)) if i not in kept and i not in missing]
            rng.shuffle(context)
            extra: set[int] = set()
            words = sum(len(sentences[i]) for i in kept)
            for i in context[: rng.randint(1, 3)]:
                if words + len(sentences[i]) <= COMPOUND_EVIDENCE_TOKENS:
                    extra.add(i)
                    words += len(sentences[i])
            evidence = " ".join(sentences[i].text.strip() for i in sorted(kept | extra))
            label: PairLabel = "supported" if supported else "not_enough_evidence"
            pairs.append(Pair(evidence, claim, label, f"{source}/compound"))
    return pairs
