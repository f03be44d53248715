"""Benchmark: consumers against the raw loop in alternating rounds, so that the VM's drift
falls on both sides of each ratio (bench.monitoring runs its phases minutes apart).

Each round ingests the same PAGES pages (bench.monitoring's site: real claims, every tenth
page repeating a checked one) on a fresh copy of one seeded database, twice or more:
  raw      fetch + extract + ingest in this process, the default ENCODER_THREADS (as in
           bench.monitoring)
  N        N `flask jobs work` consumers polling FEEDS feeds (a fresh queue), timed from the
           first poll to the last article stored
in an order that alternates from round to round (raw first, then last), with the calibration
loop (`python3 -c "sum(range(6*10**7))"`, bench/README.md) timed before and after each
phase, and the share of the machine's CPU time left idle and stolen by the host during it.
Prints each round's rates and ratios, then the median and range of each ratio. Each rate is
taken over all the pages and, steady, from the 10 % to the 90 % stored: without the consumers'
start (polling the feeds, the queue's first wait) and the last batch, which one consumer
finishes alone (the raw loop has neither).

    .venv/bin/python -m bench.consumer_rounds [--rounds 6] [--pages 400] [--feeds 20]
        [--consumers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import real_claims
from bench.monitoring import (
    CHECKED,
    build_site,
    consumers_run,
    encoder_threads,
    fresh,
    raw_rate,
    seed_database,
)
from tests.http_server import Site

LOOP = "sum(range(6*10**7))"
STEADY = (0.1, 0.9)  # the share of the pages stored between which the steady rate is taken
Progress = list[tuple[float, int]]  # (seconds since the phase's start, articles stored)


def calibration() -> float:
    """Seconds the calibration loop takes in a fresh interpreter now."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LOOP], check=True)
    return time.perf_counter() - started


def cpu_times() -> list[int]:
    """The machine's CPU time so far in clock ticks: user, nice, system, idle, iowait, irq,
    softirq, steal (/proc/stat)."""
    return [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def steady_rate(progress: Progress, total: int) -> float:
    """Articles per minute from the first to the last share of STEADY of TOTAL articles."""
    first, last = (next(p for p in progress if p[1] >= total * share) for share in STEADY)
    return (last[1] - first[1]) / (last[0] - first[0]) * 60


@dataclass(frozen=True, slots=True)
class Phase:
    rate: float  # articles per minute, all pages
    steady: float  # articles per minute, within STEADY
    loop: float  # the calibration loop's seconds, the mean of before and after
    idle: float  # the share of the machine's CPU time left idle or waiting on the disk
    steal: float  # the share taken by the host for other machines

    def __str__(self) -> str:
        return (
            f"{self.rate:.1f}/min, steady {self.steady:.1f}/min (loop {self.loop:.2f} s, "
            f"idle {self.idle:.0%}, steal {self.steal:.0%})"
        )


def timed_phase(run: Callable[[], Progress], total: int) -> Phase:
    """Run a phase that stores TOTAL articles and returns its progress; return its rates, the
    calibration loop before and after it, and where the machine's CPU time went meanwhile."""
    before = calibration()
    start = cpu_times()
    progress = run()
    spent = [b - a for a, b in zip(start, cpu_times(), strict=True)]
    cpu = sum(spent) or 1
    return Phase(
        total / progress[-1][0] * 60,
        steady_rate(progress, total),
        (before + calibration()) / 2,
        (spent[3] + spent[4]) / cpu,
        spent[7] / cpu,
    )


def one_round(
    number: int, seed: Path, site: Site, paths: list[str], feeds: int, counts: list[int]
) -> dict[str, Phase]:
    """Round NUMBER: raw, then each count of consumers (reversed in even rounds)."""

    def raw() -> Progress:
        rates, _ = raw_rate(fresh(seed, f"raw{number}"), site, paths, encoder_threads(1))
        return [(n / rate * 60, n) for n, rate in rates.items()]

    def consumers(how_many: int) -> Progress:
        folder = fresh(seed, f"consumers{how_many}-{number}")
        found = consumers_run(folder, site, feeds, len(paths), how_many)
        assert found["articles"] == found["distinct_titles"] == len(paths), found
        return found["progress"]

    phases: list[tuple[str, Callable[[], Progress]]] = [
        ("raw", raw),
        *((f"{n} consumer(s)", lambda n=n: consumers(n)) for n in counts),
    ]
    if number % 2 == 0:
        phases.reverse()
    return {name: timed_phase(run, len(paths)) for name, run in phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument(
        "--consumers", default="2", help="comma list of consumer counts to run each round"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.consumers.split(",")]
    checked = real_claims()[:CHECKED]
    print(
        f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.rounds} rounds of "
        f"{args.pages} pages in {args.feeds} feeds; raw with ENCODER_THREADS "
        f"{encoder_threads(1)}, consumers {counts}",
        flush=True,
    )
    ratios: dict[int, list[tuple[float, float]]] = {n: [] for n in counts}
    with tempfile.TemporaryDirectory(prefix="factcheck-rounds-") as tmp:
        seed = Path(tmp) / "seed"
        seed.mkdir()
        seed_database(seed, checked)
        site, paths = build_site(args.pages, args.feeds, checked)
        with site:
            for number in range(1, args.rounds + 1):
                measured = one_round(number, seed, site, paths, args.feeds, counts)
                raw = measured["raw"]
                told = []
                for n in counts:
                    phase = measured[f"{n} consumer(s)"]
                    ratios[n].append((phase.rate / raw.rate, phase.steady / raw.steady))
                    told.append(
                        f"{n} consumer(s) {ratios[n][-1][0]:.2f} x raw, steady "
                        f"{ratios[n][-1][1]:.2f} x"
                    )
                phases = ", ".join(f"{name} {phase}" for name, phase in measured.items())
                print(f"round {number}: {phases}; {'; '.join(told)}", flush=True)
    steady = f"steady ({STEADY[0]:.0%}-{STEADY[1]:.0%} of the pages)"
    for n in counts:
        for which, name in ((0, "all pages"), (1, steady)):
            values = [pair[which] for pair in ratios[n]]
            print(
                f"{n} consumer(s) / raw over {args.pages} pages, {name}: median "
                f"{statistics.median(values):.2f}, range {min(values):.2f}-{max(values):.2f} "
                f"over {len(values)} rounds"
            )


if __name__ == "__main__":
    main()
