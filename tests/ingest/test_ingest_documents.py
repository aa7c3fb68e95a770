import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from veracity.errors import InputError
from veracity.ingest import SUPPORTED_SUFFIXES, iter_documents


def jsonl(records: list[object]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "doha.md").write_text(
        "# Doha round\nPublished: 15 August 2024\n\nMediators met in *Doha*.", encoding="utf-8"
    )
    (tmp_path / "strike.txt").write_bytes(
        "School strike\nAugust 10, 2024\nAbout 93 killed, said the café.".encode("cp1252")
    )
    (tmp_path / "page.html").write_text(
        "<html><body><article><h1>UN vote</h1><p>The council adopted resolution 2735 on 10 June 2024."
        "</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "records.jsonl").write_bytes(
        jsonl(
            [
                {
                    "id": "r1",
                    "text": "Blinken flew to Qatar.",
                    "title": "Trip",
                    "url": "https://e.org/1",
                    "published": "2024-08-20",
                },
                {"text": "Hamas has run Gaza since 2007.", "published": "14 June 2007"},
            ]
        )
    )
    (tmp_path / "ignored.csv").write_text("a,b\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text("Not evidence.")
    return tmp_path


def test_folder_yields_every_supported_file_in_path_order(corpus):
    documents = list(iter_documents(corpus))
    assert [d.doc_id for d in documents] == [
        "notes/doha.md",
        "page.html",
        "r1",
        "records.jsonl#2",
        "strike.txt",
    ]
    by_id = {d.doc_id: d for d in documents}
    doha = by_id["notes/doha.md"]
    assert (doha.title, doha.published, doha.text) == (
        "Doha round",
        date(2024, 8, 15),
        "Mediators met in Doha.",
    )
    assert doha.source == str(corpus / "notes" / "doha.md")
    strike = by_id["strike.txt"]
    assert (strike.title, strike.published, strike.text) == (
        "School strike",
        date(2024, 8, 10),
        "About 93 killed, said the café.",
    )
    assert by_id["page.html"].title == "UN vote"
    assert "resolution 2735" in by_id["page.html"].text
    record = by_id["r1"]
    assert (record.title, record.url, record.published) == ("Trip", "https://e.org/1", date(2024, 8, 20))
    assert record.source == f"{corpus / 'records.jsonl'}#1"
    assert by_id["records.jsonl#2"].published == date(2007, 6, 14)


def test_single_file_doc_id_is_its_name(corpus):
    (document,) = iter_documents(corpus / "strike.txt")
    assert document.doc_id == "strike.txt"


def test_unsupported_and_missing_paths(tmp_path):
    (tmp_path / "data.csv").write_text("a,b")
    with pytest.raises(InputError, match="not a supported evidence file"):
        list(iter_documents(tmp_path / "data.csv"))
    with pytest.raises(InputError, match="does not exist"):
        list(iter_documents(tmp_path / "missing"))


def test_gzipped_jsonl_is_streamed(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(jsonl([{"id": i, "text": f"Fact number {i}."} for i in range(1000)]))
    documents = iter_documents(path)
    first = next(documents)
    assert (first.doc_id, first.text) == ("0", "Fact number 0.")
    assert sum(1 for _ in documents) == 999


def test_corrupt_gzip_is_an_input_error(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="cannot read"):
        list(iter_documents(path))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "line 2 is not valid JSON"),
        (b'["a list"]', "line 2 must be a JSON object"),
        (b'{"title": "no text"}', 'line 2 has no "text"'),
        (b'{"text": "   "}', 'line 2 has no "text"'),
        (b'{"text": "x", "published": "someday"}', 'line 2 has a "published" that is not a date'),
        (b'{"text": "x", "title": 5}', "line 2 has a 'title' that is not a string"),
        (b'{"text": "x", "id": [1]}', 'line 2 has an "id"'),
        (b'{"text": "caf\xe9"}', "line 2 is not UTF-8"),
    ],
)
def test_bad_jsonl_line_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "Good line."}\n' + line + b"\n")
    with pytest.raises(InputError, match=message) as caught:
        list(iter_documents(path))
    assert str(path) in str(caught.value)


def test_on_error_skips_bad_records_and_files(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b'{"text": "One."}\n\n{oops\n{"text": "Three."}\n')
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "d.txt").write_text("Fine.")
    errors: list[InputError] = []
    documents = list(iter_documents(tmp_path, on_error=errors.append))
    assert [d.text for d in documents] == ["One.", "Three.", "Fine."]
    assert [d.doc_id for d in documents] == ["a.jsonl#1", "a.jsonl#4", "d.txt"]
    messages = [str(e) for e in errors]
    assert len(messages) == 3
    assert "a.jsonl line 3" in messages[0]
    assert "b.txt is empty" in messages[1]
    assert "binary" in messages[2]


def test_oversized_document_file(tmp_path):
    (tmp_path / "big.txt").write_text("x " * 100)
    with pytest.raises(InputError, match="over the limit of 50 bytes"):
        list(iter_documents(tmp_path, max_bytes=50))


def test_jsonl_title_line_in_text_when_no_title_field(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(jsonl([{"text": "Gaza Strip\nPublished: 1 May 2024\n\nGaza borders Egypt."}]))
    (document,) = iter_documents(path)
    assert (document.title, document.published, document.text) == (
        "Gaza Strip",
        date(2024, 5, 1),
        "Gaza borders Egypt.",
    )


def test_supported_suffixes_cover_the_formats():
    assert {".txt", ".md", ".html", ".htm", ".jsonl", ".jsonl.gz"} <= set(SUPPORTED_SUFFIXES)
