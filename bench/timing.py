"""Small helpers the benchmarks share: formatting and percentiles of timings."""

from __future__ import annotations

import time
from collections.abc import Callable


def ms(seconds: float) -> str:
    """Return SECONDS as milliseconds, one decimal."""
    return f"{seconds * 1000:.1f} ms"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return the p50 and p95 of SAMPLES."""
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def time_each(calls: list[Callable[[], object]]) -> list[float]:
    """Run each call once and return how long each took, in seconds."""
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times
