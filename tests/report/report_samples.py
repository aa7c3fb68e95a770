"""A hand-built report shared by the report tests."""

from datetime import date
from typing import Any

from veracity.types import Article, CheckedClaim, Claim, Evidence, Passage, Report, Slot, VerifierUsed

HOSTILE = "<script>alert(1)</script>"
ARTICLE_TEXT = (
    "Hamas did not attend the Doha talks on Thursday. "
    f"An official cited a strike on a school that killed 92 people {HOSTILE}.\n\n"
    "Israel sent a delegation."
)


def span(text: str) -> tuple[int, int]:
    start = ARTICLE_TEXT.index(text)
    return start, start + len(text)


def make_claim(claim_id: str, text: str, start: int, end: int, **extra: Any) -> Claim:
    return Claim(id=claim_id, text=text, start=start, end=end, sentence=ARTICLE_TEXT[start:end], **extra)


def sample_report() -> Report:
    """Four claims, one of each verdict, two overlapping, with hostile strings in every text field."""
    attend = span("Hamas did not attend the Doha talks on Thursday.")
    strike_sentence = span(f"An official cited a strike on a school that killed 92 people {HOSTILE}.")
    killed = span("killed 92 people")
    delegation = span("Israel sent a delegation.")
    passage = Passage(
        passage_id=7,
        doc_id="strike.md",
        source="examples/evidence/strike.md",
        text=f"About 93 people were killed at al-Tabi'in school. {HOSTILE}",
        start=0,
        end=60,
        title=f"Strike {HOSTILE}",
        url="https://example.org/strike?a=1&b=2",
        published=date(2024, 8, 10),
    )
    evil_link = Passage(
        passage_id=8,
        doc_id="evil",
        source="evil.jsonl#3",
        text="Irrelevant.",
        start=0,
        end=11,
        title="Evil link",
        url="javascript:alert(1)",
    )
    claims = [
        CheckedClaim(
            claim=make_claim(
                "c1",
                "Hamas did not attend the Doha talks on 15 August 2024.",
                *attend,
                speaker="Sami Abu Zuhri",
                checkworthiness=0.9,
                slots=[Slot(kind="negation", text="not", start=10, end=13)],
            ),
            verdict="supported",
            confidence=0.91,
            reason="The evidence says Hamas stayed away.",
            evidence=[Evidence(passage=passage, stance="supports", score=0.88, reason="same event")],
        ),
        CheckedClaim(
            claim=make_claim("c2", f"A strike on a school killed 92 people {HOSTILE}.", *strike_sentence),
            verdict="refuted",
            confidence=0.8,
            reason=f"evidence: about 93 killed; claim: 92 killed {HOSTILE}",
            evidence=[
                Evidence(passage=passage, stance="refutes", score=0.75, reason=f"count differs {HOSTILE}"),
                Evidence(passage=evil_link, stance="neutral", score=0.1),
            ],
        ),
        CheckedClaim(
            claim=make_claim("c3", "The strike killed 92 people.", *killed),
            verdict="conflicting",
            confidence=0.5,
            reason="Sources disagree.",
        ),
        CheckedClaim(
            claim=make_claim("c4", "Israel sent a delegation to the Doha talks.", *delegation),
            verdict="not_enough_evidence",
            confidence=0.4,
            reason="No passage mentions a delegation.",
        ),
    ]
    article = Article(
        text=ARTICLE_TEXT,
        source="examples/article.txt",
        title=f"Talks {HOSTILE}",
        published=date(2024, 8, 14),
    )
    verifier = VerifierUsed("builtin", {"passages_read": "2", "model_dir": f"models/{HOSTILE}"})
    return Report(article=article, claims=claims, verifier=verifier)
