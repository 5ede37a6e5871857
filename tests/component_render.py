"""One component, constructed with hand-written Args, under the recording mock engine.

`render_component(build)` runs `build` (which constructs the component) as a Pulumi program of its own
and returns the Rendering: every registration with its inputs and options. A failure in a component
test points at that component, not at a whole stack's render.
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi.runtime import mocks, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from offline.engine import RecordingMocks, RecordingMonitor, Rendering

PROJECT, STACK = "llm-platform", "component"


def render_component(build: Callable[[], object]) -> Rendering:
    rendering = Rendering(stack=STACK)
    recording = RecordingMocks(rendering)
    settings.reset_options(project=PROJECT, stack=STACK, preview=False)
    set_all_config({})
    mocks.set_mocks(
        recording, project=PROJECT, stack=STACK, preview=False, monitor=RecordingMonitor(recording)
    )

    def program() -> None:
        build()

    _sync_await(run_pulumi_func(program))  # awaits every outstanding registration
    return rendering
