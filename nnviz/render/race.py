"""Drawing a race: its lanes side by side as small multiples (each lane's name and settings,
its network at the last step, its decision boundary) over one loss chart of every lane, in the
lanes' colours. One function paints onto any device, so the race window and its exported
images are the same picture."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

from nnviz.core.analysis import Grid, output_grid
from nnviz.core.numfmt import fmt
from nnviz.core.phases import phase_names
from nnviz.core.runs import Run
from nnviz.core.threads import view_threads
from nnviz.render.colormap import CLASS_COLOURS, output_colours
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.theme import get_theme
from nnviz.render.view import ViewState

RUN_COLOURS = [
    "#2166ac",
    "#c25a00",
    "#1a7f37",
    "#8250df",
    "#d1008f",
    "#00a3a3",
    "#b8860b",
    "#6e7781",
]
BOUNDARY_RESOLUTION = 96
LOSS_POINTS = 600


def run_colour(run: Run) -> str:
    """The colour a run has everywhere (runs panel, loss overlays, races)."""
    return RUN_COLOURS[(run.id - 1) % len(RUN_COLOURS)]


@dataclass
class Lane:
    """One lane as drawn: its run, colour, scene (the last step's update) and output grid."""

    run: Run
    colour: str
    scene: SceneState
    grid: Grid | None


def lanes_of(runs: list[Run], theme: str) -> list[Lane]:
    """What each lane shows now (its last recorded step), in each run's colour."""
    view = ViewState(theme=theme, show_caption=False, show_legend=False, digits=3)
    out = []
    for run in runs:
        colour = run_colour(run)
        n = run.n_steps
        trace = run.history.trace(n) if n else None
        phase = len(phase_names(len(run.spec.layers) - 1)) - 1 if n else -1  # the update
        weights, biases = run.history.parameters_after(0) if not n else ([], [])
        scene = build_scene(
            run.spec, view, trace=trace, phase=phase, weights=weights, biases=biases,
            dataset=run.engine.dataset,
        )  # fmt: skip
        with view_threads(BOUNDARY_RESOLUTION**2, run.spec.n_parameters):
            grid = output_grid(run.engine, BOUNDARY_RESOLUTION)
        out.append(Lane(run, colour, scene, grid))
    return out


def paint_race(
    p: QPainter, rect: QRectF, lanes: list[Lane], theme: str, renderer: NetworkRenderer
) -> None:
    """The race frame into ``rect``: lanes left to right, the shared loss chart below."""
    th = get_theme(theme)
    s = max(rect.height(), 1.0) / 1080.0
    p.save()
    p.setClipRect(rect)
    p.fillRect(rect, QColor(th.background))
    px = max(22 * s, 11)
    chart_h = rect.height() * 0.26
    width = rect.width() / max(len(lanes), 1)
    for k, lane in enumerate(lanes):
        col = QRectF(rect.left() + k * width, rect.top(), width, rect.height() - chart_h)
        _lane(p, col, lane, th, px, renderer)
    chart = QRectF(rect.left(), rect.bottom() - chart_h, rect.width(), chart_h)
    _loss_chart(p, chart.adjusted(px * 3.5, px * 0.6, -px, -px * 1.6), lanes, th, px)
    p.restore()


def _font(px: float, bold: bool = False) -> QFont:
    f = QFont("DejaVu Sans")
    f.setPixelSize(max(int(round(px)), 8))
    f.setBold(bold)
    return f


def _lane(p: QPainter, col: QRectF, lane: Lane, th, px: float, renderer: NetworkRenderer) -> None:
    run = lane.run
    pad = px * 0.5
    p.setPen(QColor(lane.colour))
    p.setFont(_font(px * 1.1, bold=True))
    title = QRectF(col.left() + pad, col.top() + pad, col.width() - 2 * pad, px * 1.5)
    p.drawText(title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, run.name)
    loss = run.last_loss()
    info = f"step {run.n_steps:,}" + ("" if loss is None else f" · loss {fmt(loss, 3)}")
    p.setPen(QColor(th.muted))
    p.setFont(_font(px * 0.8))
    sub = QRectF(title.left(), title.bottom(), title.width(), px * 1.2)
    p.drawText(sub, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, info)
    p.setPen(QPen(QColor(lane.colour), max(px * 0.15, 2)))
    p.drawLine(
        QPointF(col.left() + pad, sub.bottom() + 2), QPointF(col.right() - pad, sub.bottom() + 2)
    )
    body_top = sub.bottom() + pad
    body_h = col.bottom() - body_top
    net_h = body_h * (0.55 if lane.grid is not None else 1.0)
    net = QRectF(col.left(), body_top, col.width(), net_h)
    renderer.paint(p, net, lane.scene)
    if lane.grid is not None:
        side = min(col.width() - 2 * pad, body_h - net_h - pad)
        box = QRectF(col.center().x() - side / 2, net.bottom() + pad / 2, side, side)
        p.drawImage(box, boundary_image(lane))
        p.setPen(QPen(QColor(th.muted), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(box)
        _points(p, box, lane)


def boundary_image(lane: Lane) -> QImage:
    """The lane's output grid coloured as the decision boundary dock colours it (one output
    over its own range; several by the winning class)."""
    out = lane.grid.outputs
    lo, hi = float(np.nanmin(out)), float(np.nanmax(out))
    rgb = output_colours(out, lo, hi if hi > lo else lo + 1.0)
    rgb = np.ascontiguousarray(np.flipud(rgb))  # row 0 is the top
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _points(p: QPainter, box: QRectF, lane: Lane) -> None:
    ds = lane.run.engine.dataset
    g = lane.grid
    labels = ds.labels_train if ds.labels_train is not None else np.zeros(ds.n_train, dtype=int)
    colours = [QColor(c) for c in CLASS_COLOURS]
    r = max(box.width() / 110, 2.0)
    p.setPen(QPen(QColor("#000000"), 0.5))
    for (x, y), c in zip(ds.x_train[:600].tolist(), labels[:600].tolist(), strict=True):
        px_ = box.left() + (x - g.x0) / (g.x1 - g.x0) * box.width()
        py_ = box.bottom() - (y - g.y0) / (g.y1 - g.y0) * box.height()
        p.setBrush(colours[int(c) % len(colours)])
        p.drawEllipse(QPointF(px_, py_), r, r)


def _curve(run: Run) -> tuple[np.ndarray, np.ndarray, str]:
    """A lane's loss curve: the training-set loss the run recorded (after every epoch, more
    sparsely in long runs), or its batch losses before there are two such points."""
    if len(run.evals) >= 2:
        return (
            np.array([e.step for e in run.evals], dtype=float),
            np.array([e.train_loss for e in run.evals]),
            "training-set loss",
        )
    losses = run.history.losses()
    return np.arange(1, len(losses) + 1, dtype=float), losses, "batch loss"


def _loss_chart(p: QPainter, box: QRectF, lanes: list[Lane], th, px: float) -> None:
    """Every lane's loss on one log scale."""
    p.setPen(QPen(QColor(th.muted), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(box)
    curves3 = [_curve(lane.run) for lane in lanes]
    what = curves3[0][2] if curves3 else "loss"
    curves = [c[1] for c in curves3]
    steps = max((lane.run.n_steps for lane in lanes), default=0)
    finite = [c[np.isfinite(c) & (c > 0)] for c in curves]
    if steps == 0 or not any(f.size for f in finite):
        p.setFont(_font(px * 0.8))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "losses appear as the lanes train")
        return
    lo = float(np.log10(min(f.min() for f in finite if f.size)))
    hi = float(np.log10(max(f.max() for f in finite if f.size)))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    p.setFont(_font(px * 0.7))
    p.setPen(QColor(th.muted))
    for value, y in ((hi, box.top()), (lo, box.bottom())):
        label = QRectF(box.left() - px * 3.4, y - px * 0.5, px * 3.2, px)
        p.drawText(
            label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, fmt(10**value, 2)
        )
    p.drawText(
        QRectF(box.left(), box.bottom() + px * 0.2, box.width(), px * 1.2),
        Qt.AlignmentFlag.AlignCenter,
        f"{what} (log scale), steps 1–{steps:,}",
    )
    for lane, (xs_all, c, _) in zip(lanes, curves3, strict=True):
        if not len(c):
            continue
        stride = max(len(c) // LOSS_POINTS, 1)
        xs = xs_all[::stride]
        ys = c[::stride]
        ok = np.isfinite(ys) & (ys > 0)
        fx = box.left() + (xs[ok] - 1) / max(steps - 1, 1) * box.width()
        fy = box.bottom() - (np.log10(ys[ok]) - lo) / (hi - lo) * box.height()
        p.setPen(QPen(QColor(lane.colour), max(px * 0.12, 1.5)))
        p.drawPolyline(
            QPolygonF([QPointF(x, y) for x, y in zip(fx.tolist(), fy.tolist(), strict=True)])
        )


def render_race(
    lanes: list[Lane], width: int, height: int, theme: str, renderer: NetworkRenderer | None = None
) -> QImage:
    """The race frame as an image of ``width``×``height`` (what the race window shows)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_race(
            painter, QRectF(0, 0, width, height), lanes, theme, renderer or NetworkRenderer()
        )
    finally:
        painter.end()
    return image
