"""Typed slots from text: spaCy NER and the dependency parse find them, small lexicons normalise them.

`analyze` keeps what the verifier needs beyond `Slot` (the sentence, the predicate a number belongs to, a
readable phrase); `extract_slots` returns the plain slots other stages store on claims.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from veracity.slots import lexicon as lx
from veracity.slots.names import normalize_name
from veracity.types import QuantityQualifier, Slot, SlotKind

_NUMERIC = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(k|m|mn|bn|b|tn)?$", re.IGNORECASE)
_SUFFIX_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d|2100)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.]\d{1,2}[/.]\d{2,4}$")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$", re.IGNORECASE)
_DURATION_NOUNS = {"day", "week", "month", "year", "decade", "century", "hour", "minute", "long", "old"}


@dataclass(frozen=True)
class SlotInfo:
    """A slot with the context the verifier compares on and quotes in reasons."""

    slot: Slot
    sentence: int  # index of the sentence that holds it
    predicate: str | None = None  # quantities: lemma of the verb or noun that says what is counted
    phrase: str = ""  # a readable phrase around the slot: "about 93 people killed", "at al-Tabi'in school"
    derived: bool = False  # a date resolved from a weekday: same span, less certain than what was written


@dataclass(frozen=True)
class SlotAnalysis:
    text: str
    doc: Doc
    infos: list[SlotInfo]

    @property
    def slots(self) -> list[Slot]:
        return [info.slot for info in self.infos]

    def of_kind(self, *kinds: SlotKind) -> list[SlotInfo]:
        return [info for info in self.infos if info.slot.kind in kinds]


def extract_slots(text: str, nlp: Language, *, reference_date: date | None = None) -> list[Slot]:
    """The typed details of `text` (offsets into `text`), in text order."""
    return analyze(nlp(text), reference_date=reference_date).slots


def analyze(doc: Doc, *, reference_date: date | None = None) -> SlotAnalysis:
    sentence_of = _sentence_index(doc)
    infos: list[SlotInfo] = []
    date_tokens: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in {"DATE", "TIME"} and not _bare_count(ent):
            date_tokens.update(range(ent.start, ent.end))
            if ent.label_ == "DATE":
                infos.extend(_date_slots(ent, sentence_of, reference_date))
    for info in _numeric_date_slots(doc, sentence_of):
        infos.append(info)
        date_tokens.update(token.i for token in doc.char_span(info.slot.start, info.slot.end) or [])
    infos.extend(_quantity_slots(doc, date_tokens, sentence_of))
    infos.extend(_entity_slots(doc, sentence_of))
    infos.extend(_negation_slots(doc, sentence_of))
    infos.sort(key=lambda info: (info.slot.start, info.slot.end, info.slot.kind))
    return SlotAnalysis(text=doc.text, doc=doc, infos=infos)


def _bare_count(ent: Span) -> bool:
    """A "date" that is only a number word or small number ("Forty villagers"): an NER slip, not a date."""
    return all(token.like_num and not _YEAR.match(token.text) for token in ent)


def _sentence_index(doc: Doc) -> dict[int, int]:
    index: dict[int, int] = {}
    for number, sent in enumerate(doc.sents):
        for token in sent:
            index[token.i] = number
    return index


def _span_slot(doc: Doc, start: int, end: int, kind: SlotKind, **fields: object) -> Slot:
    span = doc[start:end]
    return Slot(kind=kind, text=span.text, start=span.start_char, end=span.end_char, **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- quantities


def _is_number_token(token: Token) -> bool:
    lower = token.lower_
    if token.ent_type_ == "ORDINAL" or (token.tag_ in {"JJ", "RB"} and not token.like_num):
        return False
    if lower in lx.SCALE_WORDS and lower not in {"m", "mn", "bn"}:
        return True
    if lower in lx.VAGUE_PLURALS or lower == "dozen":
        return True
    if _NUMERIC.match(lower):
        return True
    return token.like_num and _is_number_word(lower)


def parse_number(words: Sequence[str]) -> float | None:
    """The value of lower-cased number words and numerals read together ("2.3", "m"; "forty-two",
    "thousand"); None when none of them is one."""
    total = 0.0
    current = 0.0
    seen = False
    for lower in words:
        numeric = _NUMERIC.match(lower)
        if numeric:
            current += float(numeric.group(1).replace(",", ""))
            if numeric.group(2):
                current *= _SUFFIX_SCALE[numeric.group(2).lower()]
            seen = True
        elif lower in lx.SCALE_WORDS:
            scale = lx.SCALE_WORDS[lower]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
            seen = True
        elif _is_number_word(lower):
            current += sum(lx.UNITS_WORDS[part] for part in lower.split("-"))
            seen = True
    return total + current if seen else None


_WORD = re.compile(r"\d[\d,]*(?:\.\d+)?(?:k|m|mn|bn|b|tn)?\b|[a-z]+(?:-[a-z]+)*", re.IGNORECASE)


def numbers_in(text: str) -> set[float]:
    """Every number a text may state, without a parse, read leniently: each run of numerals and number
    words as one value ("two thousand", "2.3bn", "3 m"), and each numeral also alone (2.3, 3: "m" may be
    metres). Four-digit numerals that read as years (1500 to 2100, no comma) are left out."""
    values: set[float] = set()
    run: list[str] = []

    def close() -> None:
        while run and run[0] in {"a", "an"}:
            del run[0]  # "a thousand" is 1,000 without it, and "a 2.3bn deal" is not 1 + 2.3bn
        value = parse_number(run)
        if value is not None:
            values.add(value)
        run.clear()

    for match in _WORD.finditer(text):
        word = match.group().lower()
        numeral = _NUMERIC.match(word)
        if numeral and not _YEAR.match(word):
            values.add(float(numeral.group(1).replace(",", "")))
            run.append(word)
        elif not numeral and (word in lx.SCALE_WORDS or _is_number_word(word)):
            run.append(word)
        elif word == "and" and run and run[-1] in lx.SCALE_WORDS:
            continue  # "two hundred and fifty"
        else:
            close()
    close()
    return values


def _is_number_word(word: str) -> bool:
    return all(part in lx.UNITS_WORDS for part in word.split("-"))


def _numeric_date_slots(doc: Doc, sentence_of: dict[int, int]) -> list[SlotInfo]:
    """ "10/08/2024" written as one token, which the NER rarely labels as a date."""
    infos: list[SlotInfo] = []
    for token in doc:
        if token.ent_type_ in {"DATE", "TIME"} or not _NUMERIC_DATE.match(token.text):
            continue
        normalized = _dateparser_fallback(token.text)
        if normalized is not None:
            slot = _span_slot(doc, token.i, token.i + 1, "date", normalized=normalized)
            infos.append(
                SlotInfo(
                    slot=slot,
                    sentence=sentence_of[token.i],
                    phrase=_with_preposition(doc, token.i, token.i + 1),
                )
            )
    return infos


def _qualifier_before(doc: Doc, start: int) -> tuple[QuantityQualifier | None, int]:
    for length in range(lx.MAX_QUALIFIER_LEN, 0, -1):
        if start - length < 0:
            continue
        words = tuple(token.lower_ for token in doc[start - length : start])
        if words in lx.QUALIFIER_PHRASES:
            return lx.QUALIFIER_PHRASES[words], start - length
    return None, start


def _counted_noun(doc: Doc, start: int, end: int) -> Token | None:
    """The noun the number counts: "92 people", "dozens of people", "40 Israel hostages"."""
    group = set(range(start, end))
    for token in doc[start:end]:
        head = token.head
        while head.i in group and head.head.i != head.i:
            head = head.head
        if (
            head.i not in group
            and token.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod"}
            and head.pos_ in {"NOUN", "PROPN"}
            and head.lower_ not in lx.VAGUE_PLURALS
        ):
            return head
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [grand for grand in child.children if grand.dep_ == "pobj"]
                if objects and objects[0].pos_ in {"NOUN", "PROPN"}:
                    return objects[0]
    return None


def _unit_of(noun: Token) -> str:
    if noun.tag_ == "NNPS" and noun.lower_.endswith("s"):
        return noun.lower_[:-1]
    return noun.lemma_.lower()


def _predicate_of(anchor: Token) -> Token | None:
    """The verb (or event noun) whose outcome a number counts: "killed" in "killed 92 people"."""
    for child in anchor.children:
        if child.dep_ in {"amod", "acl", "relcl"} and child.lemma_.lower() in lx.PREDICATE_CLASSES:
            return child
    node = anchor
    first_verb: Token | None = None
    for _ in range(5):
        lemma = node.lemma_.lower()
        if node is not anchor and lemma in lx.PREDICATE_CLASSES:
            return node
        if node.pos_ == "VERB" and lemma not in lx.LIGHT_VERBS and first_verb is None:
            first_verb = node
        if node.head.i == node.i:
            break
        node = node.head
    return first_verb


def _quantity_slots(doc: Doc, blocked: set[int], sentence_of: dict[int, int]) -> list[SlotInfo]:
    infos: list[SlotInfo] = []
    i = 0
    while i < len(doc):
        if i in blocked or not _is_number_token(doc[i]):
            i += 1
            continue
        start, end = i, i + 1
        while end < len(doc) and end not in blocked and _is_number_token(doc[end]):
            end += 1
        i = end
        infos.append(_quantity(doc, start, end, sentence_of))
    return infos


def _quantity(doc: Doc, start: int, end: int, sentence_of: dict[int, int]) -> SlotInfo:
    tokens = list(doc[start:end])
    vague = len(tokens) == 1 and tokens[0].lower_ in lx.VAGUE_PLURALS
    if start > 0 and doc[start - 1].lower_ in {"a", "an"} and tokens[0].lower_ in {*lx.SCALE_WORDS, "dozen"}:
        start -= 1
    value = float(lx.VAGUE_PLURALS[tokens[0].lower_]) if vague else parse_number([t.lower_ for t in tokens])
    unit: str | None = None
    before = doc[start - 1] if start > 0 else None
    symbol = before is not None and before.text in lx.CURRENCY_SYMBOLS
    qualifier, text_start = _qualifier_before(doc, start - 1 if symbol else start)
    if qualifier is None:
        qualifier = "at_least" if vague else "exact"
    if symbol and text_start == start:
        text_start = start - 1
    text_end = end
    after = doc[end] if end < len(doc) else None
    if after is not None and (after.text in lx.PERCENT_WORDS or after.lower_ in lx.PERCENT_WORDS):
        unit, text_end = "%", end + 1
    elif after is not None and after.lower_ == "times":
        unit, text_end = "times", end + 1
    elif symbol and before is not None:
        unit = lx.CURRENCY_SYMBOLS[before.text]
    elif after is not None and after.lemma_.lower() in lx.CURRENCY_WORDS:
        unit, text_end = lx.CURRENCY_WORDS[after.lemma_.lower()], end + 1
    noun = _counted_noun(doc, start, end)
    if unit is None and noun is not None:
        unit = _unit_of(noun)
    anchor = noun if noun is not None else doc[end - 1]
    predicate = _predicate_of(anchor)
    phrase_end = max(text_end, noun.i + 1) if noun is not None and noun.i >= end else text_end
    phrase = doc[text_start:phrase_end].text
    if predicate is not None and not (text_start <= predicate.i < phrase_end):
        phrase = f"{phrase} {predicate.text}" if predicate.i > start else f"{predicate.text} {phrase}"
    slot = _span_slot(
        doc,
        text_start,
        text_end,
        "quantity",
        normalized=f"{qualifier} {value:g} {unit or ''}".strip(),
        value=value,
        unit=unit,
        qualifier=qualifier,
    )
    lemma = predicate.lemma_.lower() if predicate is not None else None
    return SlotInfo(slot=slot, sentence=sentence_of[start], predicate=lemma, phrase=phrase)


# ---------------------------------------------------------------- dates


def _date_slots(ent: Span, sentence_of: dict[int, int], reference: date | None) -> list[SlotInfo]:
    doc = ent.doc
    sentence = sentence_of[ent.start]
    lowers = [token.lower_ for token in ent]
    infos: list[SlotInfo] = []
    future = _looks_future(ent)
    calendar_tokens: list[Token] = []
    for token in ent:
        if token.lower_ in lx.WEEKDAYS:
            weekday = token.lower_
            slot = _span_slot(doc, token.i, token.i + 1, "weekday", normalized=weekday)
            infos.append(
                SlotInfo(slot=slot, sentence=sentence, phrase=_with_preposition(doc, token.i, token.i + 1))
            )
            if reference is not None:
                on_date = _resolve_weekday(weekday, reference, future)
                derived = _span_slot(doc, token.i, token.i + 1, "date", normalized=on_date.isoformat())
                infos.append(SlotInfo(slot=derived, sentence=sentence, phrase=slot.text, derived=True))
        elif token.pos_ != "PUNCT" and token.lower_ not in {"'s", "’s", "the", "on", "of"}:
            calendar_tokens.append(token)
    relative = any(word in lx.RELATIVE_TIME_WORDS for word in lowers)
    normalized = None if relative else _calendar_date(ent.text, calendar_tokens, reference, future)
    if normalized is not None:
        first, last = calendar_tokens[0].i, calendar_tokens[-1].i + 1
        slot = _span_slot(doc, first, last, "date", normalized=normalized)
        infos.append(
            SlotInfo(slot=slot, sentence=sentence, phrase=_with_preposition(doc, ent.start, ent.end))
        )
    anchor = doc[ent.start - 1] if ent.start > 0 else None
    if relative or (anchor is not None and anchor.lower_ in lx.RELATIVE_ANCHORS and normalized is not None):
        start = ent.start
        resolved = _resolve_relative(lowers, reference) if relative else normalized
        if anchor is not None and anchor.lower_ in lx.RELATIVE_ANCHORS:
            start -= 1
            resolved = f"{anchor.lower_} {resolved or ent.text.lower()}"
        slot = _span_slot(doc, start, ent.end, "relative_time", normalized=resolved or ent.text.lower())
        infos.append(SlotInfo(slot=slot, sentence=sentence, phrase=doc[start : ent.end].text))
    return infos


def _with_preposition(doc: Doc, start: int, end: int) -> str:
    """The slot with determiners, region words and preposition: "on the Mawasi school", "in southern Gaza"."""
    first = start
    while first > 0 and doc[first - 1].lower_ in {"the", "a", "an", *lx.DIRECTION_WORDS}:
        first -= 1
    if first > 0 and doc[first - 1].pos_ == "ADP":
        first -= 1
    return doc[first:end].text


def _looks_future(ent: Span) -> bool:
    sent = ent.sent
    return any(token.lower_ in lx.FUTURE_MARKERS for token in sent)


def _resolve_weekday(weekday: str, reference: date, future: bool) -> date:
    target = lx.WEEKDAYS.index(weekday)
    if future:
        return reference + timedelta(days=(target - reference.weekday()) % 7)
    return reference - timedelta(days=(reference.weekday() - target) % 7)


def _calendar_date(text: str, tokens: list[Token], reference: date | None, future: bool) -> str | None:
    """ISO text at the granularity written: "2024-08-10", "2024-08", "2024"; "XXXX-06" without a year."""
    if not tokens:
        return None
    compact = text.strip()
    if _ISO_DATE.match(compact):
        return compact
    if _NUMERIC_DATE.match(compact):
        return _dateparser_fallback(compact)
    year: int | None = None
    month: int | None = None
    day: int | None = None
    for token in tokens:
        lower = token.lower_.rstrip(".")
        iso = _ISO_DATE.match(lower)
        if iso:
            year, month = int(iso.group(1)), int(iso.group(2))
            day = int(iso.group(3)) if iso.group(3) else None
        elif _YEAR.match(lower):
            year = int(lower)
        elif lower in lx.MONTHS and (token.pos_ == "PROPN" or token.text[:1].isupper()):
            month = lx.MONTHS[lower]
        elif _DAY.match(lower) and 1 <= int(_DAY.match(lower).group(1)) <= 31:  # type: ignore[union-attr]
            day = int(_DAY.match(lower).group(1))  # type: ignore[union-attr]
        elif lower in _DURATION_NOUNS or lower.rstrip("s") in _DURATION_NOUNS:
            return None
    if year is None and month is None:
        return _dateparser_fallback(" ".join(token.text for token in tokens))
    if month is None:
        return f"{year:04d}"
    if year is None and reference is not None:
        year = reference.year
        if future and month < reference.month:
            year += 1
        elif not future and month > reference.month:
            year -= 1
    year_text = f"{year:04d}" if year is not None else "XXXX"
    if day is None:
        return f"{year_text}-{month:02d}"
    return f"{year_text}-{month:02d}-{day:02d}"


def _dateparser_fallback(text: str) -> str | None:
    """Numeric forms ("10/08/2024") the lexicon does not cover; day-first, as in most of the world's press."""
    if not _NUMERIC_DATE.match(text):
        return None
    from dateparser.date import DateDataParser

    data = DateDataParser(languages=["en"], settings={"DATE_ORDER": "DMY"}).get_date_data(text)
    if data.date_obj is None:
        return None
    if data.period == "year":
        return f"{data.date_obj.year:04d}"
    if data.period == "month":
        return data.date_obj.strftime("%Y-%m")
    return data.date_obj.date().isoformat()


def _resolve_relative(words: list[str], reference: date | None) -> str | None:
    if reference is None:
        return None
    text = " ".join(words)
    if "yesterday" in words:
        return (reference - timedelta(days=1)).isoformat()
    if "today" in words or "tonight" in words:
        return reference.isoformat()
    if "tomorrow" in words:
        return (reference + timedelta(days=1)).isoformat()
    shift = (
        -1 if ("last" in words or "previous" in words) else 1 if ("next" in words or "coming" in words) else 0
    )
    if "month" in words:
        month_index = reference.year * 12 + reference.month - 1 + shift
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    if "year" in words:
        return f"{reference.year + shift:04d}"
    if "week" in words:
        year, week, _ = (reference + timedelta(weeks=shift)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    ago = re.match(r"^(\w+) (day|week|month|year)s? ago$", text)
    if ago and ago.group(1) in lx.UNITS_WORDS | {str(n): n for n in range(1, 100)}:
        count = lx.UNITS_WORDS.get(ago.group(1)) or int(ago.group(1))
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[ago.group(2)] * count
        return (reference - timedelta(days=days)).isoformat()
    return None


# ---------------------------------------------------------------- named things


_ENT_KINDS: dict[str, SlotKind] = {
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "PERSON": "person",
    "ORG": "organization",
    "EVENT": "event",
}


def _entity_slots(doc: Doc, sentence_of: dict[int, int]) -> list[SlotInfo]:
    infos: list[SlotInfo] = []
    covered: set[int] = set()
    for ent in doc.ents:
        kind = _ENT_KINDS.get(ent.label_)
        if kind is None:
            continue
        start, end = ent.start, ent.end
        head_noun = _modified_noun(ent.root)
        if kind != "event" and head_noun is not None and head_noun.lemma_.lower() in lx.PLACE_NOUNS:
            kind, end = "place", head_noun.i + 1
        elif kind != "event" and head_noun is not None and head_noun.lemma_.lower() in lx.EVENT_NOUNS:
            infos.append(_named(doc, start, head_noun.i + 1, "event", sentence_of))
        elif kind == "person" and start > 0 and doc[start - 1].lower_ in {"in", "near", "outside", "across"}:
            kind = "place"
        start = _strip_determiners(doc, start, end)
        if start >= end:
            continue
        covered.update(range(start, end))
        infos.append(_named(doc, start, end, kind, sentence_of))
    infos.extend(_unlabelled_places(doc, covered, sentence_of))
    return infos


def _modified_noun(root: Token) -> Token | None:
    """The common noun a name modifies: "school" in "the Al-Mawasi school", "talks" in "Gaza truce talks"."""
    node = root
    noun: Token | None = None
    while node.dep_ == "compound" and node.head.i != node.i:
        node = node.head
        if node.pos_ == "NOUN":
            noun = node
    return noun


def _strip_determiners(doc: Doc, start: int, end: int) -> int:
    while start < end and doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    return start


def _named(doc: Doc, start: int, end: int, kind: SlotKind, sentence_of: dict[int, int]) -> SlotInfo:
    span = doc[start:end]
    text = span.text
    if len(span) > 1 and span[-1].lower_ in {"'s", "’s"}:
        span = doc[start : end - 1]
    slot = Slot(
        kind=kind, text=span.text, start=span.start_char, end=span.end_char, normalized=normalize_name(text)
    )
    phrase = _with_preposition(doc, start, end) if kind == "place" else span.text
    return SlotInfo(slot=slot, sentence=sentence_of[start], phrase=phrase)


def _unlabelled_places(doc: Doc, covered: set[int], sentence_of: dict[int, int]) -> list[SlotInfo]:
    """Capitalised names the NER missed that modify a place noun: "Shati camp", "Nasser hospital"."""
    infos: list[SlotInfo] = []
    for token in doc:
        if token.lemma_.lower() not in lx.PLACE_NOUNS or token.pos_ != "NOUN" or token.i in covered:
            continue
        modifiers = [
            child
            for child in token.children
            if child.i < token.i and child.dep_ == "compound" and child.pos_ == "PROPN"
        ]
        if not modifiers or any(child.i in covered for child in modifiers):
            continue
        start = min(child.left_edge.i for child in modifiers)
        infos.append(_named(doc, start, token.i + 1, "place", sentence_of))
    return infos


# ---------------------------------------------------------------- negation


def _negation_slots(doc: Doc, sentence_of: dict[int, int]) -> list[SlotInfo]:
    infos: list[SlotInfo] = []
    for token in doc:
        lower = token.lower_
        lemma = token.lemma_.lower()
        target: Token | None = None
        if token.dep_ == "neg" or (lower in {"never", "no"} and token.dep_ in {"neg", "det", "advmod"}):
            target = token.head
        elif lemma in lx.NEGATING_VERBS and token.pos_ == "VERB":
            target = next(
                (
                    child
                    for child in token.children
                    if child.dep_ in {"xcomp", "ccomp"} and 0 < child.i - token.i <= 3
                ),
                token,
            )
        elif token.pos_ == "VERB" and any(
            (lemma, child.lower_) in lx.NEGATING_PARTICLE_VERBS
            for child in token.children
            if child.dep_ == "prt"
        ):
            target = next(
                (child for child in token.children if child.dep_ in {"xcomp", "pcomp", "advcl", "dobj"}),
                token,
            )
        if target is None:
            continue
        slot = Slot(
            kind="negation",
            text=token.text if target is token else _negation_text(doc, token, target),
            start=min(token.idx, target.idx) if target is not token else token.idx,
            end=max(token.idx + len(token.text), target.idx + len(target.text)),
            normalized=target.lemma_.lower(),
        )
        infos.append(SlotInfo(slot=slot, sentence=sentence_of[token.i], phrase=slot.text))
    return infos


def _negation_text(doc: Doc, cue: Token, target: Token) -> str:
    first, last = min(cue.i, target.i), max(cue.i, target.i)
    return doc[first : last + 1].text
