"""SlotChecker: the builtin verifier's slot parses, run ahead on the parse thread and cached."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import date

import pytest

import veracity.verify.builtin as builtin
from veracity.resources import Resources
from veracity.verify.base import EvidencePair
from veracity.verify.builtin import SlotChecker

PAIRS = [
    EvidencePair(
        "An Israeli strike on the Al-Mawasi school killed 92 people on Sunday.",
        "An Israeli strike on the al-Tabi'in school killed about 93 people on Saturday.",
        claim_date=date(2024, 8, 14),
    ),
    EvidencePair(
        "Hamas said it would not take part in the Doha talks.",
        "Hamas said on 13 August that it would not send negotiators to the Doha round.",
    ),
]
WINDOWS = [pair.evidence for pair in PAIRS]


class RecordingPipe:
    """Stands in for `nlp.pipe` on one pipeline: records each call's texts and thread, and can fail once."""

    def __init__(self, resources: Resources, fail_first: bool = False) -> None:
        self.inner = resources.nlp.pipe
        self.calls: list[tuple[list[str], str]] = []
        self.fail_next = fail_first
        resources.nlp.pipe = self  # type: ignore[method-assign]

    def __call__(self, texts: Iterable[str], **options: object) -> Iterator[object]:
        texts = list(texts)
        self.calls.append((texts, threading.current_thread().name))
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("parser broke")
        return self.inner(texts, **options)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.fixture
def reference(resources) -> list:
    return SlotChecker(resources).check_many(PAIRS, WINDOWS)


@pytest.fixture
def pipe(resources) -> Iterator[RecordingPipe]:
    recording = RecordingPipe(resources)
    yield recording
    del resources.nlp.pipe  # the pipeline's own method again


def test_prefetched_texts_are_parsed_once_on_the_parse_thread(resources, reference, pipe) -> None:
    checker = SlotChecker(resources)
    checker.prefetch(PAIRS, WINDOWS)
    assert checker.check_many(PAIRS, WINDOWS) == reference
    assert checker.check_many(PAIRS, WINDOWS) == reference
    [(texts, thread)] = pipe.calls  # one batch, and no parse again for the second check
    assert sorted(texts) == sorted({pair.claim for pair in PAIRS} | set(WINDOWS))
    assert thread.startswith("veracity-parse")


def test_claims_alone_can_be_parsed_ahead(resources, reference, pipe) -> None:
    checker = SlotChecker(resources)
    checker.prefetch(PAIRS)
    assert checker.check_many(PAIRS, WINDOWS) == reference
    assert [sorted(texts) for texts, _ in pipe.calls] == [
        sorted(pair.claim for pair in PAIRS),
        sorted(WINDOWS),
    ]


def test_a_failed_parse_fails_its_callers_and_is_tried_again(resources, reference) -> None:
    failing = RecordingPipe(resources, fail_first=True)
    try:
        checker = SlotChecker(resources)
        with pytest.raises(RuntimeError, match="parser broke"):
            checker.check_many(PAIRS, WINDOWS)
        assert checker.check_many(PAIRS, WINDOWS) == reference
        assert len(failing.calls) == 2
    finally:
        del resources.nlp.pipe


def test_the_cache_keeps_at_most_its_size_and_still_answers(resources, reference, monkeypatch) -> None:
    monkeypatch.setattr(builtin, "PARSE_CACHE_SIZE", 4)
    checker = SlotChecker(resources)
    other = [
        EvidencePair(f"The ministry counted {n} new cases on Monday.", "No figures were given.")
        for n in (3, 4)
    ]
    checker.check_many(other, [pair.evidence for pair in other])
    assert checker.check_many(PAIRS, WINDOWS) == reference
    assert len(checker._cache) <= 4
