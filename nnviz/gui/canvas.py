"""The network canvas: paints the session's state with the shared renderer; click to select,
double-click to edit, wheel to zoom, drag to pan."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QInputDialog, QSizePolicy, QWidget

from nnviz.gui.session import Selection, Session
from nnviz.render.renderer import NetworkRenderer, RenderInfo
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.view import ViewState


def scene_for(session: Session, view: ViewState, side_text: list[str] | None = None) -> SceneState:
    """The renderer's input for what the session shows now, drawn as ``view`` says (through
    the one scene builder that exports use too)."""
    weights, biases = session.parameters() if session.step == 0 else ([], [])
    return build_scene(
        session.spec,
        view,
        trace=session.trace(),
        phase=session.phase,
        sample=session.sample,
        selection=session.selection.as_tuple() if session.selection else None,
        weights=weights,
        biases=biases,
        dataset=session.engine.dataset,
        side_text=side_text,
        hidden=session.phase_hidden(),
    )


class NetworkCanvas(QWidget):
    """Draws the network; user input goes back through the session's API."""

    edit_requested = Signal(object)  # a Selection whose value the user wants to type
    menu_requested = Signal(object, object)  # (Selection or None, global QPoint)

    def __init__(self, session: Session, options: ViewState | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.options = options or ViewState()
        self.options.subscribe(self._view_changed)
        self.renderer = NetworkRenderer()
        self.info: RenderInfo | None = None
        self._drag_from: QPointF | None = None
        self._drag_pan = (0.0, 0.0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        session.changed.connect(self.update)
        session.network_changed.connect(self.fit)

    def _view_changed(self, name: str, value: object) -> None:
        self.update()

    # ----- drawing ----------------------------------------------------------------------------
    def scene(self) -> SceneState:
        return scene_for(self.session, self.options)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        try:
            self.info = self.renderer.paint(painter, QRectF(self.rect()), self.scene())
        finally:
            painter.end()

    def grab_image(self) -> QImage:
        """The canvas's picture at its logical size (what the window shows)."""
        image = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(image)
        try:
            self.renderer.paint(painter, QRectF(self.rect()), self.scene())
        finally:
            painter.end()
        return image

    def fit(self) -> None:
        """Reset zoom and pan so the whole network fits."""
        self.options.zoom = 1.0
        self.options.pan = (0.0, 0.0)
        self.update()

    def zoom_by(self, factor: float, around: QPointF | None = None) -> None:
        old = self.options.zoom
        new = max(0.25, min(old * factor, 40.0))
        c = around or QPointF(self.width() / 2, self.height() / 2)
        px, py = self.options.pan
        # keep the point under the cursor fixed: p' = c + (p − c)·(new/old)
        cx, cy = self.width() / 2, self.height() / 2
        k = new / old
        px = (c.x() - cx) - (c.x() - cx - px) * k
        py = (c.y() - cy) - (c.y() - cy - py) * k
        self.options.zoom = new
        self.options.pan = (px, py)
        self.update()

    # ----- input ------------------------------------------------------------------------------
    def hit(self, pos: QPointF) -> Selection | None:
        """What is under a point of the canvas: a neuron, an edge, or nothing."""
        if self.info is None:
            return None
        lay = self.info.layout
        found = lay.neuron_at(pos.x(), pos.y())
        if found is not None:
            return Selection("neuron", found[0], found[1])
        edge = lay.edge_at(pos.x(), pos.y(), max(3.0, lay.radius * 0.25))
        if edge is not None:
            return Selection("edge", edge[0], edge[1], edge[2])
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if event.button() == Qt.MouseButton.LeftButton:
            sel = self.hit(pos)
            self.session.select(sel)
            if sel is None:
                self._drag_from = pos
                self._drag_pan = self.options.pan
        elif event.button() == Qt.MouseButton.MiddleButton:
            self._drag_from = pos
            self._drag_pan = self.options.pan

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag_from is not None:
            d = event.position() - self._drag_from
            self.options.pan = (self._drag_pan[0] + d.x(), self._drag_pan[1] + d.y())
            self.update()
            return
        sel = self.hit(event.position())
        self.setToolTip(self._tooltip(sel))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag_from = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        sel = self.hit(event.position())
        if sel is not None and (sel.kind == "edge" or sel.layer > 0):
            self.session.select(sel)
            self.edit_requested.emit(sel)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        sel = self.hit(QPointF(event.pos()))
        if sel is not None:
            self.session.select(sel)
        self.menu_requested.emit(sel, event.globalPos())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.15**steps, event.position())

    def _tooltip(self, sel: Selection | None) -> str:
        if sel is None:
            return ""
        if sel.kind == "edge":
            return (
                f"weight from neuron {sel.col + 1} of layer {sel.layer} to neuron {sel.row + 1} "
                f"of layer {sel.layer + 1} — click to inspect, double-click to edit"
            )
        if sel.layer == 0:
            return f"input {sel.row + 1}"
        return f"neuron {sel.row + 1} of layer {sel.layer} — click to inspect, double-click to edit its bias"


def ask_value(parent: QWidget, title: str, label: str, value: float) -> float | None:
    """Ask the user for a number; None when cancelled. Tests patch this one call."""
    result, ok = QInputDialog.getDouble(parent, title, label, value, -1e6, 1e6, 6)
    return float(result) if ok else None
