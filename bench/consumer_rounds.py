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
Prints each round's rates and ratios, then the median and range of each ratio.

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

LOOP = "sum(range(6*10**7))"


def calibration() -> float:
    """Seconds the calibration loop takes in a fresh interpreter now."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LOOP], check=True)
    return time.perf_counter() - started


def cpu_times() -> list[int]:
    """The machine's CPU time so far in clock ticks: user, nice, system, idle, iowait, irq,
    softirq, steal (/proc/stat)."""
    return [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


@dataclass(frozen=True, slots=True)
class Phase:
    rate: float  # articles per minute
    loop: float  # the calibration loop's seconds, the mean of before and after
    idle: float  # the share of the machine's CPU time left idle or waiting on the disk
    steal: float  # the share taken by the host for other machines

    def __str__(self) -> str:
        return (
            f"{self.rate:.1f}/min (loop {self.loop:.2f} s, idle {self.idle:.0%}, "
            f"steal {self.steal:.0%})"
        )


def timed_phase(run: Callable[[], float]) -> Phase:
    """Run a phase that returns articles per minute; return it with the calibration loop
    before and after it and where the machine's CPU time went meanwhile."""
    before = calibration()
    start = cpu_times()
    rate = run()
    spent = [b - a for a, b in zip(start, cpu_times(), strict=True)]
    total = sum(spent) or 1
    return Phase(
        rate, (before + calibration()) / 2, (spent[3] + spent[4]) / total, spent[7] / total
    )


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
    ratios: dict[int, list[float]] = {n: [] for n in counts}
    with tempfile.TemporaryDirectory(prefix="factcheck-rounds-") as tmp:
        seed = Path(tmp) / "seed"
        seed.mkdir()
        seed_database(seed, checked)
        site, paths = build_site(args.pages, args.feeds, checked)
        with site:
            for number in range(1, args.rounds + 1):

                def raw(number: int = number) -> float:
                    folder = fresh(seed, f"raw{number}")
                    return raw_rate(folder, site, paths, encoder_threads(1))[0][len(paths)]

                def consumers(how_many: int, number: int = number) -> float:
                    folder = fresh(seed, f"c{how_many}-{number}")
                    found = consumers_run(folder, site, args.feeds, len(paths), how_many)
                    assert found["articles"] == found["distinct_titles"] == len(paths), found
                    return found["rate"]

                phases: list[tuple[str, Callable[[], float]]] = [("raw", raw)] + [
                    (f"{n} consumer(s)", lambda n=n: consumers(n)) for n in counts
                ]
                if number % 2 == 0:
                    phases.reverse()
                measured = {name: timed_phase(run) for name, run in phases}
                raw_per_min = measured["raw"].rate
                line = [f"round {number}:"]
                for name, phase in measured.items():
                    line.append(f"{name} {phase}")
                for n in counts:
                    ratios[n].append(measured[f"{n} consumer(s)"].rate / raw_per_min)
                line.append("; ".join(f"{n} consumer(s) {ratios[n][-1]:.2f} x raw" for n in counts))
                print(" ".join(line[:1]) + " " + ", ".join(line[1:]), flush=True)
    for n in counts:
        values = ratios[n]
        print(
            f"{n} consumer(s) / raw over {args.pages} pages: median {statistics.median(values):.2f}"
            f", range {min(values):.2f}-{max(values):.2f} over {len(values)} rounds"
        )


if __name__ == "__main__":
    main()
