"""ONNX Runtime backend for the sentence model: export once, then encode faster than torch."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from factcheck.matching.embedder import Encoded, _packaged_model_path

FP32_FILE = "minilm-layers.onnx"
# The recipe's name is in the file name: a copy made by an older recipe is never reused.
INT8_FILE = "minilm-layers.int8-ffn-in-fp32.onnx"
MAX_LENGTH = 256
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model_dir: str | Path, model_path: str | None = None) -> Path:
    """Export the sentence model to MODEL_DIR as ONNX returning pooled states (batch, 7, dim)."""
    import torch
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source = model_path or _packaged_model_path()
    model = AutoModel.from_pretrained(
        source, local_files_only=True, attn_implementation="eager"
    ).eval()

    class PooledLayers(torch.nn.Module):
        """Mean-pool every hidden state over the attention mask."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            states = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
                output_hidden_states=True,
            ).hidden_states
            mask = attention_mask.unsqueeze(-1).to(states[0].dtype)
            count = mask.sum(1).clamp(min=1e-9)
            return torch.stack([(h * mask).sum(1) / count for h in states], dim=1)

    target = Path(model_dir)
    target.mkdir(parents=True, exist_ok=True)
    path = target / FP32_FILE
    # Written under a temporary name and renamed: two workers starting together never see
    # half a file.
    partial = target / f".{FP32_FILE}.{os.getpid()}.partial"
    example = torch.ones((2, 8), dtype=torch.long)
    dynamic = {0: "batch", 1: "sequence"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes concern nothing here
        torch.onnx.export(
            PooledLayers(),
            (example, example, torch.zeros_like(example)),
            str(partial),
            input_names=list(INPUTS),
            output_names=["layers"],
            dynamic_axes={**{name: dynamic for name in INPUTS}, "layers": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    os.replace(partial, path)
    return path


def quantize_onnx(model_dir: str | Path) -> Path:
    """Write an int8 copy of the exported model: dynamic, per-channel MatMul weights.

    The first layer and every layer's FFN input projection (intermediate.dense) stay fp32:
    quantizing them too moves the vectors much further from fp32 ones (measured with
    bench/onnx_encoder.py: bench/README.md).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source, target = Path(model_dir) / FP32_FILE, Path(model_dir) / INT8_FILE
    keep = [
        node.name
        for node in onnx.load(str(source), load_external_data=False).graph.node
        if node.op_type == "MatMul" and ("/intermediate/" in node.name or "/layer.0/" in node.name)
    ]
    partial = target.with_name(f".{INT8_FILE}.{os.getpid()}.partial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(
            str(source),
            str(partial),
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=keep,
            weight_type=QuantType.QInt8,
        )
    os.replace(partial, target)
    return target


class OnnxLayerEncoder:
    """Encode texts like Embedder.encode_layers, with ONNX Runtime on the CPU."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        quantized: bool = False,
        model_path: str | None = None,
        threads: int = 2,
    ) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.tokenizer = AutoTokenizer.from_pretrained(
            model_path or _packaged_model_path(), local_files_only=True
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle intra-op threads sleep instead of spinning: spinning bought 5-15 % on a batch and
        # kept a second core busy (bench/README.md, monitoring), which a consumer takes from
        # the web workers beside it.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        path = Path(model_dir) / (INT8_FILE if quantized else FP32_FILE)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.shape = tuple(self.session.get_outputs()[0].shape[1:])  # (layers + 1, dim)

    def encode_layers(self, texts: Sequence[str], batch_size: int = 16) -> Encoded:
        """Return normalised last-layer embeddings and mean-pooled states of every layer."""
        order = np.argsort([-len(t) for t in texts], kind="stable")
        layers = np.zeros((len(texts), *self.shape), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = order[start : start + batch_size]
            inputs = self.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=MAX_LENGTH,
                return_tensors="np",
            )
            feed = {
                name: np.asarray(value, dtype=np.int64)
                for name, value in inputs.items()
                if name in self.input_names
            }
            layers[batch] = self.session.run(None, feed)[0]
        last = layers[:, -1]
        embeddings = last / np.linalg.norm(last, axis=1, keepdims=True).clip(1e-12)
        return Encoded(np.ascontiguousarray(embeddings, dtype=np.float32), layers)
