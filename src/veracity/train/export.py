"""Export the fine-tuned cross-encoder to ONNX and quantise it to int8 for fast CPU inference."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model_dir: Path, onnx_path: Path, opset: int = 17, attention: str | None = None) -> Path:
    """fp32 ONNX graph with dynamic batch and sequence axes; output `logits` of shape (batch, 3).

    `attention="eager"` traces the classic attention pattern, the one onnxruntime's transformer optimizer
    can fuse (measured in benchmarks/bench_inference.py: no faster here, so the shipped export keeps the
    default)."""
    import torch
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification.from_pretrained(str(model_dir), attn_implementation=attention)
    model.eval()
    model.config.return_dict = False
    sample = torch.ones((2, 16), dtype=torch.long)
    mask = sample.clone()
    mask[1, 10:] = 0  # a padded row, so the traced graph keeps the general masking path
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "sequence"} for name in ONNX_INPUTS}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample, mask, torch.zeros_like(sample)),
            str(onnx_path),
            input_names=list(ONNX_INPUTS),
            output_names=["logits"],
            dynamic_axes={**axes, "logits": {0: "batch"}},
            opset_version=opset,
            dynamo=False,
        )
    return onnx_path


def quantize_int8(fp32_path: Path, int8_path: Path) -> Path:
    """Dynamic int8 quantisation of the weights (activations stay float): ~4x smaller, ~2x faster on CPU."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8_path.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(
        str(fp32_path),
        str(int8_path),
        weight_type=QuantType.QInt8,
        # fused operators (com.microsoft domain) defeat shape inference; their outputs are float
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    return int8_path


def export_quantized(model_dir: Path, out_path: Path) -> Path:
    """Export and quantise through a temporary fp32 file; copy the tokenizer beside the int8 model."""
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = export_onnx(model_dir, Path(scratch) / "model.onnx")
        quantize_int8(fp32, out_path)
    tokenizer = model_dir / "tokenizer.json"
    if tokenizer.is_file():
        shutil.copyfile(tokenizer, out_path.parent / "tokenizer.json")
    return out_path
