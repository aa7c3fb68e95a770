"""Fine-tune the MiniLM cross-encoder on CPU within a time budget, with checkpoints a kill cannot spoil."""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from veracity.errors import InputError
from veracity.train import data
from veracity.train.pairs import LABELS, Pair

if TYPE_CHECKING:
    import torch
    from spacy.tokens import Span

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    seed: int = 13
    max_minutes: float = 60.0
    max_length: int = 128
    batch_size: int = 16
    learning_rate: float = 5e-5
    warmup_fraction: float = 0.06
    threads: int = 2
    vitaminc_pairs: int = 2000
    snli_pairs: int = 500
    fib_pairs: int = 800
    fever_pairs: int = 2000
    fool_me_twice: bool = True  # the Fool Me Twice dev claims (adversarial refutations)
    synthetic_per_document: int = 5
    hard_not_enough_evidence: bool = False  # gap and verb-swap NEI pairs (`synthetic`); not shipped
    compound_per_document: int = 2  # two-fact claims per document (`synthetic.make_compound_pairs`)
    wice_oracle_chunks: bool = True  # also the WiCE authors' oracle chunks of the training claims
    factcheck_partial_as_nei: bool = True  # Factcheck-GPT passages that back part of a claim, as NEI
    in_domain_repeats: int = 3  # copies of the real train pairs of the three reported sets per epoch
    epochs: int = 2
    checkpoint_every_s: float = 300.0
    # from this share of the steps on, the saved model is the running mean of the weights after each step
    # (tail averaging); None saves the last step's weights, as the shipped model was trained
    average_from: float | None = None
    # share of each target spread over the other labels; softer targets keep the scores the decision head
    # reads from growing more confident without growing more right (0: plain cross-entropy, as shipped)
    label_smoothing: float = 0.0
    layers: int | None = None  # transformer layers kept, from the bottom (None: all; fewer run faster)
    # with a teacher model (`fit(teacher=...)`): the share of the loss that matches the teacher's
    # softened label probabilities instead of the gold label, and the temperature that softens both
    distill_weight: float = 0.5
    distill_temperature: float = 2.0

    def __post_init__(self) -> None:
        if self.average_from is not None and not 0.0 <= self.average_from < 1.0:
            raise InputError(f"average_from must be at least 0 and below 1, not {self.average_from}")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise InputError(f"label_smoothing must be at least 0 and below 1, not {self.label_smoothing}")
        if self.layers is not None and self.layers < 1:
            raise InputError(f"layers must be at least 1, not {self.layers}")
        if not 0.0 <= self.distill_weight <= 1.0:
            raise InputError(f"distill_weight must be between 0 and 1, not {self.distill_weight}")
        if self.distill_temperature <= 0.0:
            raise InputError(f"distill_temperature must be positive, not {self.distill_temperature}")


@dataclass
class FitResult:
    model_dir: Path
    steps: int
    planned_steps: int
    pairs: int
    minutes: float
    final_loss: float
    averaged_steps: int = 0  # weight sets in the saved model's mean (0: the last step's weights)
    label_counts: dict[str, int] = field(default_factory=dict)
    source_counts: dict[str, int] = field(default_factory=dict)


def build_training_pairs(data_dir: Path, config: TrainConfig) -> list[Pair]:
    """Real train/dev pairs plus rule-made synthetic pairs from real evidence text, shuffled with the seed."""
    from veracity.resources import Resources
    from veracity.train.synthetic import EntityPool, make_compound_pairs, make_pairs

    if not data_dir.is_dir():
        raise InputError(f"data directory {data_dir} does not exist (expected ../shared/datasets)")
    rng = random.Random(config.seed)
    pairs: list[Pair] = []
    repeats = config.in_domain_repeats
    pairs += data.check_covid_pairs(data_dir, "train") * repeats
    pairs += data.wice_pairs(data_dir, "train") * (2 * repeats)
    if config.wice_oracle_chunks:
        pairs += data.wice_oracle_pairs(data_dir, "train") * repeats
    factcheck = data.factcheck_gpt_pairs(
        data_dir, "train", rng, partial_as_nei=config.factcheck_partial_as_nei
    )
    pairs += factcheck * repeats
    pairs += data.vitaminc_pairs(data_dir, config.vitaminc_pairs, rng)
    pairs += data.snli_pairs(data_dir, config.snli_pairs, rng)
    pairs += data.fib_xsum_pairs(data_dir, config.fib_pairs, rng)
    pairs += data.fever_pairs(data_dir, config.fever_pairs, rng)
    if config.fool_me_twice:
        pairs += data.fool_me_twice_pairs(data_dir)

    nlp = Resources().nlp
    sources = {
        "synthetic/xsum": data.xsum_documents(data_dir),
        "synthetic/wice": data.wice_documents(data_dir, "train"),
        "synthetic/factcheck_gpt": data.factcheck_gpt_documents(data_dir, "train"),
        "synthetic/check_covid": data.check_covid_documents(data_dir, "train"),
    }
    parsed: dict[str, list[list[Span]]] = {}
    for name, documents in sources.items():
        texts = [" ".join(sentences[:14]) for sentences in documents if sentences]
        parsed[name] = [list(doc.sents) for doc in nlp.pipe(texts, batch_size=32)]
    pool = EntityPool.from_sentences(s for docs in parsed.values() for doc in docs for s in doc)
    for name, sentences in parsed.items():
        pairs += make_pairs(
            sentences,
            pool,
            rng,
            name,
            per_document=config.synthetic_per_document,
            hard_not_enough_evidence=config.hard_not_enough_evidence,
        )
        if config.compound_per_document:
            pairs += make_compound_pairs(sentences, rng, name, per_document=config.compound_per_document)
    pairs = [pair for pair in pairs if pair.evidence.strip() and pair.claim.strip()]
    rng.shuffle(pairs)
    return pairs


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (less padding, faster on CPU) in a seeded random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    window = batch_size * 50
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def fit(
    pairs: Sequence[Pair],
    out_dir: Path,
    config: TrainConfig,
    base_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
    teacher: Path | None = None,
) -> FitResult:
    """`config.epochs` passes over `pairs`; resumes from out_dir/checkpoint.pt after an interruption.

    The run takes most of an hour: a bar shows the steps on a terminal, and `progress` gets a line at
    every checkpoint, for logs where no bar is drawn. `teacher` is a model folder (verifier-int8.onnx and
    tokenizer.json, such as the shipped one) whose label probabilities the network also learns to match
    (knowledge distillation, Hinton et al., 2015), so that a shallower network keeps more of its accuracy.
    """
    import torch
    from tqdm import tqdm

    from veracity.train.model import base_model_path, load_classifier, load_tokenizer

    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    base = base_model or base_model_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(base, config.max_length)
    model = load_classifier(base, config.layers)
    encodings = tokenizer.encode_batch([(pair.evidence, pair.claim) for pair in pairs])
    label_ids = [LABELS.index(pair.label) for pair in pairs]
    teacher_targets = None if teacher is None else teacher_probabilities(teacher, pairs, config)
    lengths = [len(e.ids) for e in encodings]
    order_rng = random.Random(config.seed)
    batches = [
        batch for _ in range(config.epochs) for batch in _batches(lengths, config.batch_size, order_rng)
    ]
    planned = len(batches)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
    checkpoint = out_dir / "checkpoint.pt"
    step = 0
    spent = 0.0  # seconds of training before this process, from the checkpoint
    average = WeightAverage(model, _average_start(config.average_from, planned))
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, spent = state["step"], state["spent"]
        average.load_state_dict(state.get("average"))
        log.info("resuming from step %d of %d", step, planned)
    budget = config.max_minutes * 60
    started = time.monotonic() - spent
    last_save = time.monotonic()
    running_loss = math.nan
    model.train()
    bar = tqdm(total=planned, initial=step, desc="fine-tuning", unit="step", disable=None, leave=False)
    while step < planned and time.monotonic() - started < budget:
        done = max(step / planned, (time.monotonic() - started) / budget)
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate * _schedule(done, config.warmup_fraction)
        batch = batches[step]
        width = max(len(encodings[i].ids) for i in batch)

        def padded(field_name: str, batch: list[int] = batch, width: int = width) -> torch.Tensor:
            rows = [getattr(encodings[i], field_name) for i in batch]
            return torch.tensor([row + [0] * (width - len(row)) for row in rows], dtype=torch.long)

        logits = model(
            input_ids=padded("ids"),
            attention_mask=padded("attention_mask"),
            token_type_ids=padded("type_ids"),
        ).logits
        targets = torch.tensor([label_ids[i] for i in batch], dtype=torch.long)
        smoothing = config.label_smoothing
        batch_loss = torch.nn.functional.cross_entropy(logits, targets, label_smoothing=smoothing)
        if teacher_targets is not None:
            soft = torch.from_numpy(teacher_targets[batch])
            batch_loss = (1 - config.distill_weight) * batch_loss + config.distill_weight * _distill_loss(
                logits, soft, config.distill_temperature
            )
        batch_loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        loss = batch_loss.item()
        running_loss = loss if math.isnan(running_loss) else 0.98 * running_loss + 0.02 * loss
        step += 1
        average.update(step)
        bar.update()
        if step % 20 == 0:
            bar.set_postfix(loss=f"{running_loss:.4f}", refresh=False)
        if time.monotonic() - last_save > config.checkpoint_every_s:
            _save_checkpoint(checkpoint, model, optimizer, step, time.monotonic() - started, average)
            last_save = time.monotonic()
            if progress is not None:
                minutes = (time.monotonic() - started) / 60
                progress(f"step {step}/{planned}, loss {running_loss:.4f}, {minutes:.1f} min")
    bar.close()
    _save_checkpoint(checkpoint, model, optimizer, step, time.monotonic() - started, average)
    model_dir = out_dir / "hf"
    average.apply()  # the checkpoint keeps the last step's weights; the saved model is their mean
    model.save_pretrained(str(model_dir))
    (model_dir / "tokenizer.json").write_text(
        (base / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = FitResult(
        model_dir=model_dir,
        steps=step,
        planned_steps=planned,
        pairs=len(pairs),
        minutes=round((time.monotonic() - started) / 60, 2),
        final_loss=round(running_loss, 4),
        averaged_steps=average.count,
        label_counts=dict(Counter(pair.label for pair in pairs)),
        source_counts=dict(Counter(pair.source for pair in pairs)),
    )
    summary = {
        **asdict(result),
        "model_dir": str(model_dir),
        "config": asdict(config),
        "teacher": None if teacher is None else str(teacher),
    }
    (out_dir / "fit.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return result


def teacher_probabilities(teacher: Path, pairs: Sequence[Pair], config: TrainConfig) -> np.ndarray:
    """The teacher's label probabilities (n, 3) at the distillation temperature, read at the length the
    student trains on."""
    from tqdm import tqdm

    from veracity.verify.builtin import CrossEncoder, softmax

    encoder = CrossEncoder(teacher, max_length=config.max_length, threads=config.threads)
    texts = [(pair.evidence, pair.claim) for pair in pairs]
    step = 512
    parts = [
        encoder.logits(texts[start : start + step])
        for start in tqdm(range(0, len(texts), step), desc="teacher", unit="chunk", disable=None, leave=False)
    ]
    return softmax(np.concatenate(parts) / config.distill_temperature).astype(np.float32)


def _distill_loss(logits: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL divergence from the teacher's softened probabilities, scaled by T^2 so its gradients keep the size
    of the gold-label loss's whatever the temperature."""
    import torch

    log_student = torch.nn.functional.log_softmax(logits / temperature, dim=1)
    kl = torch.nn.functional.kl_div(log_student, teacher, reduction="batchmean")
    return kl * temperature**2


def _schedule(progress: float, warmup: float) -> float:
    """Linear warm-up, then linear decay to zero at the end of the data or of the time budget, whichever
    comes first, so a run cut short by a slow machine still ends with a small learning rate."""
    if progress < warmup:
        return (progress + 1e-3) / warmup
    return max(0.0, (1.0 - progress) / (1.0 - warmup))


def _average_start(share: float | None, planned: int) -> int | None:
    """The first step whose weights enter the mean; None when no mean is kept."""
    return None if share is None else int(share * planned) + 1


class WeightAverage:
    """The running mean of a model's floating-point weights over the steps from `start` on.

    Averaging the weights a run passes through late in training lands nearer the middle of the flat region
    the optimiser wanders in than its last step does (Izmailov et al., 2018, "Averaging weights leads to
    wider optima"), at no cost when the model is used.
    """

    def __init__(self, model: torch.nn.Module, start: int | None) -> None:
        self.model = model
        self.start = start
        self.count = 0
        self.mean: dict[str, torch.Tensor] = {}

    def update(self, step: int) -> None:
        import torch

        if self.start is None or step < self.start:
            return
        self.count += 1
        with torch.no_grad():
            for name, value in self.model.state_dict().items():
                if not value.is_floating_point():
                    continue
                if name not in self.mean:
                    self.mean[name] = value.detach().clone()
                else:
                    mean = self.mean[name]
                    mean.add_(value - mean, alpha=1.0 / self.count)

    def apply(self) -> None:
        """Load the mean into the model (nothing when no step was averaged)."""
        if self.count:
            self.model.load_state_dict(self.mean, strict=False)

    def state_dict(self) -> dict[str, object] | None:
        return {"count": self.count, "mean": self.mean} if self.count else None

    def load_state_dict(self, state: dict[str, object] | None) -> None:
        if state:
            self.count = int(state["count"])  # type: ignore[call-overload]
            self.mean = dict(state["mean"])  # type: ignore[call-overload]


def _save_checkpoint(
    path: Path, model: object, optimizer: object, step: int, spent: float, average: WeightAverage
) -> None:
    """Write to a temporary file first so a kill during the save leaves the previous checkpoint intact."""
    import torch

    temporary = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),  # type: ignore[attr-defined]
            "optimizer": optimizer.state_dict(),  # type: ignore[attr-defined]
            "step": step,
            "spent": spent,
            "average": average.state_dict(),
        },
        temporary,
    )
    temporary.replace(path)
