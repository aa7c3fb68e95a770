"""Claims judged against whole documents: chunking, the deciding chunk, empty documents, batches."""

from __future__ import annotations

from collections.abc import Sequence

from veracity.verify.base import EvidencePair, PairJudgement, PairVerifier, SetJudgement
from veracity.verify.documents import JUDGE_BATCH, judge_documents


class WordJudge:
    """Supports when the chunk holds the claim's last word, refutes when it says "not" before it."""

    name = "word"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        self.calls.append(len(pairs))
        judged = []
        for pair in pairs:
            word = pair.claim.split()[-1]
            if f"not {word}" in pair.evidence:
                judged.append(PairJudgement.from_scores(0.0, 0.9, f"negated in {pair.evidence[:12]}"))
            elif word in pair.evidence:
                judged.append(PairJudgement.from_scores(0.9, 0.0, f"found in {pair.evidence[:12]}"))
            else:
                judged.append(PairJudgement.from_scores(0.1, 0.1, "absent"))
        return judged


class LastChunkSetJudge(WordJudge):
    """Decides per claim on its last chunk, and says which one decided."""

    judges_sets = True

    def __init__(self) -> None:
        super().__init__()
        self.sets: list[int] = []

    def judge_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[SetJudgement]:
        self.sets.extend(len(pairs) for pairs in sets)
        judged = []
        for pairs in sets:
            passages = self.judge_many(pairs)
            judged.append(SetJudgement(passages[-1], passages, len(pairs) - 1))
        return judged


def filler(words: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(words))


def test_the_deciding_chunk_and_its_judgement_come_back_with_the_probabilities() -> None:
    document = [filler(10, "a") + " cats", filler(10, "b") + " not dogs"]
    judged = judge_documents(
        PairVerifier(WordJudge()), ["I like cats", "I like dogs"], [document, document], chunk_words=12
    )
    cats, dogs = judged
    assert cats.probabilities["supported"] == 0.9 and cats.chunk is not None and cats.chunk.endswith("cats")
    assert isinstance(cats.judgement, PairJudgement) and cats.judgement.reason.startswith("found")
    assert dogs.probabilities["refuted"] == 0.9 and dogs.chunk is not None and dogs.chunk.endswith("not dogs")


def test_long_documents_are_read_in_chunks_and_the_strongest_one_decides() -> None:
    document = [filler(200, "x"), filler(100, "y") + " owls"]
    judge = WordJudge()
    (judged,) = judge_documents(PairVerifier(judge), ["we saw owls"], [document], chunk_words=150)
    assert sum(judge.calls) == 3  # 200 words in two chunks, the owls passage in a third
    assert judged.chunk is not None and judged.chunk.endswith("owls")


def test_an_empty_document_is_not_enough_evidence_without_a_judgement() -> None:
    for verifier in (PairVerifier(WordJudge()), PairVerifier(LastChunkSetJudge())):
        empty, full = judge_documents(verifier, ["a claim about cats", "cats"], [[" ", ""], ["cats"]])
        assert empty.probabilities == {"supported": 0.0, "refuted": 0.0, "not_enough_evidence": 1.0}
        assert empty.judgement is None and empty.chunk is None
        assert full.probabilities["supported"] == 0.9


def test_a_set_judge_gets_each_claims_chunks_together_in_bounded_batches() -> None:
    judge = LastChunkSetJudge()
    claims = [f"claim {i} cats" for i in range(30)]
    documents = [[f"first {i}.", f"then cats {i}.", f"last {i}."] for i in range(30)]
    progress: list[tuple[int, int]] = []
    judged = judge_documents(
        PairVerifier(judge), claims, documents, chunk_words=3, progress=lambda d, t: progress.append((d, t))
    )
    assert judge.sets == [3] * 30
    assert max(sum(judge.sets[i : i + 21]) for i in range(0, 30, 21)) <= JUDGE_BATCH
    assert [item.chunk for item in judged[:2]] == ["last 0.", "last 1."]
    assert progress[-1] == (90, 90) and len(progress) == 2
