"""`make bench`: the plan time of every stack relative to a one-resource program, in one run.

Both run under the same recording mock engine in the same process, after a warm-up render each
(imports and provider SDK loading are paid once), with a garbage collection before every timed render.
Machine speed drifts within a run, so the two are interleaved: each round times the one-resource
program (median of BASELINE_BATCH renders, as a single one lasts milliseconds) right before the stack,
and the figure is the median of the rounds' ratios. A ratio, not seconds, is what is comparable between
machines.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path
from typing import Any

from offline.engine import PROGRAM, render
from stacks import loader

ROUNDS = 9
BASELINE_BATCH = 7
BASELINE = Path(__file__).resolve().parent / "one_resource.py"


def timed(raw: dict[str, Any], stack: str, program: Path) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    count = len(render(raw, stack, program=program).resources)
    return time.perf_counter() - start, count


def ratio(stack: str, raw: dict[str, Any]) -> tuple[float, float, int]:
    """(median ratio, median stack seconds, registrations) over ROUNDS interleaved rounds."""
    render(raw, "baseline", program=BASELINE)
    render(raw, stack)  # warm-ups
    ratios, seconds, count = [], [], 0
    for _ in range(ROUNDS):
        base = statistics.median(timed(raw, "baseline", BASELINE)[0] for _ in range(BASELINE_BATCH))
        elapsed, count = timed(raw, stack, PROGRAM)
        ratios.append(elapsed / base)
        seconds.append(elapsed)
    return statistics.median(ratios), statistics.median(seconds), count


def main() -> None:
    print(f"{'stack':<20}{'registrations':>14}{'median ms':>12}{'ratio':>8}")
    for stack in loader.stack_names():
        raw = loader.read_stack_file(loader.resolve_stack_file(stack))
        factor, seconds, count = ratio(stack, raw)
        print(f"{stack:<20}{count:>14}{seconds * 1000:>12.1f}{factor:>8.1f}x")


if __name__ == "__main__":
    main()
