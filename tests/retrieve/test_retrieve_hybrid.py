"""Hybrid, BM25 and dense retrieval over a small store; rank fusion; the date window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from veracity.errors import ConfigError, StoreError
from veracity.resources import Resources
from veracity.retrieve import RETRIEVERS, StoreRetriever, claim_query, date_window, reciprocal_rank_fusion
from veracity.store import Store
from veracity.types import Claim, Document, Slot

DOCS = [
    Document(
        doc_id="tabiin",
        source="news",
        text="An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on 10 August "
        "2024.",
        published=date(2024, 8, 11),
    ),
    Document(
        doc_id="doha",
        source="news",
        text="Hamas did not take part in the Doha ceasefire talks on 15 August 2024. "
        "Israel sent a delegation.",
        published=date(2024, 8, 16),
    ),
    Document(
        doc_id="history",
        source="encyclopedia",
        text="Hamas has controlled the Gaza Strip since 2007, after fighting with Fatah.",
    ),
    Document(
        doc_id="old-strike",
        source="archive",
        text="A strike on a school in Gaza killed 15 people in 2014.",
        published=date(2014, 7, 30),
    ),
    Document(doc_id="weather", source="news", text="Heavy rain is expected in Lisbon over the weekend."),
]


@pytest.fixture
def store(tmp_path: Path, embedder) -> Store:
    with Store.open(tmp_path / "s", create=True) as writer:
        writer.add_documents(DOCS, embedder)
    opened = Store.open(tmp_path / "s", read_only=True)
    yield opened
    opened.close()


@pytest.fixture
def resources(embedder) -> Resources:
    resources = Resources(embedder=embedder.name)
    resources.__dict__["embedder"] = embedder  # stands in for the cached model
    return resources


def claim(text: str, slots: list[Slot] | None = None) -> Claim:
    return Claim(id="c1", text=text, start=0, end=len(text), sentence=text, slots=slots or [])


def test_rrf_rewards_agreement_between_rankings() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_claim_query_adds_entity_slots() -> None:
    text = "The group skipped the talks."
    slots = [
        Slot(kind="organization", text="Hamas", start=0, end=5),
        Slot(kind="negation", text="not", start=0, end=3),
    ]
    assert claim_query(claim(text, slots)) == "The group skipped the talks. Hamas"


def test_date_window() -> None:
    assert date_window(None, 30) is None
    assert date_window(date(2024, 8, 15), None) is None
    assert date_window(date(2024, 8, 15), 5) == (date(2024, 8, 10), date(2024, 8, 20))


@pytest.mark.parametrize("name", ["hybrid", "bm25", "dense"])
def test_each_retriever_finds_the_relevant_passage(store: Store, resources: Resources, name: str) -> None:
    retriever = RETRIEVERS.create(name, store=store, resources=resources)
    passages = retriever.retrieve(claim("Hamas did not attend the Doha ceasefire talks."), k=2)
    assert passages[0].doc_id == "doha"
    assert passages[0].retrieval_score > 0
    assert passages == sorted(passages, key=lambda p: p.retrieval_score, reverse=True)


def test_date_window_keeps_undated_and_nearby_documents(store: Store, resources: Resources) -> None:
    retriever = RETRIEVERS.create("hybrid", store=store, resources=resources, window_days=30)
    query = claim("A strike on a school in Gaza killed people; Hamas has controlled Gaza.")
    around = {p.doc_id for p in retriever.retrieve(query, k=10, around=date(2024, 8, 15))}
    assert "old-strike" not in around
    assert {"tabiin", "history"} <= around
    unwindowed = {p.doc_id for p in retriever.retrieve(query, k=10)}
    assert "old-strike" in unwindowed


def test_retrieve_many_matches_single_calls_and_embeds_once(
    store: Store, resources: Resources, embedder
) -> None:
    retriever = StoreRetriever(store, resources)
    claims = [claim("Hamas controls the Gaza Strip since 2007."), claim("Rain is forecast in Lisbon.")]
    calls = embedder.calls
    many = retriever.retrieve_many(claims, k=3)
    assert embedder.calls == calls + 1
    assert many == [retriever.retrieve(item, k=3) for item in claims]
    assert many[1][0].doc_id == "weather"


def test_hostile_claim_text_does_not_break_keyword_search(store: Store, resources: Resources) -> None:
    retriever = RETRIEVERS.create("bm25", store=store, resources=resources)
    assert retriever.retrieve(claim('Hamas "NOT" (Doha AND NEAR talks*) : ^'), k=3)[0].doc_id == "doha"
    assert retriever.retrieve(claim("the of and"), k=3) == []


def test_mismatched_embedder_is_a_store_error(store: Store) -> None:
    other = Resources(embedder="minilm-int8")
    retriever = RETRIEVERS.create("dense", store=store, resources=other)
    with pytest.raises(StoreError, match="indexed with embedder 'test-hashing'"):
        retriever.retrieve(claim("anything"), k=3)


def test_bad_options_are_config_errors(store: Store, resources: Resources) -> None:
    with pytest.raises(ConfigError):
        RETRIEVERS.create("semantic", store=store, resources=resources)
    with pytest.raises(ConfigError):
        StoreRetriever(store, resources, window_days=-1)


@pytest.mark.slow
def test_dense_search_with_the_real_model_finds_paraphrases(tmp_path: Path) -> None:
    resources = Resources()
    with Store.open(tmp_path / "real", create=True) as writer:
        writer.add_documents(DOCS, resources.embedder)
    with Store.open(tmp_path / "real", read_only=True) as reader:
        retriever = RETRIEVERS.create("dense", store=reader, resources=resources)
        passages = retriever.retrieve(claim("The militant group has ruled the territory for years."), k=1)
        assert passages[0].doc_id == "history"
        hybrid = RETRIEVERS.create("hybrid", store=reader, resources=resources)
        found = hybrid.retrieve(claim("Dozens died when a school in Gaza City was bombed in August."), k=2)
        assert found[0].doc_id == "tabiin"
