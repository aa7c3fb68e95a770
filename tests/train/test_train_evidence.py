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


def test_the_window_covers_each_fact_of_the_claim_before_repeating_the_subject() -> None:
    # every sentence names the subject; counting shared words alone would fill the window with the
    # three about Arnold's trade paper and leave out the only one that holds the claim's second fact
    sentences = [
        "Tom Arnold founded Media Play News in 2016 as a trade paper for Media Play News readers.",
        "Tom Arnold is publisher of Media Play News and writes for Media Play News every week.",
        "Media Play News covers home entertainment; Tom Arnold edits Media Play News.",
        "Before that, he worked as a concert promoter.",
        "The weather in San Diego was mild.",
    ]
    claim = "Tom Arnold, publisher of Media Play News, was a concert promoter."
    chosen = select_sentences(claim, sentences, max_words=32)
    assert 3 in chosen and 1 in chosen
    assert 4 not in chosen
    assert chosen == sorted(chosen)


def test_select_sentences_keeps_the_best_sentence_even_when_it_alone_overruns_the_budget() -> None:
    sentences = ["Unrelated words here.", "Gaza " * 50 + "strike.", "Another unrelated sentence."]
    assert select_sentences("strike in Gaza", sentences, max_words=10) == [1]
    assert len(select_evidence("strike in Gaza", sentences, max_words=10).split()) == 10
    assert select_sentences("nothing shared", ["One here.", "Two there."], max_words=10) == [0]


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
