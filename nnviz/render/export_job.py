"""The export itself, one function for ``nnviz export`` and the window's File → Export trace…:
each step is computed, its phases rendered and written, its record appended to trace.json,
and then dropped, so memory does not depend on the number of steps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nnviz.core.output import open_json_stream
from nnviz.core.phases import phase_names
from nnviz.render.trace_pages import FrameWriter, scenes_for
from nnviz.render.view import ViewState


@dataclass(frozen=True)
class ExportSettings:
    """Everything an export can be asked for: the options of ``nnviz export``."""

    fmt: str = "png"
    steps: int = 1
    size: tuple[int, int] = (1920, 1080)
    view: ViewState = field(default_factory=ViewState)
    only_update: bool = False
    neuron: tuple[int, int] | None = None  # layer from 1, neuron from 0
    grid: tuple[int, int] = (1, 1)
    page: str = "a4"
    orientation: str = "auto"
    frame_ms: int = 800
    transparent: bool = False
    png_quality: int | None = None
    trace_json: bool = True

    def frames_per_step(self, n_layers: int) -> int:
        """Phases exported per step: all of them (forward and backward per weight layer, the
        loss and the update), or only the update."""
        return 1 if self.only_update else len(phase_names(n_layers - 1))

    def frames(self, n_layers: int) -> int:
        return self.steps * self.frames_per_step(n_layers)


def trace_head(engine) -> dict:
    """trace.json's opening members for an export of ``engine``'s steps: the version, the
    network, the device and number type, and the phases' names."""
    from nnviz import __version__
    from nnviz.core.spec import to_dict

    spec = engine.spec
    return {
        "nnviz": __version__,
        "network": to_dict(spec),
        "device": str(engine.device),
        "dtype": engine.dtype_name,
        "phases": phase_names(len(spec.layers) - 1),
    }


class ExportCancelled(Exception):
    """The export was stopped between two frames; nothing of it is left."""


def run_export_job(
    engine,
    out: Path,
    settings: ExportSettings,
    *,
    head: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """Export ``settings.steps`` steps of ``engine`` (trained as it goes) into the existing
    folder ``out``; returns the files written (trace.json last, when asked for). ``head`` is
    trace.json's opening members. ``progress(done, total)`` is called after each frame;
    when ``cancelled()`` turns true, or anything fails, every file this export created is
    removed (and nothing else) before ExportCancelled or the error is raised."""
    spec, dataset = engine.spec, engine.dataset
    w, h = settings.size
    total = settings.frames(len(spec.layers))
    writer = FrameWriter(
        out,
        fmt=settings.fmt,
        width=w,
        height=h,
        frames_total=total,
        grid=settings.grid,
        frame_ms=settings.frame_ms,
        transparent=settings.transparent,
        png_quality=settings.png_quality,
        page=settings.page,
        orientation=settings.orientation,
    )
    trace_path = out / "trace.json"
    done = 0
    # trace.json is entered by hand: a frame's failure must not be reported as trace.json's
    stack = contextlib.ExitStack()
    try:
        steps = None
        if settings.trace_json:
            steps = stack.enter_context(
                open_json_stream(trace_path, head or {}, "steps", follow_links=False)
            )
        for _ in range(settings.steps):
            trace = engine.step()
            scenes = scenes_for(spec, dataset, [trace], settings.view,
                                only_update=settings.only_update, neuron=settings.neuron)  # fmt: skip
            for stem, scene in scenes:
                if cancelled is not None and cancelled():
                    raise ExportCancelled(f"export cancelled after {done} of {total} frames")
                writer.add(stem, scene)
                done += 1
                if progress is not None:
                    progress(done, total)
            del scenes
            if steps is not None:
                steps.add(trace.to_json())
            del trace
        written = writer.close()
        if steps is not None:
            steps.tail["files"] = [p.name for p in written]
    except BaseException:
        writer.abort()
        stack.__exit__(RuntimeError, RuntimeError("export stopped"), None)  # no trace.json
        raise
    try:
        stack.close()  # trace.json appears now
    except BaseException:
        writer.abort()
        raise
    return [*written, trace_path] if settings.trace_json else written
