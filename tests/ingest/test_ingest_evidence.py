"""Evidence given with a text: read like a document and named so a citation says which source it was."""

from datetime import date

import pytest

from veracity.errors import InputError
from veracity.ingest.evidence import evidence_document, evidence_from_record


def test_sources_are_named_by_url_then_id_then_place() -> None:
    documents = evidence_from_record(
        [
            "Bridge opens\nPublished: 2019-05-02\n\nThe bridge opened in May 2019.",
            {"html": "<html><body><p>The river is low.</p></body></html>", "url": "https://example.org/r"},
            {"text": "The council met.", "id": "minutes.txt", "title": "Minutes", "published": "2024-08-01"},
        ]
    )
    assert [(d.doc_id, d.source) for d in documents] == [
        ("evidence-0", "evidence[0]"),
        ("evidence-1", "https://example.org/r"),
        ("minutes.txt", "evidence:minutes.txt"),
    ]
    assert (documents[0].title, documents[0].published) == ("Bridge opens", date(2019, 5, 2))
    assert documents[0].text.strip() == "The bridge opened in May 2019."
    assert documents[1].text.strip() == "The river is low." and documents[1].url == "https://example.org/r"
    assert (documents[2].title, documents[2].published) == ("Minutes", date(2024, 8, 1))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a text", "non-empty list"),
        ([], "non-empty list"),
        ([3], r"evidence\[0\] must be a text or an object, not int"),
        ([{"text": "a", "html": "<p>b</p>"}], r"evidence\[0\]: give exactly one of text or html"),
        ([{}], r"evidence\[0\]: give exactly one of text or html"),
        (["fine", {"text": "x", "author": "me"}], r"evidence\[1\]: unknown field 'author'"),
        ([{"text": "x", "published": "yesterday"}], "'published' must be a date"),
        ([{"text": 5}], "'text' must be a string"),
        (["   "], r"evidence\[0\] is empty"),
    ],
)
def test_bad_evidence_names_the_source_at_fault(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        evidence_from_record(value)


def test_a_url_names_the_source_in_errors_too() -> None:
    with pytest.raises(InputError, match=r"https://example\.org/empty"):
        evidence_document(0, html="<html><body></body></html>", url="https://example.org/empty")


def test_two_sources_with_one_id_are_refused_before_either_is_lost() -> None:
    from veracity.resources import Resources
    from veracity.store.scratch import scratch_store

    twins = evidence_from_record([{"text": "One.", "id": "a"}, {"text": "Two.", "id": "a"}])
    with (
        pytest.raises(InputError, match="distinct ids; 'a' is given more than once"),
        scratch_store((), Resources(spacy_model="absent"), documents=twins),
    ):
        pass
