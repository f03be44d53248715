"""Train the check-worthiness classifier and write factcheck/text/checkworthiness.npz.

Data: ../shared/data/claimbuster/train.json (label 1 = check-worthy factual claim), split
80/20 (stratified, seed 13) into train and dev; C is chosen by F1 on the balanced dev split
(negatives down-sampled), the setting of the baseline the issue quotes.
Features: mean-pooled hidden states of MiniLM layers 2-6 plus claim-level features (numbers,
quantities, comparatives, claim verbs, hedges, ...). Model: logistic regression, balanced
class weights, C chosen on dev. Run: .venv/bin/python bench/train_checkworthiness.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datasets import balanced, claimbuster_split  # noqa: E402
from factcheck.matching import Embedder  # noqa: E402
from factcheck.text.checkworthiness import CheckworthinessModel  # noqa: E402

OUT = ROOT / "factcheck" / "text" / "checkworthiness.npz"


def main() -> None:
    texts, labels, train, dev = claimbuster_split()
    dev_balanced = balanced(dev, labels)
    print(f"encoding {len(texts)} sentences ...", flush=True)
    layers = Embedder().encode_layers(texts).layers
    features = CheckworthinessModel.features(layers, texts)
    mean = features[train].mean(axis=0)
    scale = features[train].std(axis=0) + 1e-6
    x = (features - mean) / scale
    best = None
    for c in (0.005, 0.01, 0.02, 0.05):
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        model.fit(x[train], labels[train])
        f1 = f1_score(labels[dev_balanced], model.predict(x[dev_balanced]))
        print(f"C={c}: dev F1 {f1_score(labels[dev], model.predict(x[dev])):.3f}, "
              f"balanced dev F1 {f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, c, model)
    f1, c, model = best
    np.savez_compressed(OUT, mean=mean.astype(np.float32), scale=scale.astype(np.float32),
                        coef=model.coef_[0].astype(np.float32),
                        intercept=np.float32(model.intercept_[0]))
    print(f"chose C={c} (balanced dev F1 {f1:.3f}); wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
