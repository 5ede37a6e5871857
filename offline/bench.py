"""`make bench`: the plan time of every stack relative to a one-resource program, in one run.

Both run under the same recording mock engine in the same process, after one warm-up render each
(imports and provider SDK loading are paid once), with a garbage collection before every timed render;
the figure is the median of REPEATS renders (BASELINE_REPEATS for the millisecond-scale baseline, whose
single renders are noisy). A ratio, not seconds, is what is comparable between machines.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path

from offline.engine import PROGRAM, render
from stacks import loader

REPEATS = 9
BASELINE_REPEATS = 61
BASELINE = Path(__file__).resolve().parent / "one_resource.py"


def median_seconds(
    stack: str, raw: dict[str, object], program: Path = PROGRAM, repeats: int = REPEATS
) -> tuple[float, int]:
    render(raw, stack, program=program)  # warm-up
    times, count = [], 0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        count = len(render(raw, stack, program=program).resources)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    stacks = loader.stack_names()
    any_raw = loader.read_stack_file(loader.resolve_stack_file(stacks[0]))
    base, _ = median_seconds("baseline", any_raw, BASELINE, BASELINE_REPEATS)
    print(
        f"baseline: one resource under the mock engine: {base * 1000:.1f} ms (median of {BASELINE_REPEATS})"
    )
    print(f"{'stack':<20}{'registrations':>14}{'median ms':>12}{'ratio':>8}")
    for stack in stacks:
        raw = loader.read_stack_file(loader.resolve_stack_file(stack))
        seconds, count = median_seconds(stack, raw)
        print(f"{stack:<20}{count:>14}{seconds * 1000:>12.1f}{seconds / base:>8.1f}x")


if __name__ == "__main__":
    main()
