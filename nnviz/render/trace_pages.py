"""Turning a run's traces into exported files: one image per phase, a PDF handout, an
animation (GIF, WebP or APNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnviz.core.data import Dataset
from nnviz.core.explain import neuron_formulas
from nnviz.core.phases import phase_names
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.render.handout import caption_for
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.view import ViewState

ANIMATIONS = ("gif", "webp", "apng")


def scenes_for(
    spec: NetworkSpec,
    dataset: Dataset,
    traces: list[StepTrace],
    view: ViewState,
    *,
    only_update: bool = False,
    neuron: tuple[int, int] | None = None,
) -> list[tuple[str, SceneState]]:
    """(file stem, scene) for every exported phase, in teaching order, built by the window's
    own scene builder; ``neuron`` (layer from 1, index from 0) is selected with its formulas."""
    names = phase_names(len(spec.layers) - 1)
    out = []
    for tr in traces:
        for k, phase in enumerate(names):
            if only_update and phase != "update":
                continue
            side = selection = None
            if neuron is not None:
                layer, i = neuron
                side = neuron_formulas(
                    tr,
                    layer - 1,
                    i,
                    0,
                    max(view.digits, 4),
                    phase=phase,
                    shared_bias=spec.bias_shared,
                )
                selection = ("neuron", layer, i)
            scene = build_scene(
                spec,
                view,
                trace=tr,
                phase=k,
                selection=selection,
                dataset=dataset,
                side_text=side,
            )
            out.append((f"step{tr.step:03d}-{k + 1:02d}-{phase}", scene))
    return out


class TraceExport:
    """An export done one unit at a time (one image, or one frame), so a window can show
    progress and offer Cancel between units. ``run()`` does it all at once."""

    def __init__(
        self,
        scenes: list[tuple[str, SceneState]],
        out: Path,
        *,
        fmt: str,
        width: int,
        height: int,
        grid: tuple[int, int] = (1, 1),
        frame_ms: int = 800,
        transparent: bool = False,
        png_quality: int | None = None,
        page: str = "a4",
        orientation: str = "auto",
    ) -> None:
        if fmt not in ("png", "svg", "pdf", *ANIMATIONS):
            raise ValueError(f"unknown format {fmt!r}")
        self.scenes, self.out, self.fmt = scenes, Path(out), fmt
        self.width, self.height, self.grid = width, height, grid
        self.frame_ms, self.transparent = frame_ms, transparent
        self.png_quality = png_quality
        self.page, self.orientation = page, orientation
        self.done = 0
        self.written: list[Path] = []
        self._anim = None  # the animation being written, frame by frame

    @property
    def anim_path(self) -> Path:
        """Where an animation goes: trace.gif, trace.webp or trace.png (APNG)."""
        from nnviz.render.animation import EXTENSIONS

        return self.out / f"trace.{EXTENSIONS[self.fmt]}"

    @property
    def total(self) -> int:
        return len(self.scenes) + (1 if self.fmt in ("pdf", *ANIMATIONS) else 0)

    def step(self) -> bool:
        """Do the next unit of work; False once everything is written."""
        from nnviz.render.export import (
            PNG_QUALITY,
            ensure_gui_app,
            render_image,
            save_pdf,
            save_png,
            save_svg,
        )

        ensure_gui_app()
        if self.done >= self.total:
            return False
        if self.done < len(self.scenes):
            stem, scene = self.scenes[self.done]
            if self.fmt == "png":
                path = self.out / f"{stem}.png"
                quality = PNG_QUALITY if self.png_quality is None else self.png_quality
                save_png(
                    scene,
                    path,
                    self.width,
                    self.height,
                    self.transparent,
                    quality=quality,
                    follow_links=False,
                )
                self.written.append(path)
            elif self.fmt == "svg":
                path = self.out / f"{stem}.svg"
                save_svg(
                    scene,
                    path,
                    self.width,
                    self.height,
                    transparent=self.transparent,
                    follow_links=False,
                )
                self.written.append(path)
            elif self.fmt in ANIMATIONS:  # streamed: one frame in memory at a time
                if self._anim is None:
                    from nnviz.render.animation import AnimationStream

                    self._anim = AnimationStream(
                        self.anim_path,
                        self.fmt,
                        self.width,
                        self.height,
                        frames_total=len(self.scenes),
                        follow_links=False,
                    )
                self._anim.add(
                    _rgb(render_image(scene, self.width, self.height)), max(self.frame_ms, 20)
                )
        elif self.fmt == "pdf":
            path = self.out / "trace.pdf"
            save_pdf(
                [s for _, s in self.scenes],
                path,
                self.width,
                self.height,
                grid=self.grid,
                page=self.page,
                orientation=self.orientation,
                captions=[caption_for(stem) for stem, _ in self.scenes],
                follow_links=False,
            )
            self.written.append(path)
        else:
            self._anim.close()
            self._anim = None
            self.written.append(self.anim_path)
        self.done += 1
        return self.done < self.total

    def abort(self) -> None:
        """Stop: an animation being written is dropped (no partial file, no temporary left)."""
        if self._anim is not None:
            self._anim.abort()
            self._anim = None

    def run(self) -> list[Path]:
        try:
            while self.step():
                pass
        except BaseException:
            self.abort()
            raise
        return self.written


def export_trace(
    spec: NetworkSpec,
    dataset: Dataset,
    traces: list[StepTrace],
    out: Path,
    *,
    fmt: str,
    width: int,
    height: int,
    view: ViewState,
    only_update: bool = False,
    neuron: tuple[int, int] | None = None,
    grid: tuple[int, int] = (1, 1),
    frame_ms: int = 800,
    transparent: bool = False,
    png_quality: int | None = None,
    page: str = "a4",
    orientation: str = "auto",
) -> list[Path]:
    """Write the files of an export at once and return their paths. ``png_quality`` is Qt's
    PNG setting (None: export.PNG_QUALITY, zlib's fastest level; every setting is lossless);
    ``page`` and ``orientation`` set a PDF's paper (see nnviz.render.handout)."""
    scenes = scenes_for(spec, dataset, traces, view, only_update=only_update, neuron=neuron)
    job = TraceExport(
        scenes,
        out,
        fmt=fmt,
        width=width,
        height=height,
        grid=grid,
        frame_ms=frame_ms,
        transparent=transparent,
        png_quality=png_quality,
        page=page,
        orientation=orientation,
    )
    return job.run()


def _rgb(image) -> np.ndarray:
    """An RGB uint8 array [H, W, 3] from a QImage."""
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, : w * 3].reshape(h, w, 3).copy()
