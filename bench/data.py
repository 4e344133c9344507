"""`make bench-data`: make sure the benchmark database holds the generated data set.

Generates BENCH_WORKERS workers (default 1,000,000, seed BENCH_SEED) into
BENCH_DATABASE unless generated data is there already, which is then reused as
it is (`make bench-generate` regenerates it). Later benchmarks start from here.
Prints one line of JSON: what the database holds.
"""

import sys
import time

from bench.common import bench_seed, bench_workers, emit, generated_workers, log, use_bench_database


def main() -> None:
    database = use_bench_database()
    from django.core.management import call_command

    wanted = bench_workers()
    present = generated_workers()
    started = time.monotonic()
    if present is None:
        log(f"generating {wanted:,} workers into {database}")
        call_command("generate_data", workers=wanted, seed=bench_seed(), stdout=sys.stderr)
        present, action = generated_workers(), "generated"
    else:
        action = "reused"
        if present != wanted:
            log(f"{database} holds {present:,} generated workers (BENCH_WORKERS={wanted:,}); reusing them. "
                "Run `make bench-generate` to regenerate.")  # fmt: skip
    emit({"benchmark": "data", "database": database, "workers": present, "action": action,
          "seconds": round(time.monotonic() - started, 1)})  # fmt: skip


if __name__ == "__main__":
    main()
