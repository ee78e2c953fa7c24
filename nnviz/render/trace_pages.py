"""Turning a run's traces into exported files: one image per phase, a PDF handout, a GIF."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnviz.core.data import Dataset
from nnviz.core.explain import header, neuron_formulas, phase_caption
from nnviz.core.phases import phase_names
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.render.scene import SceneState


def scenes_for(
    spec: NetworkSpec,
    dataset: Dataset,
    traces: list[StepTrace],
    *,
    theme: str = "light",
    only_update: bool = False,
    neuron: tuple[int, int] | None = None,
    label_mode: str = "activation",
    decimals: int = 3,
) -> list[tuple[str, SceneState]]:
    """(file stem, scene) for every exported phase, in teaching order."""
    names = phase_names(len(spec.layers) - 1)
    out = []
    for tr in traces:
        for k, phase in enumerate(names):
            if only_update and phase != "update":
                continue
            side = None
            selection = None
            if neuron is not None:
                layer, i = neuron
                side = neuron_formulas(tr, layer - 1, i, 0, max(decimals, 4))
                selection = ("neuron", layer, i)
            scene = SceneState(
                sizes=tuple(spec.layers),
                activations=tuple(spec.activations),
                weights=[],
                biases=[],
                trace=tr,
                phase=k,
                label_mode=label_mode,
                decimals=decimals,
                selection=selection,
                theme=theme,
                header=header(spec.name, tr, phase, len(names)),
                caption=phase_caption(spec.activations, spec.loss, phase),
                input_names=list(dataset.input_names),
                side_text=side,
            )
            out.append((f"step{tr.step:03d}-{k + 1:02d}-{phase}", scene))
    return out


def export_trace(
    spec: NetworkSpec,
    dataset: Dataset,
    traces: list[StepTrace],
    out: Path,
    *,
    fmt: str,
    width: int,
    height: int,
    theme: str = "light",
    only_update: bool = False,
    neuron: tuple[int, int] | None = None,
    label_mode: str = "activation",
    decimals: int = 3,
    grid: tuple[int, int] = (1, 1),
    frame_ms: int = 800,
    transparent: bool = False,
) -> list[Path]:
    """Write the files of an export and return their paths."""
    from nnviz.render.export import ensure_gui_app, render_image, save_pdf, save_png, save_svg

    ensure_gui_app()
    scenes = scenes_for(
        spec,
        dataset,
        traces,
        theme=theme,
        only_update=only_update,
        neuron=neuron,
        label_mode=label_mode,
        decimals=decimals,
    )
    written: list[Path] = []
    if fmt in ("png", "svg"):
        for stem, scene in scenes:
            path = out / f"{stem}.{fmt}"
            if fmt == "png":
                save_png(scene, path, width, height, transparent=transparent)
            else:
                save_svg(scene, path, width, height)
            written.append(path)
    elif fmt == "pdf":
        path = out / "trace.pdf"
        save_pdf([s for _, s in scenes], path, width, height, grid=grid)
        written.append(path)
    elif fmt == "gif":
        from nnviz.render.gif import write_gif

        frames = [_rgb(render_image(s, width, height)) for _, s in scenes]
        path = out / "trace.gif"
        write_gif(path, frames, [max(frame_ms // 10, 2)] * len(frames))
        written.append(path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return written


def _rgb(image) -> np.ndarray:
    """An RGB uint8 array [H, W, 3] from a QImage."""
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, : w * 3].reshape(h, w, 3).copy()
