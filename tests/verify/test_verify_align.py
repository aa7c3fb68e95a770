"""The "align" verifier with a deterministic bag-of-words embedder, so verdict logic is tested on its own."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import pytest

from veracity.errors import InputError
from veracity.resources import Resources
from veracity.types import Claim, Passage
from veracity.verify import VERIFIERS, AlignJudge, PairVerifier

_STOP = {"the", "a", "an", "of", "in", "on", "at", "to", "and", "for", "was", "were", "is", "it", "by", "its"}


class BagOfWordsEmbedder:
    """Hashes lower-cased word stems into 512 buckets; cosine then measures shared vocabulary."""

    name = "bag-of-words"
    dim = 512

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if word in _STOP:
                    continue
                bucket = int(hashlib.md5(word[:5].encode()).hexdigest(), 16) % self.dim
                matrix[row, bucket] += 1.0
            norm = np.linalg.norm(matrix[row])
            if norm:
                matrix[row] /= norm
        return matrix


@pytest.fixture(scope="module")
def verifier() -> PairVerifier:
    return PairVerifier(AlignJudge(Resources().nlp, BagOfWordsEmbedder()))


def passage(text: str, doc_id: str = "d1") -> Passage:
    return Passage(passage_id=1, doc_id=doc_id, source=f"{doc_id}.txt", text=text, start=0, end=len(text))


def claim(text: str) -> Claim:
    return Claim(id="c1", text=text, start=0, end=len(text), sentence=text)


STRIKE_CLAIM = "An air strike on the Al-Mawasi school in Gaza on Sunday killed 92 people."
STRIKE_EVIDENCE = (
    "An air strike on the al-Tabi'in school in Gaza City on Saturday 10 August 2024 killed about 93 people."
)


def test_same_details_support(verifier: PairVerifier) -> None:
    judgement = verifier.judge(
        "The central bank raised interest rates to 5.25% in July 2023.",
        "In July 2023 the central bank raised its key interest rates to 5.25%, the highest in 22 years.",
    )
    assert judgement.label == "supported"
    assert "5.25%" in judgement.reason


def test_place_and_weekday_mismatch_refutes_and_names_them(verifier: PairVerifier) -> None:
    judgement = verifier.judge(STRIKE_CLAIM, STRIKE_EVIDENCE)
    assert judgement.label == "refuted"
    assert "place" in judgement.reason and "day" in judgement.reason
    assert "al-Tabi'in school" in judgement.reason and "Al-Mawasi school" in judgement.reason
    assert "Saturday 10 August 2024" in judgement.reason and "Sunday" in judgement.reason


def test_number_mismatch_refutes(verifier: PairVerifier) -> None:
    judgement = verifier.judge(
        "The striker scored 41 goals for the club in the 2023 season.",
        "The striker scored 27 goals for the club in the 2023 season, a career best.",
    )
    assert judgement.label == "refuted"
    assert "number differs" in judgement.reason and "27 goals" in judgement.reason


def test_negation_flip_refutes(verifier: PairVerifier) -> None:
    judgement = verifier.judge(
        "The union agreed to join the wage talks in Berlin.",
        "The union did not join the wage talks in Berlin.",
    )
    assert judgement.label == "refuted"
    assert "polarity" in judgement.reason


def test_unrelated_passage_is_neutral(verifier: PairVerifier) -> None:
    judgement = verifier.judge(
        "The central bank raised interest rates to 5.25% in July 2023.",
        "The football club signed a new goalkeeper from Portugal for 30 million euros.",
    )
    assert judgement.label == "not_enough_evidence"


def test_shared_entity_but_different_event_is_not_refuting(verifier: PairVerifier) -> None:
    judgement = verifier.judge(
        "Hamas said 92 people were killed in the strike on the school.",
        "Hamas elected a new political leader in Tehran after the funeral in 2024.",
    )
    assert judgement.label == "not_enough_evidence"
    assert judgement.refuted < 0.5


def test_probabilities_sum_to_one(verifier: PairVerifier) -> None:
    for judgement in verifier.judge_many([(STRIKE_CLAIM, STRIKE_EVIDENCE), (STRIKE_CLAIM, "Rain fell.")]):
        total = judgement.supported + judgement.refuted + judgement.not_enough_evidence
        assert total == pytest.approx(1.0)
        assert judgement.to_dict()["stance"] == judgement.stance


def test_verify_without_passages_is_not_enough_evidence(verifier: PairVerifier) -> None:
    checked = verifier.verify(claim(STRIKE_CLAIM), [])
    assert checked.verdict == "not_enough_evidence"
    assert checked.evidence == []


def test_verify_with_no_matching_evidence_is_never_refuted(verifier: PairVerifier) -> None:
    passages = [passage("The orchestra opened its season with Mahler's fifth symphony.")]
    checked = verifier.verify(claim(STRIKE_CLAIM), passages)
    assert checked.verdict == "not_enough_evidence"
    assert "no passage" in checked.reason


def test_verify_puts_deciding_passage_first(verifier: PairVerifier) -> None:
    passages = [
        passage("The orchestra opened its season with Mahler's fifth symphony.", "music"),
        passage(STRIKE_EVIDENCE, "strike"),
    ]
    checked = verifier.verify(claim(STRIKE_CLAIM), passages)
    assert checked.verdict == "refuted"
    assert checked.evidence[0].passage.doc_id == "strike"
    assert checked.evidence[0].stance == "refutes"
    assert 0.5 <= checked.confidence <= 1.0


def test_verify_both_ways_is_conflicting(verifier: PairVerifier) -> None:
    text = "The striker scored 41 goals for the club in the 2023 season."
    passages = [
        passage("The striker scored 41 goals for the club in the 2023 season, a club record.", "for"),
        passage("The striker scored 27 goals for the club in the 2023 season, a career best.", "against"),
    ]
    checked = verifier.verify(claim(text), passages)
    assert checked.verdict == "conflicting"
    assert {item.stance for item in checked.evidence[:2]} == {"supports", "refutes"}


def test_registry_builds_align_from_resources() -> None:
    assert "align" in VERIFIERS
    built = VERIFIERS.create("align", resources=Resources())
    assert built.name == "align"


def test_empty_claim_is_an_input_error(verifier: PairVerifier) -> None:
    with pytest.raises(InputError):
        verifier.judge("  ", "Some evidence.")
