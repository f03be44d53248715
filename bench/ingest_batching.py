"""Study: how much CPU an article's extraction would save if a consumer took several at once.

Two consumers on two cores reach 95-99 % of what two bare ingest loops reach (bench/README.md,
monitoring), so passing 1.7 x the raw rate needs less CPU per article with two consumers. The
costly steps that take a batch are the parse (spaCy's pipe), the sentence encoder and the
multilingual encoder. This prints, per article, the CPU time (one encoder thread, as each of
two consumers has) of each step run article by article and on BATCH articles at once, three
rounds interleaved. ARTICLES articles of six CheckThat! claims each, as in bench.monitoring.

    .venv/bin/python -m bench.ingest_batching [--articles 96] [--batch 8]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import real_claims
from bench.monitoring import CHECKED, SENTENCES_PER_ARTICLE, app_for, config_for
from factcheck.extensions import db, get_matcher
from factcheck.text.claims import draft_claims
from factcheck.text.parse import load_parser
from factcheck.text.pipeline import extract_sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()
    pool = real_claims()[CHECKED:]
    n = SENTENCES_PER_ARTICLE
    bodies = [" ".join(pool[i * n : (i + 1) * n]) for i in range(args.articles)]
    groups = [range(i, min(i + args.batch, len(bodies))) for i in range(0, len(bodies), args.batch)]
    app = app_for(config_for(Path(tempfile.mkdtemp(prefix="factcheck-batching-")), threads=1))
    with app.app_context():
        db.create_all()
        matcher = get_matcher()
        encoder = matcher.embedder
        multilingual = matcher.multilingual.embedder if matcher.multilingual else None
        nlp = load_parser()
        claims = [[d.text for d in draft_claims(body)] for body in bodies]  # loads the parser
        sentences = [[s.text for s in extract_sentences(body)] for body in bodies]
        encoder.encode_layers(["warm up"])

        def each(step: Callable[[list[str]], object], texts: list[list[str]]) -> Callable:
            return lambda: [step(part) for part in texts]

        def batched(step: Callable[[list[str]], object], texts: list[list[str]]) -> Callable:
            return lambda: [step([t for i in group for t in texts[i]]) for group in groups]

        def parse(texts: list[str]) -> list:
            return list(nlp.pipe(texts))

        steps = {"parse (spaCy)": (parse, sentences), "encoder": (encoder.encode_layers, claims)}
        if multilingual is not None:
            steps["multilingual encoder"] = (multilingual.encode, claims)
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(3):
            for name, (step, texts) in steps.items():
                for how, run in (("one", each(step, texts)), ("batch", batched(step, texts))):
                    start = time.process_time()
                    run()
                    per_article = (time.process_time() - start) / len(bodies) * 1000
                    times.setdefault((name, how), []).append(per_article)
        start = time.process_time()
        for body in bodies:
            draft_claims(body)
        drafting = (time.process_time() - start) / len(bodies) * 1000
    saved = 0.0
    print(f"{len(bodies)} articles, batches of {args.batch}, CPU ms per article (median of 3):")
    for name in steps:
        one = statistics.median(times[name, "one"])
        batch = statistics.median(times[name, "batch"])
        saved += one - batch
        print(f"  {name}: {one:.1f} one by one, {batch:.1f} in batches ({one - batch:.1f} saved)")
    print(f"  saved in all: {saved:.1f} ms per article; draft_claims alone takes {drafting:.1f}")


if __name__ == "__main__":
    main()
