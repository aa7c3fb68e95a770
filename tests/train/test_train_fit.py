"""A tiny training run and the ONNX export round trip, on a randomly initialised 2-layer BERT."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from veracity.errors import InputError
from veracity.train.pairs import LABELS, Pair
from veracity.train.trainer import TrainConfig, fit

FEED_FIELDS = (("input_ids", "ids"), ("attention_mask", "attention_mask"), ("token_type_ids", "type_ids"))
PAIRS = [
    Pair("Hamas did not attend the talks in Doha.", "Hamas attended the talks.", "refuted", "test"),
    Pair("Israel sent a delegation to Doha.", "Israel sent a delegation.", "supported", "test"),
    Pair("The weather in Doha was hot.", "Hamas attended the talks.", "not_enough_evidence", "test"),
    Pair("About 93 people were killed on Saturday.", "92 people were killed on Sunday.", "refuted", "test"),
    Pair("Hamas has controlled Gaza since 2007.", "Hamas has run Gaza since 2007.", "supported", "test"),
    Pair("Qatar hosted the talks.", "The talks ended without a deal.", "not_enough_evidence", "test"),
]


def test_fit_trains_saves_and_resumes(tmp_path: Path, tiny_base_model: Path) -> None:
    config = TrainConfig(
        batch_size=2, max_minutes=2.0, threads=1, learning_rate=1e-3, epochs=2, checkpoint_every_s=0.0
    )
    lines: list[str] = []
    result = fit(PAIRS, tmp_path, config, base_model=tiny_base_model, progress=lines.append)
    assert result.steps == result.planned_steps == 6  # 3 batches of 2 pairs, twice
    assert [line.split(",")[0] for line in lines] == [f"step {n}/6" for n in range(1, 7)]
    assert result.pairs == len(PAIRS)
    assert (tmp_path / "checkpoint.pt").is_file()
    assert (result.model_dir / "tokenizer.json").is_file()
    summary = json.loads((tmp_path / "fit.json").read_text())
    assert summary["label_counts"] == {"refuted": 2, "supported": 2, "not_enough_evidence": 2}
    assert summary["teacher"] is None
    config_json = json.loads((result.model_dir / "config.json").read_text())
    assert config_json["id2label"] == {str(i): label for i, label in enumerate(LABELS)}

    resumed = fit(PAIRS, tmp_path, config, base_model=tiny_base_model)
    assert resumed.steps == 6  # the finished checkpoint is picked up, nothing is trained twice


def test_label_smoothing_reaches_the_loss_and_is_checked(
    tmp_path: Path, tiny_base_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    cross_entropy = torch.nn.functional.cross_entropy
    smoothing_seen: list[float] = []

    def spy(*args: object, **kwargs: float) -> torch.Tensor:
        smoothing_seen.append(kwargs["label_smoothing"])
        return cross_entropy(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(torch.nn.functional, "cross_entropy", spy)
    config = TrainConfig(batch_size=3, max_minutes=2.0, threads=1, epochs=1, label_smoothing=0.2)
    result = fit(PAIRS, tmp_path, config, base_model=tiny_base_model)
    assert smoothing_seen == [0.2, 0.2]  # two batches of three pairs
    assert result.final_loss > 0
    with pytest.raises(InputError, match="label_smoothing"):
        TrainConfig(label_smoothing=1.0)


def test_layers_keep_the_bottom_of_the_network(tmp_path: Path, tiny_base_model: Path) -> None:
    import torch

    from veracity.errors import ConfigError
    from veracity.train.model import load_classifier

    full = load_classifier(tiny_base_model)
    shallow = load_classifier(tiny_base_model, layers=1)
    assert (len(full.bert.encoder.layer), len(shallow.bert.encoder.layer)) == (2, 1)
    kept, bottom = shallow.bert.encoder.layer[0].state_dict(), full.bert.encoder.layer[0].state_dict()
    assert all(torch.equal(kept[name], bottom[name]) for name in bottom)
    with pytest.raises(ConfigError, match="has 2 layers"):
        load_classifier(tiny_base_model, layers=3)
    with pytest.raises(InputError, match="layers"):
        TrainConfig(layers=0)

    result = fit(PAIRS, tmp_path, TrainConfig(batch_size=3, threads=1, epochs=1, layers=1), tiny_base_model)
    assert json.loads((result.model_dir / "config.json").read_text())["num_hidden_layers"] == 1


def test_distillation_loss_is_zero_only_where_the_student_matches_the_teacher() -> None:
    import torch

    from veracity.train.trainer import _distill_loss

    teacher = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    matching = torch.log(teacher) * 2.0  # softmax(logits / 2) == teacher
    assert _distill_loss(matching, teacher, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    assert _distill_loss(torch.zeros(2, 3), teacher, 2.0).item() > 0.1
    with pytest.raises(InputError, match="distill_weight"):
        TrainConfig(distill_weight=1.5)


def test_a_teacher_alone_decides_the_weights_at_full_distillation_weight(
    tmp_path: Path, tiny_base_model: Path
) -> None:
    from safetensors.numpy import load_file

    from veracity.train.export import export_quantized

    teacher_run = fit(PAIRS, tmp_path / "teacher-run", TrainConfig(batch_size=3, threads=1), tiny_base_model)
    teacher = tmp_path / "teacher"
    export_quantized(teacher_run.model_dir, teacher / "verifier-int8.onnx")
    flipped = [Pair(p.evidence, p.claim, LABELS[(LABELS.index(p.label) + 1) % 3], p.source) for p in PAIRS]

    def trained(
        pairs: list[Pair], name: str, teacher_dir: Path | None, weight: float
    ) -> dict[str, np.ndarray]:
        # a budget no run approaches: the schedule follows the steps alone, not the seconds each run took
        config = TrainConfig(
            batch_size=3, threads=1, epochs=1, learning_rate=1e-3, distill_weight=weight, max_minutes=1e6
        )
        result = fit(pairs, tmp_path / name, config, tiny_base_model, teacher=teacher_dir)
        return load_file(str(result.model_dir / "model.safetensors"))

    def same(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> bool:
        return all(np.allclose(first[name], second[name], rtol=0, atol=1e-6) for name in first)

    assert same(trained(PAIRS, "a", teacher, 1.0), trained(flipped, "b", teacher, 1.0))
    assert json.loads((tmp_path / "a" / "fit.json").read_text())["teacher"] == str(teacher)
    assert not same(trained(PAIRS, "c", teacher, 0.5), trained(flipped, "d", teacher, 0.5))


def test_onnx_export_matches_torch(tmp_path: Path, tiny_base_model: Path) -> None:
    pytest.importorskip("onnx")
    import onnxruntime
    import torch
    from transformers import BertForSequenceClassification

    from veracity.train.export import export_onnx, quantize_int8
    from veracity.train.model import load_classifier, load_tokenizer

    model_dir = tmp_path / "hf"
    load_classifier(tiny_base_model).save_pretrained(str(model_dir))
    onnx_path = export_onnx(model_dir, tmp_path / "model.onnx")

    tokenizer = load_tokenizer(tiny_base_model, 64)
    encodings = tokenizer.encode_batch([(p.evidence, p.claim) for p in PAIRS[:2]])
    width = max(len(e.ids) for e in encodings)
    feeds = {
        name: np.array([getattr(e, attr) + [0] * (width - len(e.ids)) for e in encodings], dtype=np.int64)
        for name, attr in FEED_FIELDS
    }
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_logits = session.run(["logits"], feeds)[0]
    model = BertForSequenceClassification.from_pretrained(str(model_dir)).eval()
    with torch.no_grad():
        torch_logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits.numpy()
    assert onnx_logits.shape == (2, 3)
    np.testing.assert_allclose(onnx_logits, torch_logits, atol=1e-4)

    int8_path = quantize_int8(onnx_path, tmp_path / "model-int8.onnx")
    quantized = onnxruntime.InferenceSession(str(int8_path), providers=["CPUExecutionProvider"])
    assert quantized.run(["logits"], feeds)[0].shape == (2, 3)
    assert int8_path.stat().st_size < onnx_path.stat().st_size


def test_weight_average_saves_the_mean_of_the_last_steps(tmp_path: Path, tiny_base_model: Path) -> None:
    import torch
    from transformers import BertForSequenceClassification

    config = TrainConfig(
        batch_size=2, max_minutes=2.0, threads=1, learning_rate=1e-3, epochs=2, average_from=0.5
    )
    result = fit(PAIRS, tmp_path, config, base_model=tiny_base_model)
    assert result.averaged_steps == 3  # steps 4, 5 and 6 of 6
    last = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    saved = BertForSequenceClassification.from_pretrained(str(result.model_dir)).state_dict()
    mean = last["average"]["mean"]
    name = "classifier.weight"
    torch.testing.assert_close(saved[name], mean[name])
    assert not torch.equal(saved[name], last["model"][name])  # the checkpoint keeps the last step

    resumed = fit(PAIRS, tmp_path, config, base_model=tiny_base_model)
    assert resumed.averaged_steps == 3  # the mean travels with the checkpoint


def test_weight_average_from_must_leave_steps_to_average(tmp_path: Path, tiny_base_model: Path) -> None:
    from veracity.errors import InputError

    with pytest.raises(InputError, match="average_from"):
        fit(PAIRS, tmp_path, TrainConfig(batch_size=2, average_from=1.0), base_model=tiny_base_model)


def test_fused_graph_quantises_and_serves_as_another_model_file(
    tmp_path: Path, tiny_base_model: Path
) -> None:
    """The graph bench_inference.py measures: eager attention, fused by onnxruntime, then int8; the builtin
    verifier's encoder reads it by file name beside the shipped one."""
    pytest.importorskip("onnx")
    from onnxruntime.transformers.optimizer import optimize_model

    from veracity.errors import ConfigError
    from veracity.train.export import export_onnx, quantize_int8
    from veracity.train.model import load_classifier
    from veracity.verify.builtin import CrossEncoder

    model_dir = tmp_path / "hf"
    load_classifier(tiny_base_model).save_pretrained(str(model_dir))
    (tmp_path / "tokenizer.json").write_bytes((tiny_base_model / "tokenizer.json").read_bytes())
    export_onnx(model_dir, tmp_path / "plain.onnx")
    export_onnx(model_dir, tmp_path / "eager.onnx", attention="eager")
    fused = optimize_model(str(tmp_path / "eager.onnx"), model_type="bert", num_heads=2, hidden_size=32)
    assert fused.get_fused_operator_statistics()["Attention"] == 2  # one per layer
    fused.save_model_to_file(str(tmp_path / "fused.onnx"))
    quantize_int8(tmp_path / "fused.onnx", tmp_path / "fused-int8.onnx")

    pairs = [(p.evidence, p.claim) for p in PAIRS]
    plain = CrossEncoder(tmp_path, 64, threads=1, model_file="plain.onnx").logits(pairs)
    np.testing.assert_allclose(
        CrossEncoder(tmp_path, 64, model_file="fused.onnx").logits(pairs), plain, atol=1e-4
    )
    assert CrossEncoder(tmp_path, 64, model_file="fused-int8.onnx").logits(pairs).shape == (len(PAIRS), 3)
    with pytest.raises(ConfigError, match=r"absent\.onnx"):
        CrossEncoder(tmp_path, 64, model_file="absent.onnx").logits(pairs)
