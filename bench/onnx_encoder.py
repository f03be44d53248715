"""Benchmark: torch fp32 vs ONNX Runtime fp32 vs ONNX int8 for Embedder.encode_layers.

Exports and quantizes the packaged model into a temporary folder (onnx_backend.quantize_onnx:
the int8 copy ENCODER_PRECISION=int8 uses), then prints the time to encode the seed article's
claims (warm median of 7 runs), throughput on 3,000 real sentences (1,000 each of ClaimBuster
debate sentences, CheckThat! 2A tweets and verified claims), how close the int8 vectors and
classifier features are to torch fp32 on them, and the check-worthiness F1 on the ClaimBuster
dev split with int8 vs fp32 features. --batching prints only how int8 vectors depend on the
batch they are encoded in (its activations are quantized per batch): the seed sentences'
cosine to fp32 encoded alone, in the product's length-sorted batches of 16, and in 30 random
batchings of 16 (seeded), with the time per text alone and in batches.

    .venv/bin/python -m bench.onnx_encoder [--batching]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from bench.datasets import DATA, balanced, claimbuster_split
from factcheck.matching.embedder import Embedder, Encoded
from factcheck.matching.onnx_backend import OnnxLayerEncoder, export_onnx, quantize_onnx
from factcheck.text import clean_text
from factcheck.text.checkworthiness import LAYERS, CheckworthinessModel
from factcheck.text.claims import draft_claims

ROOT = Path(__file__).resolve().parents[1]

SEED = ROOT.parent / "shared" / "seed" / "000_5fc0cae9969d1887.txt"
SENTENCES = 1000  # of each kind
RUNS = 7

Encode = Callable[[Sequence[str]], Encoded]


def warm_median(encode: Encode, texts: Sequence[str]) -> float:
    """Return the median seconds of RUNS calls after one warm-up call."""
    encode(texts)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        encode(texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(encode: Encode, texts: Sequence[str]) -> tuple[Encoded, float]:
    """Return the encoding of TEXTS and the sentences per second it took."""
    start = time.perf_counter()
    encoded = encode(texts)
    return encoded, len(texts) / (time.perf_counter() - start)


def closeness(name: str, got: Encoded, reference: Encoded) -> None:
    """Print cosine of final embeddings and max abs difference of the classifier layers."""
    cosine = (got.embeddings * reference.embeddings).sum(1)
    diff = np.abs(got.layers[:, list(LAYERS)] - reference.layers[:, list(LAYERS)])
    model = CheckworthinessModel.packaged()
    standardised = diff.reshape(len(diff), -1) / model.scale[: diff[0].size]
    print(
        f"  {name}: cosine min {cosine.min():.4f} mean {cosine.mean():.4f}; "
        f"layers 2-6 max abs diff {diff.max():.4f} (mean {diff.mean():.4f}, "
        f"max in standardised units {standardised.max():.3f})"
    )


def batching(folder: str) -> None:
    """Print how the int8 vectors of the seed sentences (and three short texts, as in
    tests/matching/test_embedder.py) depend on their batch."""
    sentences = [
        *list(dict.fromkeys(d.sentence for d in draft_claims(clean_text(SEED.read_text("utf-8"))))),
        "RT @user: The senator said unemployment fell to 3.2% https://t.co/abc pic.twitter.com/x",
        "Crime doubled.",
        "No.",
    ]
    reference = Embedder().encode(sentences)
    int8 = OnnxLayerEncoder(folder, quantized=True)

    def cosine(vectors: np.ndarray) -> np.ndarray:
        return (vectors * reference).sum(1)

    start = time.perf_counter()
    alone = np.vstack([int8.encode_layers([t], batch_size=1).embeddings for t in sentences])
    per_alone = (time.perf_counter() - start) / len(sentences)
    start = time.perf_counter()
    sorted_batches = int8.encode_layers(sentences, batch_size=16).embeddings
    per_batched = (time.perf_counter() - start) / len(sentences)
    rng = np.random.default_rng(0)
    random_minimums = []
    for _ in range(30):
        order = rng.permutation(len(sentences))
        vectors = np.zeros_like(reference)
        for at in range(0, len(order), 16):
            batch = order[at : at + 16]
            vectors[batch] = int8.encode_layers([sentences[i] for i in batch]).embeddings
        random_minimums.append(cosine(vectors).min())
    print(
        f"int8 cosine to fp32 on {len(sentences)} texts (minimum): alone "
        f"{cosine(alone).min():.4f}; length-sorted batches of 16 "
        f"{cosine(sorted_batches).min():.4f}; 30 random batchings of 16: lowest "
        f"{min(random_minimums):.4f}, median {statistics.median(random_minimums):.4f}"
    )
    print(
        f"int8 time per text: alone {per_alone * 1000:.1f} ms, in batches of 16 "
        f"{per_batched * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--batching",
        action="store_true",
        help="only measure how int8 vectors depend on their batch",
    )
    args = parser.parse_args()
    if not SEED.exists():
        sys.exit(f"seed article not found at {SEED}")
    if args.batching:
        with tempfile.TemporaryDirectory() as tmp:
            export_onnx(tmp)
            quantize_onnx(tmp)
            batching(tmp)
        return
    claims = [d.text for d in draft_claims(clean_text(SEED.read_text("utf-8")))]
    texts, labels, _, dev = claimbuster_split()
    two_a = DATA / "checkthat2021-2a"
    tweets = [
        line.split("\t")[1]
        for line in (two_a / "tweets-train-dev.tsv").read_text("utf-8").splitlines()
        if "\t" in line
    ]
    verified = [
        json.loads(line)["vclaim"]
        for line in (two_a / "vclaims.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    sample = texts[:SENTENCES] + tweets[:SENTENCES] + verified[:SENTENCES]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        export_onnx(tmp)
        quantize_onnx(tmp)
        print(f"export + quantize: {time.perf_counter() - start:.1f} s")
        backends: dict[str, Encode] = {
            "torch fp32": Embedder().encode_layers,
            "onnx fp32": OnnxLayerEncoder(tmp, quantized=False).encode_layers,
            "onnx int8": OnnxLayerEncoder(tmp, quantized=True).encode_layers,
        }
        print(f"seed claims ({len(claims)} texts, batches of 16), warm median of {RUNS}:")
        for name, encode in backends.items():
            print(f"  {name}: {warm_median(encode, claims) * 1000:.1f} ms")
        print(f"throughput on {len(sample)} real sentences:")
        encoded = {}
        for name, encode in backends.items():
            encoded[name], rate = timed(encode, sample)
            print(f"  {name}: {rate:.1f} sentences/s")
        print(f"closeness to torch fp32 (seed claims / {len(sample)} sentences):")
        reference = backends["torch fp32"](claims)
        for name in ("onnx fp32", "onnx int8"):
            closeness(f"{name}, seed claims", backends[name](claims), reference)
            closeness(f"{name}, {len(sample)} sentences", encoded[name], encoded["torch fp32"])
        dev_texts = [texts[i] for i in dev]
        model = CheckworthinessModel.packaged()
        even = balanced(dev, labels)
        predictions = {}
        print(f"check-worthiness F1 at 0.5 (dev {len(dev)}, balanced dev {len(even)}):")
        for name in ("torch fp32", "onnx int8"):
            probability = np.full(len(texts), np.nan)
            probability[dev] = model.probability(backends[name](dev_texts).layers, dev_texts)
            predictions[name] = probability >= 0.5
            print(
                f"  {name}: dev F1 {f1_score(labels[dev], predictions[name][dev]):.4f}, "
                f"balanced F1 {f1_score(labels[even], predictions[name][even]):.4f}"
            )
        agree = (predictions["torch fp32"][dev] == predictions["onnx int8"][dev]).mean()
        print(f"  int8 and fp32 decisions agree on {agree:.2%} of dev")


if __name__ == "__main__":
    main()
