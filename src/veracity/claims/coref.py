"""Light rule-based coreference: links pronouns and definite descriptions to the entity the article means.

It follows the salience heuristics of classic resolvers (recency, subjecthood, repeated mention) over spaCy's
named entities and noun phrases. It is deliberately conservative: a mention it cannot resolve keeps its text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from veracity.claims.sentences import Sentence

NAMED_KINDS = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "event",
}
PRONOUN_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("he", "him", "his", "she", "her", "hers"), frozenset({"person"})),
    **dict.fromkeys(("it", "its"), frozenset({"org", "place", "event"})),
    **dict.fromkeys(("they", "them", "their"), frozenset({"org"})),
}
GROUP_NOUNS = frozenset(
    {
        "group",
        "militants",
        "movement",
        "organisation",
        "organization",
        "faction",
        "militia",
        "insurgents",
        "rebels",
        "company",
        "firm",
    }
)
ROLE_NOUNS = frozenset(
    {
        "official",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "representative",
        "minister",
        "diplomat",
        "negotiator",
        "leader",
        "commander",
        "officer",
        "president",
        "chief",
        "director",
        "ambassador",
        "envoy",
        "mediator",
        "lawmaker",
        "senator",
        "adviser",
        "advisor",
        "aide",
        "analyst",
        "expert",
        "witness",
        "resident",
        "doctor",
        "prosecutor",
        "judge",
        "lawyer",
        "general",
        "mayor",
        "governor",
        "secretary",
        "chairman",
        "chairwoman",
        "executive",
        "founder",
        "researcher",
        "scientist",
        "professor",
        "survivor",
        "suspect",
        "source",
        "activist",
        "journalist",
        "reporter",
        "economist",
        "candidate",
        "premier",
    }
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
TITLE_DEPS = frozenset({"pobj", "prep", "nmod", "compound"})
PRONOUN_WINDOW = 2
DESCRIPTION_WINDOW = 10
THING_WINDOW = 3
PROXIMITY_BONUS = 0.6
MAX_COUNTED_MENTIONS = 8
GROUP_WINDOW = 6
MAX_DESCRIPTION_TOKENS = 12


@dataclass
class Entity:
    """A discourse entity with the salience figures the resolver ranks antecedents by."""

    id: int
    kind: str
    name: str
    roles: set[str] = field(default_factory=set)
    mentions: int = 0
    last_sentence: int = -1
    last_token: int = -1
    last_subject: bool = False


@dataclass(frozen=True)
class Mention:
    """Tokens [start, end) of the Doc that refer to `entity`; `replaceable` ones read as the entity's name."""

    start: int
    end: int
    head: int
    entity: int
    replaceable: bool
    possessive: bool = False
    modifier: bool = False  # "Hamas" in "a Hamas official" names the entity only in passing


class Coreference:
    """Mentions found in a Doc, looked up by their first token or their head token."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self._by_start: dict[int, list[Mention]] = {}
        self._by_head: dict[int, Mention] = {}

    def add(self, mention: Mention) -> None:
        self._by_start.setdefault(mention.start, []).append(mention)
        self._by_head.setdefault(mention.head, mention)

    def starting_at(self, token_index: int) -> list[Mention]:
        return sorted(self._by_start.get(token_index, []), key=lambda m: m.start - m.end)

    def at_head(self, token_index: int) -> Mention | None:
        return self._by_head.get(token_index)

    def name(self, entity_id: int) -> str:
        return self.entities[entity_id].name

    def replacement(self, mention: Mention) -> str:
        name = self.name(mention.entity)
        return f"{name}'s" if mention.possessive else name


def resolve_coreference(doc: Doc, sentences: Sequence[Sentence]) -> Coreference:
    """Walk the article in order, resolving each mention against the entities introduced before it."""
    resolver = _Resolver(doc)
    for sentence in sentences:
        resolver.sentence(sentence)
    return resolver.coref


class _Resolver:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.coref = Coreference()
        self.sentence_index = 0

    def sentence(self, sentence: Sentence) -> None:
        self.sentence_index = sentence.index
        events: list[tuple[int, str, Span | Token]] = []
        for ent in sentence.span.ents:
            if ent.label_ in NAMED_KINDS and not _inside_title(ent):
                events.append((ent.start, "named", ent))
        for token in sentence.span:
            if token.pos_ == "PRON" and token.lower_ in PRONOUN_KINDS:
                events.append((token.i, "pronoun", token))
            elif (
                token.pos_ == "NOUN"
                and not token.ent_type_
                and token.dep_ not in ("compound", "appos", "attr")
            ):
                lemma = token.lemma_.lower()
                if lemma in ROLE_NOUNS or lemma in GROUP_NOUNS or token.lower_ in GROUP_NOUNS:
                    events.append((token.left_edge.i, "description", token))
                else:
                    events.append((token.left_edge.i, "thing", token))
        for _, kind, item in sorted(events, key=lambda event: event[0]):
            if kind == "named" and isinstance(item, Span):
                self._named(item)
            elif kind == "pronoun" and isinstance(item, Token):
                self._pronoun(item)
            elif kind == "thing" and isinstance(item, Token):
                self._thing(item)
            elif isinstance(item, Token):
                self._description(item)

    def _named(self, ent: Span) -> None:
        kind = NAMED_KINDS[ent.label_]
        entity = self._find_named(ent, kind)
        if entity is None:
            name = ent.text
            if kind in ("org", "place") and ent.start > 0 and self.doc[ent.start - 1].lower_ == "the":
                name = f"the {name}"
            entity = self._new(kind, name)
        elif kind == "person" and len(ent.text) > len(entity.name):
            entity.name = ent.text
        entity.roles |= _roles_of(ent)
        modifier = ent.root.dep_ == "compound"
        shortened = kind == "person" and ent.text != entity.name
        self._mention(entity, ent.start, ent.end, ent.root, replaceable=shortened, modifier=modifier)

    def _find_named(self, ent: Span, kind: str) -> Entity | None:
        key = ent.text.lower()
        for entity in reversed(self.coref.entities):
            if entity.kind != kind:
                continue
            name = entity.name.lower().removeprefix("the ")
            if name == key:
                return entity
            if kind == "person" and name.split()[-1] == key.split()[-1]:
                return entity
        return None

    def _description(self, noun: Token) -> None:
        determiner = next((child.lower_ for child in noun.children if child.dep_ in ("det", "poss")), None)
        lemma = noun.lemma_.lower()
        is_group = lemma in GROUP_NOUNS or noun.lower_ in GROUP_NOUNS
        start = noun.left_edge.i
        if any(child.dep_ == "prep" and child.lower_ == "of" for child in noun.children) and is_group:
            return
        if determiner in ("a", "an") and not is_group and noun.tag_ == "NN":
            entity = self._new("person", _description_text(noun), roles={lemma})
            self._mention(entity, start, noun.i + 1, noun, replaceable=False)
            return
        if determiner not in ("the", "this", "that"):
            return
        if is_group:
            antecedent = self._best({"org"}, noun, GROUP_WINDOW)
        else:
            antecedent = self._best({"person"}, noun, DESCRIPTION_WINDOW, role=lemma)
        if antecedent is None:
            return
        text = self.doc[start : noun.i + 1].text
        replaceable = antecedent.name.lower() != text.lower()
        self._mention(antecedent, start, noun.i + 1, noun, replaceable=replaceable)

    def _thing(self, noun: Token) -> None:
        """A bare definite noun means the owned one mentioned before: "Hamas's proposal ... The proposal"."""
        lemma = noun.lemma_.lower()
        lefts = [child for child in noun.lefts]
        owner = next(
            (child for child in lefts if child.dep_ == "poss" and child.ent_type_ in NAMED_KINDS), None
        )
        if owner is not None:
            start = noun.left_edge.i
            entity = self._new("thing", self.doc[start : noun.i + 1].text, roles={lemma})
            self._mention(entity, start, noun.i + 1, noun, replaceable=False)
            return
        if [child.lower_ for child in lefts] != ["the"] or noun.tag_ != "NN":
            return
        found = self._best({"thing"}, noun, THING_WINDOW, role=lemma)
        if found is not None:
            self._mention(found, noun.i - 1, noun.i + 1, noun, replaceable=True)

    def _pronoun(self, pronoun: Token) -> None:
        kinds = PRONOUN_KINDS[pronoun.lower_]
        possessive = pronoun.tag_ == "PRP$"
        excluded = set() if possessive else self._coarguments(pronoun)
        entity = self._best(kinds, pronoun, PRONOUN_WINDOW, excluded=excluded, prefer_nearest=True)
        if entity is not None:
            self._mention(entity, pronoun.i, pronoun.i + 1, pronoun, replaceable=True, possessive=possessive)

    def _coarguments(self, pronoun: Token) -> set[int]:
        """Entities a non-reflexive pronoun cannot mean: the subject of its own clause ("X took it")."""
        verb = pronoun.head
        for _ in range(4):
            subjects = [child for child in verb.children if child.dep_ in SUBJECT_DEPS and child != pronoun]
            if subjects:
                found = (self.coref.at_head(subject.i) for subject in subjects)
                return {mention.entity for mention in found if mention is not None}
            if verb.dep_ == "ROOT":
                break
            verb = verb.head
        return set()

    def _best(
        self,
        kinds: set[str] | frozenset[str],
        anchor: Token,
        window: int,
        *,
        role: str | None = None,
        excluded: set[int] | None = None,
        prefer_nearest: bool = False,
    ) -> Entity | None:
        """Rank entities by recency, subjecthood and repetition; pronouns also favour the nearest."""
        candidates = [
            entity
            for entity in self.coref.entities
            if entity.kind in kinds
            and entity.last_token < anchor.i
            and not (excluded and entity.id in excluded)
            and (role is None or role in entity.roles)
            and self.sentence_index - entity.last_sentence <= window
        ]
        if not candidates:
            return None
        nearest = max(candidates, key=lambda entity: entity.last_token)

        def salience(entity: Entity) -> float:
            distance = self.sentence_index - entity.last_sentence
            repetition = math.log1p(min(entity.mentions, MAX_COUNTED_MENTIONS))
            score = 1.0 / (1 + distance) + 0.5 * entity.last_subject + 0.3 * repetition
            if prefer_nearest and entity is nearest and distance == 0:
                score += PROXIMITY_BONUS
            return score + 1e-6 * entity.last_token

        return max(candidates, key=salience)

    def _new(self, kind: str, name: str, roles: set[str] | None = None) -> Entity:
        entity = Entity(id=len(self.coref.entities), kind=kind, name=name, roles=set(roles or ()))
        self.coref.entities.append(entity)
        return entity

    def _mention(
        self,
        entity: Entity,
        start: int,
        end: int,
        head: Token,
        *,
        replaceable: bool,
        possessive: bool = False,
        modifier: bool = False,
    ) -> None:
        entity.mentions += 1
        entity.last_sentence = self.sentence_index
        entity.last_token = head.i
        entity.last_subject = head.dep_ in SUBJECT_DEPS
        self.coref.add(Mention(start, end, head.i, entity.id, replaceable, possessive, modifier))


def _inside_title(ent: Span) -> bool:
    """Tell a title's words ("State" in "US Secretary of State Antony Blinken") from real mentions."""
    if ent.label_ == "PERSON":
        return False
    token = ent.root
    for _ in range(3):
        if token.dep_ not in TITLE_DEPS or token.head == token:
            return False
        token = token.head
        if token.ent_type_ == "PERSON":
            return True
    return False


def _roles_of(ent: Span) -> set[str]:
    """Role nouns that describe a named person: appositions and titles ("Hamas leader Yahya Sinwar")."""
    if ent.label_ != "PERSON":
        return set()
    roles = {child.lemma_.lower() for child in ent.root.children if child.dep_ == "appos"}
    if ent.root.dep_ == "appos":
        roles.add(ent.root.head.lemma_.lower())
    doc = ent.doc
    for index in range(max(ent.start - 4, 0), ent.start):
        token = doc[index]
        if token.pos_ in ("NOUN", "PROPN") and not token.ent_type_ and ent.start <= token.head.i < ent.end:
            roles.add(token.lemma_.lower())
    return roles


def _description_text(noun: Token) -> str:
    """The noun with its modifiers ("an official briefed on the talks"), without clauses adding claims."""
    dropped: set[int] = set()
    for child in noun.children:
        if child.dep_ in ("relcl", "appos", "punct", "conj", "cc"):
            dropped |= {t.i for t in child.subtree}
    tokens = [t for t in noun.subtree if t.i not in dropped]
    if len(tokens) > MAX_DESCRIPTION_TOKENS:
        tokens = [t for t in noun.subtree if t.i <= noun.i and t.i not in dropped]
    text = "".join(t.text_with_ws for t in tokens).strip()
    if tokens[0].dep_ == "det":
        text = text[0].lower() + text[1:]
    return text
