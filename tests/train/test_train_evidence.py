from __future__ import annotations

from veracity.train.evidence import (
    closest_passages,
    evidence_window,
    select_evidence,
    select_sentences,
    split_sentences,
)


def test_select_evidence_keeps_relevant_sentences_in_document_order() -> None:
    sentences = [
        "The weather in Doha was hot.",
        "Hamas did not attend the Doha talks on 15 August.",
        "Football results followed.",
        "Israel sent a delegation to the Doha talks.",
    ]
    window = select_evidence("Hamas attended the Doha talks", sentences, max_words=20)
    assert window.index("Hamas did not") < window.index("Israel sent")
    assert "Football" not in window


def test_select_sentences_keeps_the_best_sentence_even_when_it_alone_overruns_the_budget() -> None:
    sentences = ["Unrelated words here.", "Gaza " * 50 + "strike.", "Another unrelated sentence."]
    assert select_sentences("strike in Gaza", sentences, max_words=10) == [1]
    assert len(select_evidence("strike in Gaza", sentences, max_words=10).split()) == 10
    assert select_sentences("nothing shared", ["One here.", "Two there."], max_words=10) == [0]


def test_select_sentences_ranks_by_shared_words_and_keeps_document_order() -> None:
    sentences = [
        "Talks resumed in Doha.",
        "Hamas did not attend the Doha talks.",
        "The weather was hot.",
        "Hamas said it would attend later talks.",
    ]
    assert select_sentences("Hamas attended the Doha talks", sentences, max_words=14) == [0, 1]


def test_evidence_window_respects_the_word_budget() -> None:
    passage = " ".join(f"Sentence number {i} talks about Gaza." for i in range(60))
    window = evidence_window("Gaza", passage, max_words=40)
    assert len(window.split()) <= 40


def test_short_passages_are_kept_whole() -> None:
    assert evidence_window("x", "  A short passage.  ") == "A short passage."


def test_split_sentences() -> None:
    assert split_sentences("One. Two? Three!") == ["One.", "Two?", "Three!"]


def test_closest_passages_keeps_the_most_overlapping_in_their_order() -> None:
    claim = "An Israeli strike on a school in Gaza City killed 93 people."
    passages = [
        "The price of wheat rose in March.",
        "A strike on a school in Gaza City killed about 93 people.",
        "Talks in Doha resumed on Thursday.",
        "An Israeli strike hit Gaza City.",
    ]
    assert closest_passages(claim, passages, 1) == [1]
    assert closest_passages(claim, passages, 2) == [1, 3]
    assert closest_passages(claim, passages, 10) == [0, 1, 2, 3]
    assert closest_passages(claim, ["Unrelated text.", "Other unrelated text."], 1) == [0]  # a tie: first
