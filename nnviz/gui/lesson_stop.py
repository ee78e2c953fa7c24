"""Putting the window at a lesson stop: its network (opened only when it is another one), its
step and phase (trained there when not recorded yet), sample, selection, numbers and zoom.

The lesson panel and lecture scripts both go to stops through ``apply_stop``, so a stop looks
the same at a desk and in the lecture hall.
"""

from __future__ import annotations

from pathlib import Path

from nnviz.core.errors import NnvizError
from nnviz.core.lesson import Stop
from nnviz.gui.session import Selection


def shows_network(window, stop: Stop) -> bool:
    """Whether the window already shows the stop's network (as a preset or a file)."""
    from nnviz.core.netfile import resolve

    source = window.session.source
    if not source or getattr(window, "session_path", None) is not None:
        return False  # a session file: its runs are someone's work, not the lesson's network
    try:
        return Path(resolve(source)).resolve() == Path(stop.network_path).resolve()
    except (NnvizError, OSError):
        return False


def network_argument(stop: Stop) -> str:
    """What to open for the stop: the preset's name for a preset, else the file's path."""
    from nnviz.resources_path import resource

    path = Path(stop.network_path).resolve()
    if path.parent == resource("presets").resolve() and stop.network == path.stem:
        return stop.network
    return str(path)


def apply_stop(window, stop: Stop) -> bool:
    """Show ``stop`` in ``window``. False when the user kept their unsaved work (Cancel) or the
    network could not be opened (the window said why): nothing then changes."""
    session = window.session
    if not shows_network(window, stop) and not window.open_network(network_argument(stop)):
        return False
    session.pause()
    phase = stop.phase if stop.phase is not None else 0
    if stop.step == 0:
        session.goto_step(0)
    elif stop.step > session.n_steps:
        session.train_to(stop.step, phase)
    else:
        session.goto_step(stop.step, phase)
    session.set_sample(stop.sample)
    select = stop.select
    if select is None and stop.highlight_quantities:
        select = stop.highlight_quantities[0].selection()
    session.select(_selection(select))
    if stop.labels is not None:
        window.view.label_mode = stop.labels
    _zoom(window.canvas, stop.zoom, session.selection)
    return True


def hide_for_question(window, stop: Stop) -> None:
    """In predict mode, a stop that asks for a number its own phase computes keeps that
    phase's numbers hidden ("?") until the answer is right or the learner reveals them (R);
    every other stop shows its phase, revealed."""
    from nnviz.core.quantities import revealed_at
    from nnviz.gui.predict_panel import reveal

    s = window.session
    if not s.reveals.on or s.step == 0 or s.phase < 0:
        return
    asks = stop.answer is not None and revealed_at(stop.answer, s.n_layers) == s.phase
    if not asks:
        reveal(s)


def _zoom(canvas, zoom: float, selection: Selection | None) -> None:
    """Fit, then zoom by ``zoom`` about the selected neuron (the middle when none is selected
    or the canvas has not been drawn yet)."""
    from PySide6.QtCore import QPointF

    canvas.fit()
    if zoom == 1.0:
        return
    around = None
    if selection is not None and selection.kind == "neuron":
        pos = canvas_layout(canvas).neuron_pos(selection.layer, selection.row)
        around = QPointF(*pos) if pos else None
    canvas.zoom_by(zoom, around)


def canvas_layout(canvas):
    """Where the canvas puts each neuron now (drawn off screen by its own renderer)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    image = QImage(canvas.size(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        return canvas.renderer.paint(painter, QRectF(canvas.rect()), canvas.scene()).layout
    finally:
        painter.end()


def _selection(select: tuple | None) -> Selection | None:
    if not select:
        return None
    if select[0] == "neuron":
        return Selection("neuron", int(select[1]), int(select[2]))
    return Selection("edge", int(select[1]), int(select[2]), int(select[3]))
