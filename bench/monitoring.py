"""Benchmark: watching the media on the job engine (throughput, memory, alert latency, kill -9).

A local HTTP server on 127.0.0.1 (allowed with FETCH_ALLOW_HOSTS; one request a second per host
is switched off, since every page lives on that one host) serves FEEDS RSS feeds listing
ARTICLES article pages, each made at run time of six CheckThat! claims (../shared/data); every
tenth page also repeats a claim imported with a published verdict, so alerts are raised.

Prints, each phase on a fresh copy of one seeded SQLite database and a fresh Huey queue:
  raw        fetch + extract + ingest of every page in this one process, in the order the
             consumers get them, no job engine, with the default ENCODER_THREADS (2 here): its
             rate over the first N articles for each N (the database grows as it goes, so each
             consumer figure is read against the raw rate over as many articles) and the cores
             it kept busy (its CPU time over its wall time): what one process already takes
             of the machine, so what a second one can add. Then the ceiling: the first
             RAW_ARTICLES pages with 1 encoder thread, and two such processes at once on
             separate copies: the most two processes get out of this machine
  1 / 2      consumers (`flask jobs work` processes) polling the feeds and ingesting every
             item: articles per minute from the first poll to the last article, as a ratio
             of the raw rate; a consumer's memory (VmRSS) after 100 articles and at the end.
             Consumers split the cores for encoding (ENCODER_THREADS = cores / consumers)
  latency    items added to the feeds one by one while a consumer runs (sources polled every
             minute): seconds from the item appearing to its alert being stored, p50 / p95
  kill -9    in the two-consumer phase, one consumer killed half way and another started:
             is every article stored exactly once? (the two-consumer rate is taken until the
             kill; `--skip kill` runs that phase without it)

    .venv/bin/python -m bench.monitoring [--articles 2000] [--feeds 20] [--latency-items 10]
        [--raw-articles 300] [--skip raw,one,two,latency,kill]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from bench.corpus import real_claims
from factcheck import create_app
from factcheck.extensions import db, get_fetcher, get_matcher
from factcheck.job_engine import get_engine
from factcheck.models import Alert, Article, ArticleUrl, Claim, Job, JobStatus
from factcheck.services import claims as claim_service
from factcheck.services import pages, sources
from factcheck.services.claims import parse_record
from tests.http_server import FEED, Reply, Site, article_html, rss

ROOT = Path(__file__).resolve().parents[1]

CHECKED = 300  # claims imported with a published verdict
SENTENCES_PER_ARTICLE = 6
WARM_UP = "/warm-up"


def encoder_threads(consumers: int) -> int:
    """CONSUMERS on this machine split its cores for encoding."""
    return max(1, (os.cpu_count() or 2) // consumers)


def config_for(folder: Path, consumers: int = 1, threads: int | None = None) -> dict[str, str]:
    """The settings of a phase: THREADS encoder threads, else CONSUMERS' share of the cores."""
    return {
        "ENCODER_THREADS": str(threads or encoder_threads(consumers)),
        "DATABASE_URL": f"sqlite:///{folder / 'app.sqlite3'}",
        "SECRET_KEY": "bench",
        "JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
        "FETCH_ALLOW_HOSTS": "127.0.0.1",
        "FETCH_MIN_INTERVAL_SECONDS": "0",
        "INDEX_REFRESH_SECONDS": "1.0",
    }


def app_for(config: dict[str, str]):
    settings = {
        k: json.loads(v) if k.endswith(("SECONDS", "THREADS")) else v for k, v in config.items()
    }
    settings["SQLALCHEMY_DATABASE_URI"] = settings.pop("DATABASE_URL")
    return create_app(settings)


class Consumer:
    """A `flask jobs work` process; ready once it printed its start line."""

    def __init__(self, config: dict[str, str], log: Path) -> None:
        env = {**os.environ, **{f"FACTCHECK_{k}": v for k, v in config.items()}}
        self.log, self._out = log, log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "factcheck", "jobs", "work"],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        while "Job consumer" not in self.log.read_text():
            if self.process.poll() is not None:
                raise SystemExit(f"consumer stopped:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()


def build_site(articles: int, feeds: int, checked: list[str]) -> tuple[Site, list[str]]:
    """Serve the pages and the feeds; return the site and the pages' paths."""
    pool = real_claims()[CHECKED:]
    needed = articles * SENTENCES_PER_ARTICLE
    if len(pool) < needed:
        raise SystemExit(f"only {len(pool)} claims in ../shared/data; {needed} needed")
    site, paths = Site(), []
    for number in range(articles):
        sentences = pool[number * SENTENCES_PER_ARTICLE : (number + 1) * SENTENCES_PER_ARTICLE]
        if number % 10 == 0:
            sentences = [*sentences[:3], checked[number // 10 % len(checked)], *sentences[3:]]
        path = f"/news/{number}"
        site.routes[path] = Reply(article_html(f"Story {number}", sentences))
        paths.append(path)
    for feed in range(feeds):
        site.routes[f"/feed/{feed}.xml"] = Reply(
            rss([(path, path) for path in paths[feed::feeds]]), headers=FEED
        )
    # In no feed: the raw loops ingest it first, so that the parser is loaded before the clock.
    site.routes[WARM_UP] = Reply(article_html("Warm-up", real_claims()[-SENTENCES_PER_ARTICLE:]))
    return site, paths


def seed_database(folder: Path, checked: list[str]) -> None:
    """Store the checked claims (published verdicts) that the articles may repeat."""
    app = app_for(config_for(folder))
    with app.app_context():
        db.create_all()
        records = [
            parse_record(
                {"text": text, "rating": "false", "url": f"https://factcheck.example/checked/{n}"}
            )
            for n, text in enumerate(checked)
        ]
        claim_service.import_claims(db.session, get_matcher(), records)
        db.session.remove()
        db.engine.dispose()


def fresh(seed: Path, name: str) -> Path:
    folder = seed.parent / name
    folder.mkdir()
    shutil.copy(seed / "app.sqlite3", folder / "app.sqlite3")
    return folder


def count_articles() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Article.id)))


def raw_rate(
    folder: Path, site: Site, paths: list[str], threads: int
) -> tuple[dict[int, float], float]:
    """Fetch + extract + ingest PATHS in this process, one after another, encoding on THREADS
    threads (the warm-up page first: the parser loads on first use). Return the rate over the
    first N articles for each N (articles per minute: the database grows as it goes, so a rate
    is read against one over as many articles), and the cores kept busy."""
    app = app_for(config_for(folder, threads=threads))
    done_at: list[float] = []
    with app.app_context():
        matcher, fetcher = get_matcher(), get_fetcher()
        thresholds = matcher.thresholds  # read from the config once, by the app
        pages.ingest_url(
            db.session, matcher, fetcher, f"{site.url}{WARM_UP}", thresholds=thresholds
        )
        start, cpu = time.perf_counter(), time.process_time()
        for path in paths:
            pages.ingest_url(
                db.session, matcher, fetcher, f"{site.url}{path}", thresholds=thresholds
            )
            done_at.append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        db.session.remove()
        db.engine.dispose()
    rates = {n: n / seconds * 60 for n, seconds in enumerate(done_at, start=1)}
    return rates, cpu / done_at[-1]


def _raw_child(folder: str, url: str, paths: list[str], results) -> None:
    rates, _ = raw_rate(Path(folder), SimpleNamespace(url=url), paths, threads=1)
    results.put(rates[len(paths)])


def parallel_raw_rate(seed: Path, site: Site, paths: list[str], processes: int = 2) -> float:
    """Articles per minute of PROCESSES raw loops (1 encoder thread each) run at the same time,
    each on its own copy of the database and its own share of PATHS."""
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    share = len(paths) // processes
    children = [
        spawn.Process(
            target=_raw_child,
            args=(
                str(fresh(seed, f"parallel{i}")),
                site.url,
                paths[i * share : (i + 1) * share],
                results,
            ),
        )
        for i in range(processes)
    ]
    for child in children:
        child.start()
    rates = [results.get() for _ in children]
    for child in children:
        child.join()
    return sum(rates)


def add_sources(site: Site, feeds: int, interval: int = 60) -> list[int]:
    policy = get_fetcher().policy
    return [
        sources.add_source(
            db.session,
            name=f"Feed {feed}",
            interval_minutes=interval,
            feed_url=f"{site.url}/feed/{feed}.xml",
            policy=policy,
        ).id
        for feed in range(feeds)
    ]


def consumers_run(
    folder: Path, site: Site, feeds: int, expected: int, how_many: int, kill_at: int | None = None
) -> dict[str, object]:
    """Run HOW_MANY consumers until EXPECTED articles are stored; return rate and memory."""
    config = config_for(folder, how_many)
    app = app_for(config)
    found: dict[str, object] = {"load": os.getloadavg()[0]}
    with app.app_context():
        ids = add_sources(site, feeds)
        running = [Consumer(config, folder / f"consumer{n}.log") for n in range(how_many)]
        try:
            for consumer in running:
                consumer.wait_ready()
            start = time.perf_counter()
            for source_id in ids:
                get_engine().enqueue(
                    "poll_source", {"source_id": source_id}, key=f"poll:{source_id}"
                )
            progress: list[tuple[float, int]] = []  # (seconds since the first poll, articles)
            while (done := count_articles()) < expected:
                progress.append((time.perf_counter() - start, done))
                if "rss_100" not in found and done >= min(100, expected // 2):
                    found["rss_100"] = running[0].rss_mb()
                if kill_at is not None and done >= kill_at and "killed_at" not in found:
                    found["rate_until_kill"] = done / (time.perf_counter() - start) * 60
                    running[0].process.kill()  # SIGKILL
                    found["killed_at"] = done
                    running[0] = Consumer(config, folder / "replacement.log")
                    running[0].wait_ready()
                time.sleep(0.2)
            found["seconds"] = time.perf_counter() - start
            found["progress"] = [*progress, (found["seconds"], done)]
            found["rss_end"] = running[-1].rss_mb()  # a consumer that ran from the start
            time.sleep(2)  # a duplicate, if any, would show now
            found["articles"] = count_articles()
            found["distinct_titles"] = db.session.scalar(
                select(func.count(Article.title.distinct()))
            )
            found["urls"] = db.session.scalar(select(func.count(ArticleUrl.id)))
            found["jobs"] = dict(
                db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
            )
        finally:
            for consumer in running:
                consumer.stop()
        db.session.remove()
        db.engine.dispose()
    found["rate"] = expected / found["seconds"] * 60
    return found


def latency(folder: Path, site: Site, checked: list[str], items: int) -> list[float]:
    """Seconds from an item appearing in a feed to its alert being stored."""
    config = config_for(folder)
    app = app_for(config)
    pool = real_claims()[-items * 4 :]
    times: list[float] = []
    with app.app_context():
        feed_path = "/feed/latency.xml"
        listed: list[tuple[str, str]] = []
        site.routes[feed_path] = Reply(rss([]), headers=FEED)
        source = sources.add_source(
            db.session,
            name="Latency",
            interval_minutes=1,
            feed_url=f"{site.url}{feed_path}",
            policy=get_fetcher().policy,
        )
        consumer = Consumer(config, folder / "latency.log")
        try:
            consumer.wait_ready()
            get_engine().enqueue("poll_source", {"source_id": source.id})
            appeared: dict[str, float] = {}
            rng = random.Random(7)
            for item in range(items):
                path = f"/late/{item}"
                site.routes[path] = Reply(
                    article_html(f"Late {item}", [*pool[item * 3 : item * 3 + 3], checked[item]])
                )
                listed.append((path, path))
                site.routes[feed_path] = Reply(rss(list(reversed(listed))), headers=FEED)
                appeared[f"{site.url}{path}"] = time.time()
                time.sleep(rng.uniform(5, 25))
            deadline = time.time() + 600
            while len(times) < items and time.time() < deadline:
                db.session.expire_all()
                stored = db.session.scalar(
                    select(func.count(Article.id)).where(Article.source_id == source.id)
                )
                busy = db.session.scalar(
                    select(func.count(Job.id)).where(
                        Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
                    )
                )
                if stored == items and not busy:  # every item is in; some raised no alert
                    deadline = min(deadline, time.time() + 5)
                rows = db.session.execute(
                    select(Article.url, func.min(Alert.created_at))
                    .join(Claim, Claim.article_id == Article.id)
                    .join(Alert, Alert.claim_id == Claim.id)
                    .where(Article.source_id == source.id)
                    .group_by(Article.url)
                ).all()
                times = [
                    created.replace(tzinfo=UTC).timestamp() - appeared[url]
                    for url, created in rows
                    if url in appeared
                ]
                time.sleep(1)
        finally:
            consumer.stop()
        db.session.remove()
        db.engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--latency-items", type=int, default=10)
    parser.add_argument(
        "--raw-articles",
        type=int,
        default=300,
        help="pages per process of the one-thread and two-process raw loops (the ceiling); the "
        "default raw loop takes all ARTICLES, as the consumers do",
    )
    parser.add_argument(
        "--skip", default="", help="comma list of phases to skip: raw,one,two,latency,kill"
    )
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    checked = real_claims()[:CHECKED]
    print(
        f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores; "
        f"{args.articles} articles in {args.feeds} feeds"
    )
    with tempfile.TemporaryDirectory(prefix="factcheck-monitoring-") as tmp:
        seed = Path(tmp) / "seed"
        seed.mkdir()
        seed_database(seed, checked)
        site, paths = build_site(args.articles, args.feeds, checked)
        with site:
            # Rates by articles ingested: the raw loop takes the consumers' pages in the same
            # order, and each figure is read against the raw rate over as many articles.
            raw: dict[int, float] = {}
            if "raw" not in skip:
                load = os.getloadavg()[0]
                raw, cores = raw_rate(fresh(seed, "raw"), site, paths, encoder_threads(1))
                marks = sorted({min(args.raw_articles, len(paths)), len(paths) // 2, len(paths)})
                print(
                    f"raw single-process ingest of the {len(paths)} pages, ENCODER_THREADS "
                    f"{encoder_threads(1)}: "
                    + ", ".join(f"{raw[n]:.1f} articles/min over the first {n}" for n in marks)
                    + f"; {cores:.2f} cores busy (load {load:.1f} at its start)"
                )
                ceiling = min(args.raw_articles, len(paths) // 2)
                load = os.getloadavg()[0]
                alone, cores = raw_rate(fresh(seed, "raw1"), site, paths[:ceiling], threads=1)
                both = parallel_raw_rate(seed, site, paths[: 2 * ceiling])
                print(
                    f"raw with ENCODER_THREADS 1, {ceiling} pages: {alone[ceiling]:.1f} "
                    f"articles/min, {cores:.2f} cores busy; two such processes at once, "
                    f"{ceiling} pages each on its own database: {both:.1f} articles/min "
                    f"together = {both / alone[ceiling]:.2f} x one alone = "
                    f"{both / raw[ceiling]:.2f} x raw over {ceiling} (load {load:.1f} at the start)"
                )
            for name, how_many in (("one", 1), ("two", 2)):
                if name in skip:
                    continue
                # With two consumers, one is killed (-9) half way and another started: the
                # rate is taken until the kill, and every article must be stored once.
                kill_at = args.articles // 2 if how_many == 2 and "kill" not in skip else None
                result = consumers_run(
                    fresh(seed, name), site, args.feeds, args.articles, how_many, kill_at=kill_at
                )
                rate = result.get("rate_until_kill", result["rate"])
                stored = result.get("killed_at", args.articles)
                ratio = f", {rate / raw[stored]:.2f} x raw over {stored}" if stored in raw else ""
                until = f" until the kill at {result['killed_at']}" if kill_at else ""
                print(
                    f"{how_many} consumer(s) (load {result['load']:.1f} at the start, "
                    f"{result['seconds'] / 60:.1f} min): {rate:.1f} articles/min{until}{ratio}; "
                    f"consumer RSS after {min(100, args.articles // 2)} articles "
                    f"{result.get('rss_100', float('nan')):.0f}"
                    f" MB, at the end {result['rss_end']:.0f} MB; articles "
                    f"{result['articles']} (distinct titles {result['distinct_titles']}), "
                    f"jobs {result['jobs']}"
                )
                if kill_at:
                    once = result["articles"] == result["distinct_titles"] == args.articles
                    print(
                        f"kill -9 of one of the two consumers after {result['killed_at']} "
                        f"articles, another started: {result['articles']} articles, "
                        f"{result['distinct_titles']} distinct, each exactly once: {once}"
                    )
            if "latency" not in skip and args.latency_items:
                times = latency(fresh(seed, "latency"), site, checked, args.latency_items)
                if times:
                    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
                    print(
                        f"feed item -> alert stored: p50 {statistics.median(times):.1f} s, "
                        f"p95 {p95:.1f} s over the {len(times)} of {args.latency_items} "
                        "items that raised an alert (sources polled every minute)"
                    )
                else:
                    print("feed item -> alert: no alert within 10 minutes")


if __name__ == "__main__":
    main()
