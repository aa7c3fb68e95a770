"""Free text never becomes an FTS5 syntax error, whatever operators or quotes it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.store import Store, match_expression, query_terms
from veracity.store.fts import affordable_terms
from veracity.types import Document

HOSTILE = [  # (query, whether it shares a word with the stored passage)
    ('He said "no deal" and left', True),
    ("NOT AND OR NEAR(a b)", False),
    ("col:value ^start * + - (unbalanced", False),
    ('"""', False),
    ("'; DROP TABLE passages; --", False),
    ("al-Mawasi school: 2,300 killed?", True),
    ("emoji 🙂 and ünïcödé cafe", True),
    ("a", False),
    ("", False),
    ("NEAR/3 {x y} [z] killed", True),
]


def test_terms_drop_stop_words_and_keep_numbers() -> None:
    assert query_terms("The strike on the al-Mawasi school killed 92 people") == [
        "strike",
        "al",
        "mawasi",
        "school",
        "killed",
        "92",
        "people",
    ]
    assert match_expression("the of and") is None


@pytest.mark.parametrize(("query", "matches"), HOSTILE)
def test_hostile_queries_search_without_error(tmp_path: Path, embedder, query: str, matches: bool) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents(
            [
                Document(
                    doc_id="d", source="s", text='He said "no deal" at the al-Mawasi café; 2,300 were killed.'
                )
            ],
            embedder,
        )
        assert bool(store.search_bm25(query, 5)) is matches


def test_operator_words_are_searched_as_words(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents([Document(doc_id="d", source="s", text="They met near the border.")], embedder)
        assert store.search_bm25("NEAR", 5)
        assert store.search_bm25('"border"', 5)
        assert store.search_bm25("café borders", 5)  # porter stemming


def test_affordable_terms_keep_the_rarest_within_the_budget() -> None:
    terms = ["year", "hamas", "doha", "film", "absent"]
    postings = [90_000, 120, 40, 60_000, 0]
    assert affordable_terms(terms, postings, budget=1_000) == ["hamas", "doha"]
    assert affordable_terms(terms, postings, budget=100_000) == ["hamas", "doha", "film"]
    assert affordable_terms(["film", "year"], [60_000, 90_000], budget=10) == ["film", "year"]  # min_terms
    assert affordable_terms(["absent"], [0]) == []


def test_postings_count_stemmed_words_as_fts5_does(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents(
            [
                Document(doc_id="a", source="t", text="Visitors crowded the harbour."),
                Document(doc_id="b", source="t", text="A visitor left the harbour at noon."),
            ],
            embedder,
        )
        assert store._postings(["visitors", "harbour", "noon", "glacier"]) == [2, 2, 1, 0]
        assert store.search_bm25("glacier", 5) == []
