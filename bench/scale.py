"""`make bench-scale`: how each benchmark's cost grows from 100,000 to 1,000,000 workers.

Runs `bench.redflags`, `bench.dashboard` and `bench.api` (BENCH_SCALE_BENCHMARKS) once over each
data set of BENCH_SCALE_SIZES (default `100000:siskop2mi_bench_100k,1000000:siskop2mi_bench`:
workers and the database holding them, generated first where missing, as `make bench-data` would),
in that order, each in a process of its own exactly as its `make bench-<name>` target runs it. Each
run's JSON line is kept under var/bench/ and its progress goes to stderr.

Then, for every number the two runs of a benchmark both report (a time, a p95, a ratio to its
floor, requests per second...), the growth: the value at the larger size divided by the value at
the smaller one. With ten times the workers, a growth near 10 is linear (a full scan), near 1 is flat
(a page reading a summary, a keyset page of the API), and a ratio to a floor that stays put says the
work grows as its floor does. One line of JSON:
`{"benchmark": "scale", "sizes": [100000, 1000000], "workers_growth": 10.0,
  "growth": {"redflags": {"full_scan_seconds": {"100000": 3.1, "1000000": 31.0, "growth": 10.0}, ...}, ...}}`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.common import emit, log

DEFAULT_SIZES = "100000:siskop2mi_bench_100k,1000000:siskop2mi_bench"
DEFAULT_BENCHMARKS = "redflags,dashboard,api"
RESULTS_DIR = Path(os.environ.get("SISKOP2MI_VAR_DIR", "var")) / "bench"


def sizes() -> list[tuple[int, str]]:
    pairs = []
    for item in os.environ.get("BENCH_SCALE_SIZES", DEFAULT_SIZES).split(","):
        workers, _, database = item.partition(":")
        pairs.append((int(workers), database))
    return sorted(pairs)


def run_benchmark(name: str, workers: int, database: str) -> dict:
    """One benchmark over one data set, in its own process; its JSON line (also kept on disk)."""
    log(f"{name} over {workers:,} workers ({database})")
    env = {**os.environ, "BENCH_WORKERS": str(workers), "BENCH_DATABASE": database}
    finished = subprocess.run(
        [sys.executable, "-m", f"bench.{name}"], env=env, stdout=subprocess.PIPE, text=True, check=True
    )
    line = finished.stdout.strip().splitlines()[-1]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}-{workers}.json").write_text(line + "\n")
    return json.loads(line)


def numbers(result: dict, prefix: str = "") -> dict[str, float]:
    """Every number of a benchmark's JSON by its dotted path; flags (true/false) and sizes left out."""
    found = {}
    for key, value in result.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(numbers(value, f"{path}."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and key not in {"workers", "samples"}:
            found[path] = value
    return found


def growth(small: dict, large: dict, small_size: int, large_size: int) -> dict:
    small_numbers, large_numbers = numbers(small), numbers(large)
    return {
        path: {
            str(small_size): value,
            str(large_size): large_numbers[path],
            "growth": round(large_numbers[path] / value, 2) if value else None,
        }
        for path, value in small_numbers.items()
        if path in large_numbers
    }


def main() -> None:
    data_sets = sizes()
    if len(data_sets) != 2:
        sys.exit("bench-scale: BENCH_SCALE_SIZES needs exactly two 'workers:database' pairs")
    (small_size, small_db), (large_size, large_db) = data_sets
    benchmarks = os.environ.get("BENCH_SCALE_BENCHMARKS", DEFAULT_BENCHMARKS).split(",")
    results, small_workers, large_workers = {}, small_size, large_size
    for name in benchmarks:
        small = run_benchmark(name, small_size, small_db)
        large = run_benchmark(name, large_size, large_db)
        # The data sets' real sizes, which a reused data set may make differ from the asked ones.
        small_workers, large_workers = small.get("workers", small_size), large.get("workers", large_size)
        results[name] = growth(small, large, small_workers, large_workers)
    emit(
        {
            "benchmark": "scale",
            "sizes": [small_workers, large_workers],
            "workers_growth": round(large_workers / small_workers, 2),
            "growth": results,
        }
    )


if __name__ == "__main__":
    main()
