"""Any Hugging Face sequence-classification NLI model as a verifier, with its label names mapped.

The model loads from a local directory; a hub id loads only from the local cache unless the user allows
downloads (`allow_download=True`), so nothing is fetched by default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from veracity.errors import ConfigError
from veracity.verify import VERIFIERS
from veracity.verify.base import EvidencePair, PairJudgement, PairVerifier

LABELS = ("supported", "refuted", "not_enough_evidence")

# Substrings of model label names, tried in order: "not_entailment" must hit NEI before "entail" does.
_LABEL_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("not_entail", "not_enough_evidence"),
    ("non_entail", "not_enough_evidence"),
    ("not entail", "not_enough_evidence"),
    ("not_enough", "not_enough_evidence"),
    ("nei", "not_enough_evidence"),
    ("neutral", "not_enough_evidence"),
    ("unverif", "not_enough_evidence"),
    ("not_supported", "not_enough_evidence"),
    ("unsupported", "not_enough_evidence"),
    ("contradict", "refuted"),
    ("refut", "refuted"),
    ("entail", "supported"),
    ("support", "supported"),
    ("consistent", "supported"),
)


def map_label_names(
    id2label: Mapping[int, str], overrides: Mapping[str, str] | None = None
) -> dict[int, str]:
    """Maps each model output index to a veracity label, from the model's own label names."""
    mapping: dict[int, str] = {}
    for index, name in id2label.items():
        if overrides and name in overrides:
            target = overrides[name]
            if target not in LABELS:
                raise ConfigError(f"label map target {target!r} is not one of {', '.join(LABELS)}")
            mapping[int(index)] = target
            continue
        lowered = name.lower().replace("-", "_")
        target_label = next((label for hint, label in _LABEL_NAME_HINTS if hint in lowered), None)
        if target_label is None:
            raise ConfigError(
                f"cannot map model label {name!r} to supported/refuted/not_enough_evidence; pass a label map"
            )
        mapping[int(index)] = target_label
    if "supported" not in mapping.values():
        raise ConfigError("the model has no label that maps to 'supported'; pass a label map")
    return mapping


class HFClassifierJudge:
    """Scores (claim, evidence) pairs with a sequence-classification model; evidence is the first segment."""

    def __init__(
        self,
        model: Path | str,
        *,
        label_map: Mapping[str, str] | None = None,
        allow_download: bool = False,
        max_length: int = 512,
        batch_size: int = 16,
        device: str = "cpu",
    ) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise ConfigError(
                "the hf verifier needs transformers and torch (pip install transformers)"
            ) from exc
        local = Path(model).is_dir()
        if not local and not allow_download and Path(model).exists():
            raise ConfigError(f"{model} is not a model directory")
        load_kwargs: dict[str, Any] = {"local_files_only": not allow_download}
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(model), **load_kwargs)
            self._model = AutoModelForSequenceClassification.from_pretrained(str(model), **load_kwargs)
        except OSError as exc:
            hint = "" if local or allow_download else " (offline: give a local directory, or allow downloads)"
            raise ConfigError(f"cannot load Hugging Face model {model!r}{hint}") from exc
        self._model.eval()
        self._model.to(device)
        self._torch = torch
        self.name = f"hf:{Path(str(model)).name}"
        self.device = device
        self.max_length = max_length
        self.batch_size = batch_size
        self.index_to_label = map_label_names(self._model.config.id2label, label_map)

    def probabilities_many(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        results: list[dict[str, float]] = []
        for start in range(0, len(pairs), self.batch_size):
            batch = pairs[start : start + self.batch_size]
            encoded = self._tokenizer(
                [evidence for _, evidence in batch],
                [claim for claim, _ in batch],
                truncation="only_first",
                max_length=self.max_length,
                padding=True,
                return_tensors="pt",
            ).to(self.device)
            with self._torch.inference_mode():
                probabilities = self._model(**encoded).logits.float().softmax(dim=-1).cpu().numpy()
            for row in probabilities:
                mass = dict.fromkeys(LABELS, 0.0)
                for index, value in enumerate(row):
                    mass[self.index_to_label[index]] += float(value)
                results.append(mass)
        return results

    def probabilities(self, claim: str, evidence: str) -> dict[str, float]:
        return self.probabilities_many([(claim, evidence)])[0]

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        scored = self.probabilities_many([(pair.claim, pair.evidence) for pair in pairs])
        return [
            PairJudgement(
                p["supported"],
                p["refuted"],
                p["not_enough_evidence"],
                f"{self.name}: supported {p['supported']:.2f}, refuted {p['refuted']:.2f}, "
                f"not enough evidence {p['not_enough_evidence']:.2f}",
            )
            for p in scored
        ]


@VERIFIERS.register("hf")
def create_hf_verifier(resources: object = None, *, model: str | None = None, **options: Any) -> PairVerifier:
    """`model` (or $VERACITY_HF_MODEL): a local model directory, or a hub id when downloads are allowed."""
    model = model or os.environ.get("VERACITY_HF_MODEL")
    if not model:
        raise ConfigError("the hf verifier needs a model directory ($VERACITY_HF_MODEL or model=PATH)")
    label_map = options.pop("label_map", None)
    if isinstance(label_map, str):  # "LABEL_0:supported,LABEL_1:refuted" from the command line
        label_map = dict(item.split(":", 1) for item in label_map.split(",") if ":" in item)
    for key in ("max_length", "batch_size"):
        if key in options:
            options[key] = int(options[key])
    if isinstance(options.get("allow_download"), str):
        options["allow_download"] = options["allow_download"].lower() in {"1", "true", "yes"}
    return PairVerifier(HFClassifierJudge(model, label_map=label_map, **options))
