"""Sentence windows: whole sentences, exact offsets, bounded length, one sentence of overlap."""

from __future__ import annotations

import itertools

from veracity.store import passage_spans, sentence_spans
from veracity.store.passages import MAX_WORDS

ARTICLE = (
    "Dr. Smith met U.S. officials in Washington on Monday. "
    "They discussed the 2.5 billion dollar aid package. The talks lasted three hours.\n\n"
    "A second meeting is planned for March. Officials declined to comment on the details of the package, "
    "which has been debated in Congress for months and remains controversial "
    "among lawmakers of both parties. The vote is expected next week."
)


def test_sentences_keep_abbreviations_and_decimals_whole() -> None:
    sentences = [ARTICLE[s.start : s.end] for s in sentence_spans(ARTICLE)]
    assert sentences[0] == "Dr. Smith met U.S. officials in Washington on Monday."
    assert sentences[1] == "They discussed the 2.5 billion dollar aid package."
    assert all(sentence == sentence.strip() for sentence in sentences)


def test_sentences_never_cross_a_paragraph_break() -> None:
    text = "Heading without a stop\n\nBody sentence one. Body sentence two."
    sentences = [text[s.start : s.end] for s in sentence_spans(text)]
    assert sentences[0] == "Heading without a stop"


def test_windows_are_whole_sentences_with_overlap() -> None:
    sentences = [(s.start, s.end) for s in sentence_spans(ARTICLE)]
    windows = passage_spans(ARTICLE)
    starts = {start for start, _ in sentences}
    ends = {end for _, end in sentences}
    assert all(start in starts and end in ends for start, end in windows)
    assert windows[0][0] == 0 and windows[-1][1] == sentences[-1][1]
    covered = {sentence for sentence in sentences for start, end in windows if start <= sentence[0] < end}
    assert covered == set(sentences)
    assert any(a_end > b_start for (_, a_end), (b_start, _) in itertools.pairwise(windows))
    assert all(len(ARTICLE[start:end].split()) <= MAX_WORDS for start, end in windows)


def test_run_on_text_is_cut_by_words() -> None:
    text = " ".join(f"word{i}" for i in range(250))
    windows = passage_spans(text)
    assert [len(text[s:e].split()) for s, e in windows] == [90, 90, 70]
    assert windows[0][0] == 0 and windows[-1][1] == len(text)


def test_empty_and_blank_text_have_no_passages() -> None:
    assert passage_spans("") == []
    assert passage_spans(" \n\n \t ") == []
    assert passage_spans("One short line.") == [(0, 15)]
