"""Indexing files and documents: incremental updates, duplicates, removals, errors and searches."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from veracity.errors import InputError, StoreError
from veracity.store import IndexResult, Store
from veracity.store.store import DENSE_CACHE_NAME
from veracity.types import Document

BRIDGE = (
    "The Golden Gate Bridge opened to traffic in May 1937. It spans the strait between San Francisco Bay and "
    "the Pacific Ocean. Its main span is 1,280 metres long.\n\nThe bridge is painted international orange."
)
VOLCANO = (
    "Mount Vesuvius erupted in the year 79 and buried Pompeii under ash. The volcano last erupted in 1944, "
    "during the Second World War."
)


def write(path: Path, text: str, *, mtime_shift: float = 0.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime_shift:
        stat = path.stat()
        os.utime(path, (stat.st_atime, stat.st_mtime + mtime_shift))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root / "bridge.txt", BRIDGE)
    write(root / "nested" / "volcano.md", VOLCANO)
    records = [
        {"id": "r1", "text": "Hamas has governed the Gaza Strip since 2007.", "published": "2024-08-10"},
        {"id": "r2", "text": "The harvest festival draws thousands of visitors.", "title": "Festival"},
    ]
    write(root / "news.jsonl", "\n".join(json.dumps(record) for record in records) + "\n")
    write(root / ".hidden" / "secret.txt", "Never indexed: hidden folders are skipped.")
    write(root / "notes.csv", "not,a,supported,format")
    return root


def test_index_folder_then_skip_unchanged(tmp_path: Path, corpus: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        first = store.index_paths([corpus], embedder, progress=False)
        assert (first.added, first.files, first.errors) == (4, 3, [])
        assert first.passages_added == store.stats()["passages"] >= 4
        calls = embedder.calls
        second = store.index_paths([corpus], embedder, progress=False)
        assert (second.added, second.updated, second.unchanged, second.removed) == (0, 0, 4, 0)
        assert embedder.calls == calls  # nothing re-embedded
        sources = {p.source for p in store.get_passages(range(1, 100))}
    assert not any("secret" in source or "notes.csv" in source for source in sources)


def test_touched_but_identical_file_is_unchanged(tmp_path: Path, corpus: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.index_paths([corpus], embedder, progress=False)
        write(corpus / "bridge.txt", BRIDGE, mtime_shift=100)
        result = store.index_paths([corpus], embedder, progress=False)
        assert (result.unchanged, result.updated, result.added) == (4, 0, 0)


def test_changed_file_replaces_its_passages(tmp_path: Path, corpus: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.index_paths([corpus], embedder, progress=False)
        generation = store.generation
        write(
            corpus / "bridge.txt",
            "The bridge was repainted in 2020 at a cost of 5 million dollars.",
            mtime_shift=5,
        )
        result = store.index_paths([corpus], embedder, progress=False)
        assert (result.updated, result.added, result.removed, result.unchanged) == (1, 0, 0, 3)
        assert store.generation > generation
        assert store.search_bm25("Pacific Ocean strait", 5) == []
        hits = store.search_bm25("repainted", 5)
        assert [p.text for p in store.get_passages([i for i, _ in hits])] == [
            "The bridge was repainted in 2020 at a cost of 5 million dollars."
        ]


def test_deleted_file_is_removed_and_remove_paths(tmp_path: Path, corpus: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.index_paths([corpus], embedder, progress=False)
        (corpus / "nested" / "volcano.md").unlink()
        result = store.index_paths([corpus], embedder, progress=False)
        assert result.removed == 1
        assert store.search_bm25("Vesuvius", 5) == []
        removed = store.remove_paths([corpus / "news.jsonl"])
        assert removed.removed == 2
        assert store.stats()["documents"] == 1
        assert store.remove_paths([corpus / "never-indexed.txt"]).removed == 0


def test_duplicate_content_is_stored_once_and_survives_one_copy(tmp_path: Path, embedder) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", BRIDGE)
    write(root / "b.txt", BRIDGE)
    with Store.open(tmp_path / "s", create=True) as store:
        result = store.index_paths([root], embedder, progress=False)
        assert (result.added, result.duplicates) == (1, 1)
        passages = store.stats()["passages"]
        (root / "a.txt").unlink()
        result = store.index_paths([root], embedder, progress=False)
        assert result.removed == 0  # b.txt still holds the content
        assert store.stats()["passages"] == passages
        assert store.search_bm25("orange", 3)


def test_unreadable_and_bad_records_are_reported_not_fatal(tmp_path: Path, embedder) -> None:
    root = tmp_path / "corpus"
    write(root / "good.txt", VOLCANO)
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    write(root / "mixed.jsonl", '{"text": "A valid record about tides."}\n{not json\n{"title": "no text"}\n')
    with Store.open(tmp_path / "s", create=True) as store:
        result = store.index_paths([root], embedder, progress=False)
        assert result.added == 2
        assert {source.rsplit("/", 1)[-1] for source, _ in result.errors} == {"binary.txt", "mixed.jsonl"}
        assert len(result.errors) == 3
        assert all("\n" not in message for _, message in result.errors)


def test_missing_input_path_is_an_input_error(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store, pytest.raises(InputError, match="does not exist"):
        store.index_paths([tmp_path / "absent"], embedder, progress=False)


def test_add_documents_replaces_by_doc_id(tmp_path: Path, embedder) -> None:
    taken: list[int] = []
    with Store.open(tmp_path / "s", create=True) as store:
        first = store.add_documents(
            [
                Document(doc_id="x", source="api", text=BRIDGE, published=date(2024, 1, 2), url="http://e/x"),
                Document(doc_id="y", source="api", text=VOLCANO),
                Document(doc_id="z", source="api", text=VOLCANO),
                Document(doc_id="empty", source="api", text="   "),
            ],
            embedder,
            progress=taken.append,
        )
        assert (first.added, first.duplicates, len(first.errors)) == (2, 1, 1)
        assert taken == [1, 2, 3, 4]  # every document counts, the empty one too
        again = store.add_documents([Document(doc_id="x", source="api", text=BRIDGE)], embedder)
        assert (again.added, again.unchanged) == (0, 1)
        changed = store.add_documents(
            [Document(doc_id="x", source="api", text="Bridge closed for a day.")], embedder
        )
        assert (changed.updated, changed.added, changed.removed) == (1, 0, 0)
        assert store.stats()["documents"] == 2


def test_passages_keep_offsets_and_metadata(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents(
            [Document(doc_id="x", source="src", text=BRIDGE, title="Bridge", published=date(2024, 1, 2))],
            embedder,
        )
        hits = store.search_bm25("orange", 5)
        (passage,) = store.get_passages([hits[0][0]])
        assert BRIDGE[passage.start : passage.end] == passage.text
        assert (passage.doc_id, passage.title, passage.published) == ("x", "Bridge", date(2024, 1, 2))
        assert store.document_text("x") == BRIDGE
        ids = [hit[0] for hit in store.search_bm25("bridge", 10)]
        assert [p.passage_id for p in store.get_passages([*reversed(ids), 10_000])] == list(reversed(ids))


def test_date_range_filters_dated_documents_only(tmp_path: Path, embedder) -> None:
    docs = [
        Document(doc_id="old", source="s", text="The river flooded the valley.", published=date(2001, 5, 1)),
        Document(doc_id="new", source="s", text="The river flooded the town.", published=date(2024, 5, 1)),
        Document(doc_id="undated", source="s", text="The river floods every spring."),
    ]
    window = (date(2024, 4, 1), date(2024, 6, 1))
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents(docs, embedder)
        keyword = store.get_passages([i for i, _ in store.search_bm25("river flooded", 10, window)])
        dense = store.get_passages(
            [i for i, _ in store.search_dense(embedder.embed(["river"])[0], 10, window)]
        )
    assert {p.doc_id for p in keyword} == {p.doc_id for p in dense} == {"new", "undated"}


def test_dense_cache_is_tagged_and_rebuilt_when_stale(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents([Document(doc_id="a", source="s", text=BRIDGE)], embedder)
        cache = tmp_path / "s" / DENSE_CACHE_NAME
        assert int(np.load(cache)["generation"]) == store.generation
        store.add_documents([Document(doc_id="b", source="s", text=VOLCANO)], embedder)
        assert int(np.load(cache)["generation"]) == store.generation
    cache.write_bytes(b"garbage")
    with Store.open(tmp_path / "s", read_only=True) as reader:
        hits = reader.search_dense(embedder.embed(["Vesuvius erupted and buried Pompeii"])[0], 1)
        assert reader.get_passages([hits[0][0]])[0].doc_id == "b"
    assert int(np.load(cache)["generation"]) > 0


def test_store_refuses_a_different_embedder(tmp_path: Path, embedder) -> None:
    class Other:
        name = "other"
        dim = 8

        def embed(self, texts):
            return np.zeros((len(texts), 8), dtype=np.float32)

    with Store.open(tmp_path / "s", create=True) as store:
        store.add_documents([Document(doc_id="a", source="s", text=BRIDGE)], embedder)
        with pytest.raises(StoreError, match="indexed with embedder 'test-hashing'"):
            store.add_documents([Document(doc_id="b", source="s", text=VOLCANO)], Other())


def test_summary_line_counts_and_quotes_the_first_error() -> None:
    result = IndexResult(
        added=2, duplicates=1, passages_added=7, errors=[("a", "a is binary"), ("b", "b bad")]
    )
    line = result.summary_line()
    assert line.startswith("2 added, 0 updated, 0 unchanged, 0 removed, 1 duplicates, 7 new passages")
    assert line.endswith("2 skipped: a is binary (and 1 more)")
    assert "\n" not in line
    assert result.to_dict()["errors"][1] == {"source": "b", "error": "b bad"}


def test_changed_jsonl_record_is_updated_and_the_rest_unchanged(tmp_path: Path, embedder) -> None:
    records = [{"id": "r1", "text": "The dam holds 40 million cubic metres."}, {"id": "r2", "text": VOLCANO}]
    path = write(tmp_path / "c" / "a.jsonl", "\n".join(json.dumps(r) for r in records))
    with Store.open(tmp_path / "s", create=True) as store:
        assert store.index_paths([path], embedder, progress=False).added == 2
        records[0]["text"] = "The dam holds 45 million cubic metres."
        records.append({"id": "r3", "text": BRIDGE})
        write(path, "\n".join(json.dumps(r) for r in records), mtime_shift=5)
        result = store.index_paths([path], embedder, progress=False)
        assert (result.added, result.updated, result.unchanged, result.removed) == (1, 1, 1, 0)
        (passage,) = store.get_passages([store.search_bm25("dam", 1)[0][0]])
        assert "45 million" in passage.text
        assert passage.doc_id == "r1"
