"""The builtin verifier's claim-level decision: one logistic head over what all of a claim's passages say.

Judging passages one at a time and keeping the most supportive misses what the data sets show most often:
a claim with one detail that no passage mentions (WiCE's "partially supported", most of its claims), and
a best passage that scores high only because many passages were tried. The head reads the cross-encoder's
scores over every passage and over one window of the best sentences of all of them, the slot check of the
most supportive passage, and how much of the claim's wording, names and numbers the evidence contains at
all. It gives P(supported) and, for the rest, P(refuted) against P(not enough evidence). Its weights are
fitted on dev data by `veracity train` and stored as `decision.json` beside the model.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from veracity.errors import ConfigError
from veracity.files import write_text_atomically
from veracity.train.evidence import STOPWORDS, WORD

DECISION_FILE = "decision.json"

FEATURES: tuple[str, ...] = (
    "support_max",  # the highest supported log-odds of any passage
    "refute_max",
    "support_mean",
    "support_window",  # log-odds on the window of the best sentences of all passages together
    "refute_window",
    "slot_coverage",  # share of the claim's slots the most supportive passage confirms
    "slot_contradiction",
    "word_coverage",  # share of the claim's content words found anywhere in the evidence
    "stem_coverage",
    "bigram_coverage",
    "name_coverage",
    "number_coverage",
    "claim_words",  # log of the claim's content words: long claims hold more to confirm
    "passages",  # log of the passage count: the maximum over many passages is inflated
    "evidence_words",
)

_NUMBER = re.compile(r"\d[\d,.]*")
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z]+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def _stem(word: str) -> str:
    """A crude suffix cut, enough to match "killed"/"kills" without a stemmer's dependency."""
    for suffix in _SUFFIXES:
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    return [word for word in (w.lower() for w in WORD.findall(text)) if word not in STOPWORDS]


def _share(wanted: set[Any], found: set[Any]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 1.0


@dataclass(frozen=True)
class Coverage:
    """How much of the claim's wording the evidence contains, as shares in [0, 1]."""

    words: float
    stems: float
    bigrams: float
    names: float
    numbers: float
    claim_words: int
    evidence_words: int


def coverage(claim: str, evidence: Sequence[str]) -> Coverage:
    text = " ".join(evidence)
    lowered = text.lower()
    claim_words = _content_words(claim)
    evidence_words = _content_words(text)
    claim_stems = [_stem(word) for word in claim_words]
    evidence_stems = [_stem(word) for word in evidence_words]
    names = {word.lower() for word in _CAPITALISED.findall(claim)} - STOPWORDS
    numbers = set(_NUMBER.findall(claim))
    return Coverage(
        words=_share(set(claim_words), set(evidence_words)),
        stems=_share(set(claim_stems), set(evidence_stems)),
        bigrams=_share(set(itertools.pairwise(claim_stems)), set(itertools.pairwise(evidence_stems))),
        names=sum(name in lowered for name in names) / len(names) if names else 1.0,
        numbers=sum(number in text for number in numbers) / len(numbers) if numbers else 1.0,
        claim_words=len(set(claim_words)),
        evidence_words=len(text.split()),
    )


def log_odds(logits: np.ndarray, label: int) -> np.ndarray:
    """log P(label) - log P(not label) from raw 3-way logits, row-wise."""
    others = np.delete(logits, label, axis=-1)
    return logits[..., label] - np.logaddexp(others[..., 0], others[..., 1])


def feature_vector(
    passage_logits: np.ndarray,
    window_logits: np.ndarray,
    slot_coverage: float,
    slot_contradiction: bool,
    found: Coverage,
) -> np.ndarray:
    """The head's input, in the order of `FEATURES`; `passage_logits` is (passages, 3) raw logits."""
    support = log_odds(passage_logits, 0)
    refute = log_odds(passage_logits, 1)
    values = (
        float(support.max()),
        float(refute.max()),
        float(support.mean()),
        float(log_odds(window_logits, 0)),
        float(log_odds(window_logits, 1)),
        slot_coverage,
        float(slot_contradiction),
        found.words,
        found.stems,
        found.bigrams,
        found.names,
        found.numbers,
        math.log1p(found.claim_words),
        math.log(len(passage_logits)),
        math.log1p(found.evidence_words),
    )
    return np.array(values, dtype=np.float64)


NEUTRAL_SLOTS = (1.0, False)  # slot coverage and contradiction of a claim whose slots were not compared
_SLOT_COLUMNS = (FEATURES.index("slot_coverage"), FEATURES.index("slot_contradiction"))
_SLOT_CORNERS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))  # every extreme slot outcome


def _sigmoid(value: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-value))


@dataclass(frozen=True)
class DecisionHead:
    """Two logistic regressions on standardised features: supported vs not, then refuted vs NEI."""

    mean: np.ndarray
    scale: np.ndarray
    support_weights: np.ndarray
    support_bias: float
    refute_weights: np.ndarray
    refute_bias: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(n, 3) supported / refuted / NEI probabilities for (n, len(FEATURES)) features."""
        standard = (np.atleast_2d(features) - self.mean) / self.scale
        supported = _sigmoid(standard @ self.support_weights + self.support_bias)
        refuted_share = _sigmoid(standard @ self.refute_weights + self.refute_bias)
        rest = 1.0 - supported
        return np.stack([supported, rest * refuted_share, rest * (1.0 - refuted_share)], axis=1)

    def surely_neutral(self, features: np.ndarray) -> np.ndarray:
        """Which claims the head calls not-enough-evidence whatever their slot check says; the verifier
        skips parsing them (its most expensive step).

        Both logits are linear in the slot features, so their extremes over every possible slot outcome lie
        on the corners (coverage 0 or 1, contradiction or not). Support below 1/3 at every corner cannot
        be the most probable label, and a refuted share below even at every corner leaves NEI ahead of
        refuted.
        """
        standard = (np.atleast_2d(features) - self.mean) / self.scale
        slots = list(_SLOT_COLUMNS)
        corners = (np.array(_SLOT_CORNERS) - self.mean[slots]) / self.scale[slots]

        def at_corners(weights: np.ndarray, bias: float) -> np.ndarray:
            """(corners, claims) logits: the slot columns' share replaced by each corner's."""
            without_slots = standard @ weights + bias - standard[:, slots] @ weights[slots]
            return without_slots[np.newaxis, :] + (corners @ weights[slots])[:, np.newaxis]

        support = at_corners(self.support_weights, self.support_bias)
        refute = at_corners(self.refute_weights, self.refute_bias)
        return (support.max(axis=0) < -math.log(2.0)) & (refute.max(axis=0) < 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "support_weights": self.support_weights.round(6).tolist(),
            "support_bias": round(self.support_bias, 6),
            "refute_weights": self.refute_weights.round(6).tolist(),
            "refute_bias": round(self.refute_bias, 6),
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DecisionHead:
        if list(values.get("features", [])) != list(FEATURES):
            raise ConfigError(
                "the builtin verifier's decision.json was fitted on other features: run `veracity train`"
            )
        return cls(
            mean=np.asarray(values["mean"], dtype=np.float64),
            scale=np.asarray(values["scale"], dtype=np.float64),
            support_weights=np.asarray(values["support_weights"], dtype=np.float64),
            support_bias=float(values["support_bias"]),
            refute_weights=np.asarray(values["refute_weights"], dtype=np.float64),
            refute_bias=float(values["refute_bias"]),
        )

    def save(self, path: Path, **metadata: Any) -> None:
        write_text_atomically(path, json.dumps({**self.to_dict(), **metadata}, indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> DecisionHead | None:
        """None when the model folder has no head (a candidate model before calibration)."""
        if not path.is_file():
            return None
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path} is not a valid decision head: {exc}") from exc
