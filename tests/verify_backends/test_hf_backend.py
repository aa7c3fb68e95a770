"""The hf back-end on a tiny randomly initialised BERT built offline in a temp directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.errors import ConfigError
from veracity.verify import VERIFIERS
from veracity.verify.hf import HFClassifierJudge, map_label_names

pytest.importorskip("transformers")
pytest.importorskip("torch")

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "city",
    "council",
    "approved",
    "a",
    "budget",
    "of",
    "5",
    "million",
    "dollars",
    "on",
    "monday",
    "rejected",
    ".",
]


def build_tiny_model(directory: Path, id2label: dict[int, str]) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={name: index for index, name in id2label.items()},
    )
    model = BertForSequenceClassification(config)
    model_dir = directory / "model"
    model.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


@pytest.fixture(scope="module")
def nli_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(
        tmp_path_factory.mktemp("hf"), {0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}
    )


def test_label_names_map_including_not_entailment() -> None:
    assert map_label_names({0: "entailment", 1: "neutral", 2: "contradiction"}) == {
        0: "supported",
        1: "not_enough_evidence",
        2: "refuted",
    }
    assert map_label_names({0: "entailment", 1: "not_entailment"}) == {
        0: "supported",
        1: "not_enough_evidence",
    }
    assert map_label_names({0: "LABEL_0", 1: "LABEL_1"}, {"LABEL_0": "supported", "LABEL_1": "refuted"}) == {
        0: "supported",
        1: "refuted",
    }
    with pytest.raises(ConfigError):
        map_label_names({0: "LABEL_0", 1: "LABEL_1"})


def test_tiny_model_scores_pairs_offline(nli_model: Path) -> None:
    judge = HFClassifierJudge(nli_model, max_length=32, batch_size=2)
    pairs = [
        (
            "the council approved a budget of 5 million dollars",
            "the city council approved a budget on monday .",
        ),
        ("the council rejected the budget", "the city council approved a budget on monday ."),
        ("the budget", "the budget " * 40),
    ]
    results = judge.probabilities_many(pairs)
    assert len(results) == 3
    for probabilities in results:
        assert set(probabilities) == {"supported", "refuted", "not_enough_evidence"}
        assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert results[0] != results[1]
    assert judge.probabilities(*pairs[0]) == pytest.approx(results[0], abs=1e-5)


def test_registered_hf_verifier_judges_pairs(nli_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_HF_MODEL", str(nli_model))
    verifier = VERIFIERS.create("hf", max_length=32)
    [judgement] = verifier.judge_many([("the budget", "the city council approved a budget .")])
    assert judgement.label in {"supported", "refuted", "not_enough_evidence"}
    assert judgement.reason.startswith("hf:model")


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        HFClassifierJudge(tmp_path / "absent-model")
