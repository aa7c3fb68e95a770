"""The "align" verifier with the real MiniLM embedder on paraphrases and invented cases across topics."""

from __future__ import annotations

import pytest

from veracity.resources import Resources
from veracity.types import Claim, Passage
from veracity.verify import VERIFIERS, PairVerifier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def verifier() -> PairVerifier:
    try:
        import veracity.embed  # noqa: F401
    except ImportError:
        pytest.skip("veracity.embed is not importable yet")
    built = VERIFIERS.create("align", resources=Resources())
    assert isinstance(built, PairVerifier)
    return built


@pytest.mark.parametrize(
    ("claim", "evidence", "label"),
    [
        (
            "Hamas said it would not take part in the Doha round.",
            "Hamas would not participate in the ceasefire talks in Qatar.",
            "supported",
        ),
        (
            "Hamas has controlled Gaza since 2007.",
            "Hamas seized control of the Gaza Strip in 2007 after a brief war with Fatah.",
            "supported",
        ),
        (
            "Sunday's air strike on the Al-Mawasi school in southern Gaza killed 92 people.",
            "An Israeli strike on al-Tabi'in school in Gaza City on Saturday 10 August 2024 killed 93.",
            "refuted",
        ),
        (
            "Hamas agreed to join the talks in Doha.",
            "Hamas said it would not attend the talks in Doha.",
            "refuted",
        ),
        (
            "Manchester United won the FA Cup final in 2023.",
            "Manchester United beat Manchester City in the FA Cup final at Wembley on Saturday 25 May 2024.",
            "refuted",
        ),
        (
            # A day's difference alone is reporting lag or a time zone, never a refutation.
            "Manchester United won the FA Cup final on Sunday.",
            "Manchester United beat Manchester City in the FA Cup final at Wembley on Saturday 25 May 2024.",
            "supported",
        ),
        (
            "The Gaza ceasefire talks took place in Doha.",
            "Hamas would not participate in the Gaza ceasefire talks in Doha.",
            "not_enough_evidence",
        ),
        (
            "Hamas have controlled Gaza since 2007.",
            "It was one of the deadliest single strikes of the war on Hamas in the north of the Gaza Strip.",
            "not_enough_evidence",
        ),
        (
            "Inflation in Germany eased to 2.2% in August.",
            "German inflation slowed to 2.2 percent in August, the statistics office said.",
            "supported",
        ),
        (
            "Inflation in Germany eased to 3.5% in August.",
            "German inflation slowed to 2.2 percent in August, the statistics office said.",
            "refuted",
        ),
        (
            "The telescope discovered 12 new moons around Jupiter in 2023.",
            "Astronomers announced 12 newly discovered moons of Jupiter in early 2023.",
            "supported",
        ),
        (
            "The telescope discovered 12 new moons around Jupiter in 2023.",
            "Astronomers announced 62 newly discovered moons of Saturn in May 2023.",
            "not_enough_evidence",
        ),
        (
            "Sunday's air strike on the Al-Mawasi school in southern Gaza killed 92 people.",
            "Yahya Sinwar was named the group's new political chief after Ismail Haniyeh was killed.",
            "not_enough_evidence",
        ),
        (
            "Blinken plans to fly to Qatar this week.",
            "Hamas officials met Egyptian mediators in Cairo on Monday.",
            "not_enough_evidence",
        ),
    ],
)
def test_pair_labels(verifier: PairVerifier, claim: str, evidence: str, label: str) -> None:
    judgement = verifier.judge(claim, evidence)
    assert judgement.label == label, judgement.reason


def test_claim_against_several_passages(verifier: PairVerifier) -> None:
    text = "Sunday's air strike on the Al-Mawasi school in southern Gaza killed 92 people."
    texts = [
        "Blinken flew to Qatar to push for a ceasefire deal.",
        "An Israeli strike on al-Tabi'in school in Gaza City on Saturday 10 August 2024 killed 93.",
    ]
    passages = [Passage(i, f"d{i}", f"d{i}.txt", t, 0, len(t)) for i, t in enumerate(texts)]
    checked = verifier.verify(Claim("c1", text, 0, len(text), text), passages)
    assert checked.verdict == "refuted"
    assert checked.evidence[0].passage.doc_id == "d1"
    assert "al-Tabi'in school" in checked.reason and "Sunday" in checked.reason
