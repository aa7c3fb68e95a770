from pathlib import Path

import pytest

from veracity.ingest import iter_documents, read_article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "gaza_talks.txt"


def test_example_article_reads_without_a_title():
    article = read_article(EXAMPLES / "gaza_talks.txt")
    assert article.title is None
    assert article.text.startswith("A Hamas official announced on Wednesday")
    assert article.text.endswith("Israel is expected to send a delegation to the Gaza talks.")


def test_example_article_is_the_seed_copy():
    if not SEED.exists():
        pytest.skip(f"the seed article is not present at {SEED}")
    assert (EXAMPLES / "gaza_talks.txt").read_bytes() == SEED.read_bytes()


def test_every_evidence_note_has_title_date_and_short_body():
    documents = list(iter_documents(EXAMPLES / "evidence"))
    assert 10 <= len(documents) <= 16
    for document in documents:
        assert document.title, document.doc_id
        assert document.published is not None, document.doc_id
        assert 80 <= len(document.text.split()) <= 200, document.doc_id
        assert "Published" not in document.text, document.doc_id
