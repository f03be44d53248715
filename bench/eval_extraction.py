"""Quality of claim extraction: check-worthiness and decomposition. Run with `make eval`.

1. Check-worthiness on the ClaimBuster dev split (the 20% train/checkworthiness.py holds
   out): precision, recall and F1 at the 0.5 threshold, on the natural split and on a balanced
   one (negatives down-sampled, as the issue's baseline).
2. MAP over the held-out third of the CheckThat! 2019 debates (bench/datasets.py
   debates_split; the rest is training data): each debate's lines ranked by score.
3. Decomposition against the human atomic claims of Factcheck-Bench: each response is run
   through the pipeline as one article; our claims are assigned to the human sentence they
   start in; we report claims per sentence, how often the count agrees, and best-match cosine
   similarity in both directions (recall: each human claim's closest claim of ours in the same
   sentence; precision: each of our claims' closest human claim).
4. Check-worthiness of our claims there: the share scored >= 0.5 among claims from sentences
   the annotators marked check-worthy, and among the others.
Arguments name the parts to run (checkworthiness, decomposition, debates; default all).
The last line is a JSON object with every number.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_fscore_support

from bench.datasets import balanced, claimbuster_split, debates_split, factcheck_bench
from factcheck.matching import Embedder
from factcheck.services.extraction import score_sentences
from factcheck.text import clean_text
from factcheck.text.checkworthiness import score_claims
from factcheck.text.claims import draft_claims

ROOT = Path(__file__).resolve().parents[1]


def checkworthiness(embedder: Embedder, results: dict) -> None:
    texts, labels, _, dev = claimbuster_split()
    scores = np.array(score_sentences(embedder, [texts[i] for i in dev]))
    by_index = dict(zip(dev, scores, strict=True))
    for name, rows in (("dev", dev), ("balanced dev", balanced(dev, labels))):
        predicted = np.array([by_index[i] >= 0.5 for i in rows])
        p, r, f1, _ = precision_recall_fscore_support(labels[rows], predicted, average="binary")
        print(
            f"check-worthiness, ClaimBuster {name} ({len(rows)} sentences): "
            f"P {p:.3f} R {r:.3f} F1 {f1:.3f}"
        )
        results[f"claimbuster_{name.replace(' ', '_')}"] = {
            "P": round(p, 4),
            "R": round(r, 4),
            "F1": round(f1, 4),
        }


def debate_map(embedder: Embedder, results: dict) -> None:
    aps = []
    _, held_out = debates_split()  # the other debates are training data
    for _name, lines in sorted(held_out.items()):
        labels = [label for _, label in lines]
        if not any(labels):
            continue
        scores = score_sentences(embedder, [text for text, _ in lines])
        aps.append(average_precision_score(labels, scores))
    print(
        f"check-worthiness, CheckThat! 2019 held-out debates: MAP {np.mean(aps):.3f} "
        f"over {len(aps)} debates"
    )
    results["debates_map"] = round(float(np.mean(aps)), 4)


def decomposition(embedder: Embedder, results: dict) -> None:
    human_counts, our_counts, recall, precision = [], [], [], []
    claims, worthy = [], []  # our claims, and whether the annotators marked their sentence
    for document in factcheck_bench():
        body = clean_text(document["response"])
        drafts = draft_claims(body)
        position = 0
        for sentence in document["sentences"].values():
            start = body.find(" ".join(sentence["text"].split()), position)
            if start < 0:
                continue
            end = start + len(" ".join(sentence["text"].split()))
            position = end
            ours = [d.text for d in drafts if start <= d.start < end]
            human = sentence["claims"]
            human_counts.append(len(human))
            our_counts.append(len(ours))
            claims.extend(ours)
            worthy.extend([sentence.get("sentence_checkworthiness") == "yes"] * len(ours))
            if human and ours:
                similarity = embedder.encode(human) @ embedder.encode(ours).T
                recall.extend(similarity.max(axis=1))
                precision.extend(similarity.max(axis=0))
    human_counts, our_counts = np.array(human_counts), np.array(our_counts)
    agree = float(np.mean(human_counts == our_counts))
    print(
        f"decomposition, Factcheck-Bench ({len(human_counts)} sentences): claims per sentence "
        f"human {human_counts.mean():.2f} ours {our_counts.mean():.2f}; same count "
        f"{agree:.1%}; mean |difference| {np.abs(human_counts - our_counts).mean():.2f}"
    )
    print(
        f"decomposition best-match cosine: human->ours {np.mean(recall):.3f}, "
        f"ours->human {np.mean(precision):.3f}"
    )
    scores = np.array(score_claims(embedder.encode_layers(claims).layers, claims)) >= 0.5
    worthy = np.array(worthy)
    print(
        f"check-worthiness of our {len(claims)} Factcheck-Bench claims (>= 0.5): "
        f"{scores[worthy].mean():.1%} of {worthy.sum()} in sentences the annotators marked "
        f"check-worthy, {scores[~worthy].mean():.1%} of {(~worthy).sum()} in the others"
    )
    results["decomposition"] = {
        "sentences": len(human_counts),
        "human_per_sentence": round(float(human_counts.mean()), 3),
        "ours_per_sentence": round(float(our_counts.mean()), 3),
        "same_count": round(agree, 4),
        "best_match_recall": round(float(np.mean(recall)), 4),
        "best_match_precision": round(float(np.mean(precision)), 4),
        "checkworthy_in_worthy_sentences": round(float(scores[worthy].mean()), 4),
        "checkworthy_in_other_sentences": round(float(scores[~worthy].mean()), 4),
    }


def main() -> None:
    # FACTCHECK_ENCODER_PRECISION=int8: the same evaluation with the quantized ONNX encoder.
    precision = os.environ.get("FACTCHECK_ENCODER_PRECISION", "fp32")
    embedder = (
        Embedder()
        if precision == "fp32"
        else Embedder(onnx_dir=ROOT / "instance" / "models" / "onnx", precision=precision)
    )
    parts = {
        "checkworthiness": checkworthiness,
        "decomposition": decomposition,
        "debates": debate_map,
    }
    # `python -m bench.eval_extraction decomposition` runs that part alone.
    chosen = sys.argv[1:] or list(parts)
    if unknown := set(chosen) - set(parts):
        sys.exit(f"unknown part(s) {sorted(unknown)}; choose from {sorted(parts)}")
    results: dict = {}
    for name in chosen:
        parts[name](embedder, results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
