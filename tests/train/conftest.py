from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT with the real MiniLM tokenizer: fast, and offline."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from veracity.train.model import base_model_path

    source = base_model_path()
    target = tmp_path_factory.mktemp("tiny-bert")
    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    transformers.BertModel(config).save_pretrained(str(target))
    (target / "tokenizer.json").write_bytes((source / "tokenizer.json").read_bytes())
    return target
