"""Turning a run's traces into exported files: one image per phase, a PDF handout, an
animation (GIF, WebP or APNG) or a video (MP4), written frame by frame."""

from __future__ import annotations

import contextlib
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
FORMATS = ("png", "svg", "pdf", *ANIMATIONS, "mp4")


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


class FrameWriter:
    """The files of an export written as frames come (``add``), one frame in memory at a time:
    PNG or SVG files, a PDF handout, an animation or an MP4. ``close()`` finishes them;
    ``abort()`` removes every file it wrote (and only those) and drops the one being written.
    ``frames_total`` is needed up front by APNG (its header counts frames) and the PDF (its
    page numbers)."""

    def __init__(
        self,
        out: Path,
        *,
        fmt: str,
        width: int,
        height: int,
        frames_total: int,
        grid: tuple[int, int] = (1, 1),
        frame_ms: int = 800,
        transparent: bool = False,
        png_quality: int | None = None,
        page: str = "a4",
        orientation: str = "auto",
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.out, self.fmt, self.width, self.height = Path(out), fmt, width, height
        self.frames_total, self.grid, self.frame_ms = frames_total, grid, frame_ms
        self.transparent, self.png_quality = transparent, png_quality
        self.page, self.orientation = page, orientation
        self.written: list[Path] = []
        self.frames = 0
        self._stream = None  # the PDF, animation or video being written

    @property
    def single_path(self) -> Path:
        """Where a one-file export goes: trace.pdf, trace.gif, trace.webp, trace.png (APNG)
        or trace.mp4."""
        from nnviz.render.animation import EXTENSIONS

        return self.out / f"trace.{EXTENSIONS.get(self.fmt, self.fmt)}"

    def _open(self):
        path, w, h = self.single_path, self.width, self.height
        if self.fmt == "pdf":
            from nnviz.render.pdf_stream import PdfStream

            return PdfStream(
                path, w, h, self.frames_total, grid=self.grid, page=self.page,
                orientation=self.orientation, follow_links=False,
            )  # fmt: skip
        if self.fmt == "mp4":
            from nnviz.render.video import Mp4Stream

            return Mp4Stream(path, w, h, follow_links=False)
        from nnviz.render.animation import AnimationStream

        return AnimationStream(path, self.fmt, w, h, frames_total=self.frames_total,
                               follow_links=False)  # fmt: skip

    def add(self, stem: str, scene: SceneState) -> None:
        """Write one frame: its own file (PNG, SVG) or the next frame or cell of the file."""
        from nnviz.render.export import (
            PNG_QUALITY,
            ensure_gui_app,
            render_image,
            save_png,
            save_svg,
        )

        ensure_gui_app()
        if self.fmt == "png":
            path = self.out / f"{stem}.png"
            quality = PNG_QUALITY if self.png_quality is None else self.png_quality
            save_png(scene, path, self.width, self.height, self.transparent, quality=quality,
                     follow_links=False)  # fmt: skip
            self.written.append(path)
        elif self.fmt == "svg":
            path = self.out / f"{stem}.svg"
            save_svg(scene, path, self.width, self.height, transparent=self.transparent,
                     follow_links=False)  # fmt: skip
            self.written.append(path)
        else:
            if self._stream is None:
                self._stream = self._open()
            if self.fmt == "pdf":
                self._stream.add(scene, caption_for(stem))
            else:
                frame = _rgb(render_image(scene, self.width, self.height))
                self._stream.add(frame, max(self.frame_ms, 20))
        self.frames += 1

    def close(self) -> list[Path]:
        """Finish the one-file formats; returns every file written."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
            self.written.append(self.single_path)
        return self.written

    def abort(self) -> None:
        """Stop: the file being written is dropped and every file written is removed."""
        if self._stream is not None:
            self._stream.abort()
            self._stream = None
        for path in self.written:
            with contextlib.suppress(OSError):
                path.unlink()
        self.written = []


class TraceExport:
    """An export of scenes already built, one unit at a time (one image or frame, then the
    file's end), so a caller can show progress and stop between units; ``run()`` does it all."""

    def __init__(self, scenes: list[tuple[str, SceneState]], out: Path, *, fmt: str,
                 width: int, height: int, **options) -> None:  # fmt: skip
        self.scenes = scenes
        self.writer = FrameWriter(
            out, fmt=fmt, width=width, height=height, frames_total=len(scenes), **options
        )
        self.done = 0

    @property
    def written(self) -> list[Path]:
        return self.writer.written

    @property
    def total(self) -> int:
        return len(self.scenes) + 1

    def step(self) -> bool:
        """Do the next unit of work; False once everything is written."""
        if self.done >= self.total:
            return False
        if self.done < len(self.scenes):
            self.writer.add(*self.scenes[self.done])
        else:
            self.writer.close()
        self.done += 1
        return self.done < self.total

    def abort(self) -> None:
        """Stop: nothing of this export is left (no partial file, no temporary)."""
        self.writer.abort()

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
