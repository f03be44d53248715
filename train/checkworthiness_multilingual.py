"""Train the multilingual check-worthiness classifier; write checkworthiness_multilingual.npz.

Data: ../shared/data/claimbuster/train.json (English; label 1 = check-worthy factual claim),
the same 80/20 split as train/checkworthiness.py. Features: the multilingual encoder's
sentence vector plus four script-independent features (text.checkworthiness_multilingual).
Model: logistic regression, balanced class weights, C chosen by F1 on the balanced dev split.
Then it scores eval/checkworthiness/translated.tsv (sentences written for this, each in
English and translated into ru, es, de and ar) and prints, per language, the F1 at 0.5, the
ranking AUC and the mean score of each class.
Run: .venv/bin/python -m train.checkworthiness_multilingual [OUT.npz]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score

from bench.datasets import balanced, claimbuster_split
from factcheck.matching.embedder import MultilingualEmbedder
from factcheck.text import checkworthiness_multilingual as model_module

ROOT = Path(__file__).resolve().parents[1]
OUT = (
    Path(sys.argv[1])
    if len(sys.argv) > 1
    else (ROOT / "factcheck" / "text" / "checkworthiness_multilingual.npz")
)
TRANSLATED = ROOT / "eval" / "checkworthiness" / "translated.tsv"


def translated() -> list[tuple[str, int, str]]:
    """Return (language, label, sentence) of the translated evaluation sentences."""
    with TRANSLATED.open(encoding="utf-8", newline="") as f:
        return [
            (row["language"], int(row["label"]), row["sentence"])
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def main() -> None:
    texts, labels, train, dev = claimbuster_split()
    dev_balanced = balanced(dev, labels)
    encoder = MultilingualEmbedder()
    print(f"encoding {len(texts)} ClaimBuster sentences ...", flush=True)
    x_all = model_module.features(encoder.encode(texts), texts)
    mean = x_all[train].mean(axis=0)
    scale = x_all[train].std(axis=0) + 1e-6
    x = (x_all - mean) / scale
    best = None
    for c in (0.01, 0.03, 0.1, 0.3, 1.0):
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        model.fit(x[train], labels[train])
        f1 = f1_score(labels[dev_balanced], model.predict(x[dev_balanced]))
        print(
            f"C={c}: dev F1 {f1_score(labels[dev], model.predict(x[dev])):.3f}, "
            f"balanced dev F1 {f1:.3f}",
            flush=True,
        )
        if best is None or f1 > best[0]:
            best = (f1, c, model)
    f1, c, model = best
    np.savez_compressed(
        OUT,
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        coef=model.coef_[0].astype(np.float32),
        intercept=np.float32(model.intercept_[0]),
    )
    print(f"chose C={c} (balanced dev F1 {f1:.3f}); wrote {OUT}")
    rows = translated()
    sentences = [sentence for _, _, sentence in rows]
    x_t = (model_module.features(encoder.encode(sentences), sentences) - mean) / scale
    scores = 1.0 / (1.0 + np.exp(-(x_t @ model.coef_[0] + model.intercept_[0])))
    print("translated sentences (language: F1 at 0.5, AUC, mean score of worthy / not):")
    for language in dict.fromkeys(language for language, _, _ in rows):
        rows_of = [i for i, row in enumerate(rows) if row[0] == language]
        y = np.array([rows[i][1] for i in rows_of])
        s = scores[rows_of]
        print(
            f"  {language}: F1 {f1_score(y, s >= 0.5):.3f}, AUC {roc_auc_score(y, s):.3f}, "
            f"{s[y == 1].mean():.3f} / {s[y == 0].mean():.3f}"
        )


if __name__ == "__main__":
    main()
