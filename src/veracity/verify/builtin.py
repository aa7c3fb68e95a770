"""The `builtin` verifier: veracity's own int8 cross-encoder combined with slot-consistency rules.

The model (MiniLM-L6 fine-tuned by `veracity train`, shipped in `veracity/models/`) reads the evidence
window most relevant to the claim. Where it leans towards "supported", the typed details of claim and
evidence (numbers, dates, weekdays, places, names, polarity) are compared with the core consistency rules:
a contradiction moves probability from supported to refuted, and claim details the window does not confirm
move it to not-enough-evidence, because the model is weakest at exactly these one-detail differences. How
far the logits are shifted (class biases, temperature, rule weights) is fitted on dev data and stored as
`calibration.json` beside the model. Those are the per-passage judgements; the verdict on a claim comes
from `judge_sets`, where the decision head (`veracity.verify.decision`, `decision.json`) reads what all of
the claim's passages say together. One rule stands above the head: a claim whose most supportive passage
contradicts one of its details is never called supported. The data sets the head is fitted on have few
such one-detail refutations, so it learns to trust overlap of wording ("killed 92 at the Al-Mawasi
school" against "killed about 93 at the al-Tabi'in school" shares most of it), while the newsroom cases
veracity exists for are exactly these.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from functools import cached_property
from importlib import resources as package_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from veracity.errors import ConfigError
from veracity.files import write_text_atomically
from veracity.train.evidence import (
    EVIDENCE_WORDS,
    closest_passages,
    evidence_window,
    select_evidence,
    split_sentences,
)
from veracity.verify import VERIFIERS
from veracity.verify.base import (
    PAIR_LABELS,
    EvidencePair,
    PairJudgement,
    PairLabel,
    PairVerifier,
    SetJudgement,
)
from veracity.verify.decision import (
    DECISION_FILE,
    FEATURES,
    NEUTRAL_SLOTS,
    Coverage,
    DecisionHead,
    coverage,
    feature_vector,
    log_odds,
)

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Encoding, Tokenizer

    from veracity.resources import Resources
    from veracity.slots import SlotAnalysis

MODEL_FILE = "verifier-int8.onnx"
CALIBRATION_FILE = "calibration.json"
TOKENIZER_FILE = "tokenizer.json"
SLOT_WINDOW_WORDS = 45  # slots are compared on the sentences closest to the claim: parsing is the cost
PREFETCH_CLAIMS = 16  # claims scored between two hand-overs to the parse thread
PREFETCH_PAIRS = 64  # the same for pairs judged one at a time
PARSE_CACHE_SIZE = 4096  # parsed texts a SlotChecker keeps (a store serves the same passages again)
ParseKey = tuple[str, date | None]  # a text and the date its relative dates are read against
FAST_PASSAGES_READ = 1  # what `builtin-fast` reads of each claim's passages (docs/benchmarks.md)


def default_model_dir() -> Path:
    return Path(str(package_resources.files("veracity") / "models"))


@dataclass(frozen=True)
class Calibration:
    """How raw model logits and slot evidence become the verifier's probabilities (fitted on dev data)."""

    temperature: float = 1.0
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)  # added to supported, refuted, NEI logits
    contradiction_weight: float = 2.0  # logit moved from supported to refuted on a slot contradiction
    coverage_weight: float = 1.0  # logit moved from supported to NEI per unconfirmed share of claim details
    slot_gate: float = 0.2  # slots are compared only when P(supported) before slots reaches this
    max_words: int = EVIDENCE_WORDS
    max_length: int = 128

    @classmethod
    def load(cls, path: Path) -> Calibration:
        if not path.is_file():
            return cls()
        values = json.loads(path.read_text(encoding="utf-8"))
        values["bias"] = tuple(values.get("bias", (0.0, 0.0, 0.0)))
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)

    def save(self, path: Path, **metadata: Any) -> None:
        write_text_atomically(path, json.dumps({**asdict(self), **metadata}, indent=2) + "\n")


@dataclass(frozen=True)
class SlotCheck:
    contradicts: bool  # a strong slot mismatch or a polarity flip
    coverage: float  # weighted share of the claim's details the window confirms (1.0 when it has none)
    reason: str | None = None


@dataclass(frozen=True)
class RawScore:
    """Model logits and slot check of one pair, before calibration (kept apart so dev fitting is cheap)."""

    logits: np.ndarray
    slots: SlotCheck | None  # None when the slots were not compared (model far from "supported")


def passage_count(value: int | str | None) -> int | None:
    """The `passages_read` option (None: every passage); a string comes from `--verifier-option`."""
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ConfigError(f"passages_read must be a whole number of at least 1, not {value!r}")
    return int(text)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


class CrossEncoder:
    """onnxruntime inference of the int8 model, loaded on first use, one pair per run.

    The model is dynamically quantised: activation scales are computed over the whole input tensor, so in a
    batch a pair's logits would depend on its neighbours and on padding (up to a logit apart, enough to flip
    a verdict). Each pair therefore runs alone, without padding, and `threads` single-threaded runs go in
    parallel (onnxruntime releases the GIL), which is also faster than batching on a small CPU.
    """

    def __init__(
        self,
        model_dir: Path,
        max_length: int = 128,
        threads: int | None = None,
        model_file: str = MODEL_FILE,  # another graph of the same network (fp32, fused) to measure it
    ) -> None:
        from veracity.embed.minilm import default_threads

        self.model_dir = model_dir
        self.model_file = model_file
        self.max_length = max_length
        self.threads = threads or default_threads()  # $VERACITY_ONNX_THREADS, which batch workers set
        self._lock = threading.Lock()

    @cached_property
    def session(self) -> InferenceSession:
        import onnxruntime

        path = self.model_dir / self.model_file
        if not path.is_file():
            raise ConfigError(
                f"the builtin verifier model {path} is missing: run `veracity train` or reinstall"
            )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @cached_property
    def tokenizer(self) -> Tokenizer:
        from veracity.train.model import load_tokenizer

        if not (self.model_dir / TOKENIZER_FILE).is_file():
            raise ConfigError(f"{self.model_dir / TOKENIZER_FILE} is missing: reinstall veracity")
        return load_tokenizer(self.model_dir, self.max_length)

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=max(1, self.threads), thread_name_prefix="veracity-encoder")

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Logits (n, 3) for (evidence, claim) pairs, in the order given."""
        if not pairs:
            return np.zeros((0, len(PAIR_LABELS)), dtype=np.float32)
        with self._lock:
            session, tokenizer, pool = self.session, self.tokenizer, self._pool
        encodings = tokenizer.encode_batch(list(pairs))

        def run(encoding: Encoding) -> np.ndarray:
            feeds = {
                "input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
            }
            return session.run(["logits"], feeds)[0][0]

        return np.stack(list(pool.map(run, encodings))).astype(np.float32)


def shared_encoder(resources: Resources, model_dir: Path, max_length: int) -> CrossEncoder:
    """The one CrossEncoder of this model and read length over `resources`: the service's workers each build
    a judge, and they share one ONNX session and one pool of inference threads instead of one each."""
    key = ("builtin-cross-encoder", model_dir.resolve(), MODEL_FILE, max_length)
    return resources.shared(key, lambda: CrossEncoder(model_dir, max_length=max_length))


def slot_sentences(claim: str, window: str) -> str:
    """The sentences of the window the model read that slots are compared on."""
    return select_evidence(claim, split_sentences(window), SLOT_WINDOW_WORDS)


def parse_thread(resources: Resources) -> ThreadPoolExecutor:
    """The one thread that parses for the slot rules over `resources`: parses queue instead of contending
    for the two cores the model already uses."""
    return resources.shared(
        "builtin-parse-thread", lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="veracity-parse")
    )


def _parse_keys(pairs: Sequence[EvidencePair], windows: Sequence[str] | None) -> list[ParseKey]:
    """The pairs' claims, then (when given) their evidence windows, each with the date it is read against."""
    keys = [(pair.claim, pair.claim_date) for pair in pairs]
    if windows is not None:
        keys += [(window, pair.evidence_date) for pair, window in zip(pairs, windows, strict=True)]
    return keys


class SlotChecker:
    """Runs the core slot-consistency rules (`verify.consistency`) on a claim and its evidence window.

    Texts are parsed on one background thread (shared over `resources`), so a judge can ask for the parses
    it will need (`prefetch`) and run the model meanwhile, instead of parsing after the model runs: about a
    tenth faster on new text (docs/benchmarks.md, `bench_builtin_speed`).
    """

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._cache: dict[ParseKey, Future[SlotAnalysis]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def prefetch(self, pairs: Sequence[EvidencePair], windows: Sequence[str] | None = None) -> None:
        """Queue the parses of these pairs' claims (and of their evidence `windows`, when given)."""
        self._submit(_parse_keys(pairs, windows))

    def _submit(self, keys: Sequence[ParseKey]) -> list[Future[SlotAnalysis]]:
        """The parse of every key, queueing the ones not seen yet as one batch (batched parsing is several
        times faster than one text at a time)."""
        with self._lock:
            missing = sorted({key for key in keys if key not in self._cache}, key=lambda key: key[0])
            if len(self._cache) + len(missing) > PARSE_CACHE_SIZE:
                self._cache = {key: self._cache[key] for key in keys if key in self._cache}
            if missing:
                futures: list[Future[SlotAnalysis]] = [Future() for _ in missing]
                self._cache.update(zip(missing, futures, strict=True))
                parse_thread(self.resources).submit(self._parse, missing, futures)
            return [self._cache[key] for key in keys]

    def _parse(self, keys: Sequence[ParseKey], futures: Sequence[Future[SlotAnalysis]]) -> None:
        from veracity.slots import analyze

        try:
            docs = self.resources.nlp.pipe([text for text, _ in keys], batch_size=64)
            for key, doc, future in zip(keys, docs, futures, strict=True):
                future.set_result(analyze(doc, reference_date=key[1]))
        except Exception as exc:  # handed to whoever waits; the texts not parsed are tried again next time
            failed = [(key, future) for key, future in zip(keys, futures, strict=True) if not future.done()]
            with self._lock:
                for key, future in failed:
                    if self._cache.get(key) is future:
                        del self._cache[key]
            for _, future in failed:
                future.set_exception(exc)

    def analyses(self, keys: Sequence[ParseKey]) -> list[SlotAnalysis]:
        """The parses of these texts, waiting for those still queued or running on the parse thread."""
        return [future.result() for future in self._submit(keys)]

    def unstated_quantity(self, pairs: Sequence[EvidencePair]) -> str | None:
        """The claim's first number (written in digits) that none of its passages states, as written."""
        from veracity.slots import numbers_in, unstated_quantity

        claim = self.analyses([(pairs[0].claim, pairs[0].claim_date)])[0]
        stated = set().union(*(numbers_in(pair.evidence) for pair in pairs))
        missing = unstated_quantity(claim.slots, stated)
        return missing.text if missing else None

    def check_many(self, pairs: Sequence[EvidencePair], windows: Sequence[str]) -> list[SlotCheck]:
        from veracity.verify.consistency import check_consistency, describe_mismatch

        analyses = self.analyses(_parse_keys(pairs, windows))
        claims, evidences = analyses[: len(pairs)], analyses[len(pairs) :]
        checks = []
        for claim, evidence in zip(claims, evidences, strict=True):
            consistency = check_consistency(claim, evidence, range(len(list(evidence.doc.sents))))
            reason = describe_mismatch(consistency, evidence) if consistency.contradicts else None
            coverage = consistency.coverage if consistency.findings else 1.0
            checks.append(SlotCheck(consistency.contradicts, coverage, reason))
        return checks


class BuiltinJudge:
    """Pair judge: calibrated cross-encoder probabilities, corrected by slot mismatches."""

    def __init__(
        self,
        resources: Resources,
        model_dir: Path | str | None = None,
        use_slots: bool = True,
        max_length: int | None = None,  # word pieces the model reads; the calibration's by default
        calibrated: bool = True,  # False: leave the folder's calibration and head unread (being refitted)
        passages_read: int | str | None = None,  # the claim-level decision reads only its N closest passages
        name: str = "builtin",
    ) -> None:
        # a string comes from `veracity eval --verifier-option model_dir=DIR`, to measure a candidate model
        self.name = name
        self.passages_read = passage_count(passages_read)
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        if not self.model_dir.is_dir():
            raise ConfigError(f"builtin verifier model directory {self.model_dir} does not exist")
        self.calibration = Calibration()
        self.decision: DecisionHead | None = None
        if calibrated:
            self.calibration = Calibration.load(self.model_dir / CALIBRATION_FILE)
            self.decision = DecisionHead.load(self.model_dir / DECISION_FILE)
        self.encoder = shared_encoder(resources, self.model_dir, max_length or self.calibration.max_length)
        self.slots = SlotChecker(resources) if use_slots else None

    def raw_scores(self, pairs: Sequence[EvidencePair], slot_gate: float | None = None) -> list[RawScore]:
        """Model logits for every pair; slot comparison only where calibrated P(supported) passes the gate.
        Where slots are compared, the pairs are scored a group at a time and the parses each group's
        comparisons need start on the parse thread while the next group is scored."""
        gate = self.calibration.slot_gate if slot_gate is None else slot_gate
        windows = [evidence_window(pair.claim, pair.evidence, self.calibration.max_words) for pair in pairs]
        slots = self.slots if math.isfinite(gate) else None
        step = PREFETCH_PAIRS if slots is not None else max(len(pairs), 1)
        parts = [np.zeros((0, len(PAIR_LABELS)), dtype=np.float32)]
        focus: dict[int, str] = {}
        for start in range(0, len(pairs), step):
            part = self.encoder.logits(
                [(windows[i], pairs[i].claim) for i in range(start, min(start + step, len(pairs)))]
            )
            parts.append(part)
            if slots is not None:
                supported = softmax(self._shift(part))[:, 0]
                picked = [
                    start + k for k, p in enumerate(supported) if p >= gate and windows[start + k].strip()
                ]
                focus.update((i, slot_sentences(pairs[i].claim, windows[i])) for i in picked)
                slots.prefetch([pairs[i] for i in picked], [focus[i] for i in picked])
        logits = np.concatenate(parts)
        checks: list[SlotCheck | None] = [None] * len(pairs)
        if slots is not None and focus:
            found = slots.check_many([pairs[i] for i in focus], list(focus.values()))
            for index, check in zip(focus, found, strict=True):
                checks[index] = check
        return [RawScore(row, check) for row, check in zip(logits, checks, strict=True)]

    def _shift(self, logits: np.ndarray) -> np.ndarray:
        return logits / self.calibration.temperature + np.asarray(self.calibration.bias, dtype=np.float32)

    def combine(self, score: RawScore, calibration: Calibration | None = None) -> np.ndarray:
        """Calibrated probabilities (supported, refuted, NEI) of one raw score."""
        calibration = calibration or self.calibration
        shifted = score.logits / calibration.temperature + np.asarray(calibration.bias, dtype=np.float32)
        if score.slots is not None:
            refute = calibration.contradiction_weight if score.slots.contradicts else 0.0
            unconfirmed = calibration.coverage_weight * (1.0 - score.slots.coverage)
            shifted = shifted + np.array([-refute - unconfirmed, refute, unconfirmed], dtype=np.float32)
        return softmax(shifted)

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        return [self._judgement(score) for score in self.raw_scores(pairs)]

    def _judgement(self, score: RawScore) -> PairJudgement:
        probs = self.combine(score)
        label = PAIR_LABELS[int(np.argmax(probs))]
        reason = f"model: {label} ({probs.max():.2f})"
        if score.slots is not None and score.slots.reason:
            reason += f"; {score.slots.reason}"
        return PairJudgement(float(probs[0]), float(probs[1]), float(probs[2]), reason)

    def set_features(
        self, sets: Sequence[Sequence[EvidencePair]], compare_all_slots: bool = False
    ) -> tuple[np.ndarray, list[list[RawScore]]]:
        """The decision head's features for each claim's evidence set, and the raw score of every passage.

        Beyond one model run per passage this costs one run on the window of the best sentences of the whole
        set (none where that window is the one its single passage was read in) and one slot comparison on
        the most supportive passage of each claim, except where the head calls the claim not-enough-evidence
        whatever the slots say (`compare_all_slots` compares them all, as fitting the head needs).
        """
        if any(not pairs for pairs in sets):
            raise ValueError("every evidence set needs at least one passage")
        grouped = self._scored_sets(sets)
        window_logits = self._window_logits(sets, grouped)
        found = [coverage(pairs[0].claim, [pair.evidence for pair in pairs]) for pairs in sets]
        best = [_strongest(group, 0) for group in grouped]
        targets = list(enumerate(best))
        if self.decision is not None and not compare_all_slots:
            neutral = self.decision.surely_neutral(_features(grouped, best, window_logits, found))
            targets = [(i, top) for i, top in targets if not neutral[i]]
        self._check_slots(sets, grouped, targets)
        return _features(grouped, best, window_logits, found), grouped

    def _scored_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[list[RawScore]]:
        """Every passage's model score, a few claims at a time: after each group, the parses that slot
        comparison will need (each claim's most supportive passage and those shown as supporting) start on
        the parse thread, and run beside the next group's model runs instead of after all of them."""
        if self.slots is not None:
            self.slots.prefetch([pairs[0] for pairs in sets])
        grouped: list[list[RawScore]] = []
        for start in range(0, len(sets), PREFETCH_CLAIMS):
            chunk = sets[start : start + PREFETCH_CLAIMS]
            scores = iter(self.raw_scores([pair for pairs in chunk for pair in pairs], slot_gate=math.inf))
            groups = [[next(scores) for _ in pairs] for pairs in chunk]
            grouped += groups
            if self.slots is not None:
                wanted = [
                    pairs[j]
                    for pairs, group in zip(chunk, groups, strict=True)
                    for j in {_strongest(group, 0), *self._shown_supporting(group)}
                ]
                self.slots.prefetch(wanted, [self._slot_window(pair) for pair in wanted])
        return grouped

    def _shown_supporting(self, group: Sequence[RawScore]) -> list[int]:
        """The passages whose calibrated stance is "supports" before their slots are compared."""
        return [
            j
            for j, score in enumerate(group)
            if score.slots is None and int(np.argmax(self.combine(score))) == 0
        ]

    def _slot_window(self, pair: EvidencePair) -> str:
        window = evidence_window(pair.claim, pair.evidence, self.calibration.max_words)
        return slot_sentences(pair.claim, window)

    def _window_logits(
        self, sets: Sequence[Sequence[EvidencePair]], grouped: list[list[RawScore]]
    ) -> np.ndarray:
        """Logits on the window of each set's best sentences; a single passage read in that same window
        reuses its own run."""
        max_words = self.calibration.max_words
        windows = [
            select_evidence(
                pairs[0].claim,
                [sentence for pair in pairs for sentence in split_sentences(pair.evidence)],
                max_words,
            )
            for pairs in sets
        ]
        fresh = [
            i
            for i, (pairs, window) in enumerate(zip(sets, windows, strict=True))
            if len(pairs) > 1 or evidence_window(pairs[0].claim, pairs[0].evidence, max_words) != window
        ]
        logits = np.stack([group[0].logits for group in grouped])  # right where the window is not fresh
        if fresh:
            logits[fresh] = self.encoder.logits([(windows[i], sets[i][0].claim) for i in fresh])
        return logits

    def _check_slots(
        self,
        sets: Sequence[Sequence[EvidencePair]],
        grouped: list[list[RawScore]],
        targets: Sequence[tuple[int, int]],
    ) -> None:
        """Compare slots for the (claim, passage) positions given, in place, on the window the model read."""
        targets = [(i, j) for i, j in dict.fromkeys(targets) if grouped[i][j].slots is None]  # each once
        if self.slots is None or not targets:
            return
        chosen = [sets[i][j] for i, j in targets]
        focus = [self._slot_window(pair) for pair in chosen]
        for (i, j), check in zip(targets, self.slots.check_many(chosen, focus), strict=True):
            grouped[i][j] = RawScore(grouped[i][j].logits, check)

    @property
    def judges_sets(self) -> bool:
        """Claims are decided over their whole evidence set once the decision head is fitted; a candidate
        model before calibration is judged passage by passage."""
        return self.decision is not None

    def judge_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[SetJudgement]:
        """One claim-level judgement per evidence set, from the decision head; per-passage ones beside it.

        With `passages_read` the head sees only each claim's passages that share most of its content words,
        as if the others were absent: model runs, the costliest step, then grow with claims, not passages.
        The head was fitted on every passage; reading one costs about a point on test (docs/benchmarks.md).
        """
        if self.decision is None:
            raise ConfigError(
                f"{self.model_dir} has no {DECISION_FILE}: run `veracity train --calibrate-only`"
            )
        totals = [len(pairs) for pairs in sets]
        if self.passages_read is None:
            return self._judge_read_sets(sets, totals)
        reading = [
            closest_passages(pairs[0].claim, [pair.evidence for pair in pairs], self.passages_read)
            if pairs
            else []
            for pairs in sets
        ]
        judged = self._judge_read_sets(
            [[pairs[i] for i in read] for pairs, read in zip(sets, reading, strict=True)], totals
        )
        return [
            _with_unread(item, read, len(pairs))
            for item, read, pairs in zip(judged, reading, sets, strict=True)
        ]

    def _judge_read_sets(
        self, sets: Sequence[Sequence[EvidencePair]], totals: Sequence[int]
    ) -> list[SetJudgement]:
        """The head's judgements; a claim the head calls refuted has its most refuting passage's slots
        compared too, so the reason can name the detail that differs, and so does every passage the model
        alone reads as supporting: a report shows each passage's calibrated stance (calibration.json), never
        "supports" for a passage whose place, number or date differs from the claim's. None of these
        comparisons changes whether the claim is called supported. `totals` counts each claim's passages
        before those not read were left out, for the reason."""
        assert self.decision is not None
        present = [pairs for pairs in sets if pairs]
        present_totals = [total for pairs, total in zip(sets, totals, strict=True) if pairs]
        judged: list[SetJudgement] = []
        if present:
            features, grouped = self.set_features(present)
            decisions = self.decision.probabilities(features)
            leaning = [
                (i, _strongest(group, 1))
                for i, (group, decision) in enumerate(zip(grouped, decisions, strict=True))
                if decision[1] >= max(decision[0], decision[2])
            ]
            supporting = [(i, j) for i, group in enumerate(grouped) for j in self._shown_supporting(group)]
            self._check_slots(present, grouped, leaning + supporting)
            words = features[:, FEATURES.index("word_coverage")]
            judged = [
                self._decide(pairs, group, decision, float(share), total)
                for pairs, group, decision, share, total in zip(
                    present, grouped, decisions, words, present_totals, strict=True
                )
            ]
        remaining = iter(judged)
        empty = SetJudgement(PairJudgement(0.0, 0.0, 1.0, "no evidence passages"), [], -1)
        return [next(remaining) if pairs else empty for pairs in sets]

    def _decide(
        self,
        pairs: Sequence[EvidencePair],
        group: list[RawScore],
        decision: np.ndarray,
        words: float,
        total: int,
    ) -> SetJudgement:
        passages = [self._judgement(score) for score in group]
        best_support = _strongest(group, 0)
        supported, refuted, neutral = (float(p) for p in decision)
        best_slots = group[best_support].slots
        if best_slots is not None and best_slots.contradicts and supported >= max(refuted, neutral):
            supported, refuted = refuted, supported  # a differing number, date, place or name vetoes support
        if refuted > neutral and not any(p.label == "refuted" for p in passages):
            refuted, neutral = neutral, refuted  # a claim nothing contradicts is never called refuted
        unstated = None
        if self.slots is not None and supported >= max(refuted, neutral):
            unstated = self.slots.unstated_quantity(pairs)
            if unstated is not None:
                supported, neutral = neutral, supported  # a number no passage gives is not supported
        label = PairJudgement(supported, refuted, neutral, "").label
        side: PairLabel = "refuted" if label == "refuted" else "supported"
        decider = max(range(len(passages)), key=lambda k: passages[k].probabilities[side])  # as reports rank
        read = f"{len(passages)} of {total}" if total > len(passages) else str(len(passages))
        count = f"{read} passage{'s' if total != 1 else ''}"
        missing = f"no passage states the claim's {unstated!r}; " if unstated else ""
        reason = (
            f"{label} ({max(supported, refuted, neutral):.2f}) over {count}; {missing}"
            f"{round(100 * words)}% of the claim's content words are in the evidence; "
            f"closest passage: {passages[decider].reason}"
        )
        return SetJudgement(PairJudgement(supported, refuted, neutral, reason), passages, decider)


def _with_unread(judged: SetJudgement, read: Sequence[int], total: int) -> SetJudgement:
    """A judgement on the passages read, given back in the places of all `total` passages (None for those
    left out, which a report then leaves out too)."""
    passages: list[PairJudgement | None] = [None] * total
    for position, index in enumerate(read):
        passages[index] = judged.passages[position]
    decider = read[judged.decider] if judged.decider >= 0 else -1
    return SetJudgement(judged.claim, passages, decider)


def _features(
    grouped: Sequence[Sequence[RawScore]],
    best: Sequence[int],
    window_logits: np.ndarray,
    found: Sequence[Coverage],
) -> np.ndarray:
    """Feature rows; a claim whose slots were not compared gets the values of one with nothing to compare."""
    rows = []
    for group, top, logits, words in zip(grouped, best, window_logits, found, strict=True):
        slots = group[top].slots
        rows.append(
            feature_vector(
                np.stack([score.logits for score in group]),
                logits,
                *((slots.coverage, slots.contradicts) if slots else NEUTRAL_SLOTS),
                words,
            )
        )
    return np.stack(rows)


def _strongest(group: Sequence[RawScore], label: int) -> int:
    """The passage with the highest raw log-odds of `label` (0 supported, 1 refuted)."""
    return int(np.argmax(log_odds(np.stack([score.logits for score in group]), label)))


@VERIFIERS.register("builtin")
def create_builtin(resources: Resources, **options: Any) -> PairVerifier:
    """Factory for the VERIFIERS registry: `VERIFIERS.create("builtin", resources=...)`."""
    return PairVerifier(BuiltinJudge(resources, **options))


@VERIFIERS.register("builtin-fast")
def create_builtin_fast(resources: Resources, **options: Any) -> PairVerifier:
    """The builtin verifier deciding each claim on its one closest passage: its model runs grow with
    claims, not passages (more than twice the pairs per second at several passages a claim, a point lower
    on test). A `passages_read` option reads more."""
    options = {"passages_read": FAST_PASSAGES_READ, **options, "name": "builtin-fast"}
    return PairVerifier(BuiltinJudge(resources, **options))
