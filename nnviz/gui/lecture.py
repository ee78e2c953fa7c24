"""Lecture mode: the canvas and caption full screen in a projection theme, driven by the keys of
slide software and presentation clickers, with blackout, a help overlay, a pen and a laser."""

from __future__ import annotations

import contextlib
import os

import shiboken6
from PySide6.QtCore import QEasingCurve, QPointF, QRectF, QSettings, Qt, QVariantAnimation, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QWidget

from nnviz.gui.canvas import scene_for
from nnviz.gui.inspector import inspector_lines
from nnviz.gui.session import Session
from nnviz.render.renderer import NetworkRenderer, RenderInfo
from nnviz.render.view import ViewState, clamp_scale

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_J}
PREV_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_K}
PEN_COLOURS = ("#e4007c", "#0072b2", "#009e73", "#d55e00")
PEN_KEYS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)
HELP_BACKGROUND = "#15171a"

HELP = [
    ("→ ↓ PgDn Space J", "next phase"),
    ("← ↑ PgUp K", "previous phase"),
    ("Home / End", "first / last phase of the step"),
    ("number, then Enter", "go to that step (trains ahead if needed; Esc stops)"),
    ("B or .", "blackout"),
    ("W", "whiteout"),
    ("C", "pen on/off (1–4 colours, Delete clears this phase)"),
    ("L", "laser pointer"),
    ("Z or double-click", "zoom into a neuron's neighbourhood (numbers grow too) and back"),
    ("F", "show/hide the formulas panel"),
    ("Ctrl+= / Ctrl+-", "larger / smaller type"),
    ("Ctrl+0", "type back to its normal size"),
    ("D", "dark / light projection theme"),
    ("A", "reveal animation on/off"),
    ("P", "presenter view (on the second screen when there is one)"),
    ("Q / R", "predict, then reveal on/off / reveal the phase"),
    ("?", "this help"),
    ("Esc, F5 or Shift+F5", "leave lecture mode"),
]


class LectureView(QWidget):
    """A full-screen view of the session; every key goes through the session's API."""

    closed = Signal()

    def __init__(
        self,
        session: Session,
        settings: QSettings,
        parent=None,
        view: ViewState | None = None,
    ) -> None:
        """``view`` is the window's view state: lecture mode shows the same numbers (what each
        neuron shows, significant figures) in its own projection theme and type scale."""
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.renderer = NetworkRenderer()
        self.info: RenderInfo | None = None
        dark = str(settings.value("lecture/theme", "lecture-dark")) == "lecture-dark"
        self.options = (view or ViewState()).copy(
            theme="lecture-dark" if dark else "lecture-light",
            scale=clamp_scale(settings.value("lecture/scale", 1.0)),
            zoom=1.0,
            pan=(0.0, 0.0),
            show_caption=True,
            show_legend=False,
        )
        self.blackout: str | None = None  # None, "black" or "white"
        self.help_shown = False
        self.pen_on = False
        self.pen_colour = PEN_COLOURS[0]
        self.laser_on = False
        self.laser_pos: QPointF | None = None
        self.formulas_shown = bool(settings.value("lecture/formulas", False, type=bool))
        self.zoomed = False
        self.typed = ""
        self.ahead = None  # a TrainAhead while training to a typed step
        self.presenter = None
        self.strokes: dict[tuple[int, int], list[tuple[str, list[tuple[float, float]]]]] = {}
        self._drawing: list[tuple[float, float]] | None = None
        self.setWindowTitle("nnviz — lecture")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.animate = bool(
            settings.value("lecture/animate", True, type=bool)
        ) and not os.environ.get("NNVIZ_NO_ANIMATION")
        self._last_frame: QImage | None = None
        self._fading: QImage | None = None
        self._fade = QVariantAnimation(self)
        self._fade.setDuration(450)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._fade.valueChanged.connect(lambda _v: self.update())
        self._fade.finished.connect(self._end_fade)
        session.changed.connect(self._changed)

    def _changed(self) -> None:
        """A new phase: fade the old picture out over the new one (skipped when off)."""
        if self.animate and self._last_frame is not None and self.isVisible():
            self._fade.stop()
            self._fading = self._last_frame
            self._fade.start()
        self.update()

    def _end_fade(self) -> None:
        self._fading = None
        self.update()

    def skip_animation(self) -> None:
        self._fade.stop()
        self._fading = None

    # ----- state --------------------------------------------------------------------------------
    @property
    def scale(self) -> float:
        return self.options.scale

    def set_scale(self, value: float) -> None:
        self.options.scale = clamp_scale(value)
        self.settings.setValue("lecture/scale", self.options.scale)
        self.update()

    def phase_key(self) -> tuple[int, int]:
        return (self.session.step, self.session.phase)

    def current_strokes(self) -> list[tuple[str, list[tuple[float, float]]]]:
        return self.strokes.get(self.phase_key(), [])

    def scene(self):
        side = None
        if self.formulas_shown and self.session.selection is not None:
            side = inspector_lines(self.session, 3)
        return scene_for(self.session, self.options, side)

    # ----- drawing ------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        if self.animate:  # keep this frame, to fade it out when the phase changes
            frame = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
            fp = QPainter(frame)
            self.paint_to(fp, QRectF(self.rect()))
            fp.end()
            p = QPainter(self)
            p.drawImage(0, 0, frame)
            if self._fading is not None:
                p.setOpacity(float(self._fade.currentValue() or 0.0))
                p.drawImage(0, 0, self._fading)
            p.end()
            if self._fading is None:
                self._last_frame = frame
            return
        p = QPainter(self)
        try:
            self.paint_to(p, QRectF(self.rect()))
        finally:
            p.end()

    def paint_to(self, p: QPainter, rect: QRectF) -> None:
        """Everything lecture mode shows, into any painter (the tests paint into a QImage)."""
        if self.blackout:
            p.fillRect(rect, QColor("#000000" if self.blackout == "black" else "#ffffff"))
            return
        self.info = self.renderer.paint(p, rect, self.scene())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for colour, points in self.current_strokes():
            self._stroke(p, rect, colour, points)
        if self._drawing:
            self._stroke(p, rect, self.pen_colour, self._drawing)
        if self.laser_on and self.laser_pos is not None:
            r = max(rect.height() / 90, 6)
            p.setPen(Qt.PenStyle.NoPen)
            glow = QColor("#ff2020")
            glow.setAlpha(90)
            p.setBrush(glow)
            p.drawEllipse(self.laser_pos, r * 1.8, r * 1.8)
            p.setBrush(QColor("#ff2020"))
            p.drawEllipse(self.laser_pos, r, r)
        status = []
        if self.pen_on:
            status.append("pen")
        if self.typed:
            status.append(f"go to step {self.typed}…")
        if self.ahead is not None and self.ahead.active:
            share = self.ahead.done / max(self.ahead.total, 1)
            status.append(f"training to step {self.ahead.target:,}… {share:.0%}")
        if status:
            self._badge(p, rect, "  ·  ".join(status))
        if self.help_shown:
            self._help(p, rect)

    def _stroke(self, p: QPainter, rect: QRectF, colour: str, points) -> None:
        if not points:
            return
        pen = QPen(QColor(colour))
        pen.setWidthF(max(rect.height() / 270, 3))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        path = QPainterPath(
            QPointF(
                rect.left() + points[0][0] * rect.width(), rect.top() + points[0][1] * rect.height()
            )
        )
        for x, y in points[1:]:
            path.lineTo(rect.left() + x * rect.width(), rect.top() + y * rect.height())
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)

    def _font(self, rect: QRectF, factor: float = 1.0) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPixelSize(max(int(rect.height() / 1080 * 30 * self.scale * factor), 14))
        return f

    def _badge(self, p: QPainter, rect: QRectF, text: str) -> None:
        p.setFont(self._font(rect, 0.8))
        box = QRectF(
            rect.right() - rect.width() * 0.3,
            rect.top() + 8,
            rect.width() * 0.3 - 8,
            rect.height() * 0.05,
        )
        p.fillRect(box, QColor(0, 0, 0, 150))
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _help(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, QColor(HELP_BACKGROUND))  # opaque: the keys read on any picture
        font = self._font(rect, 0.9)
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        line = font.pixelSize() * 1.5
        top = rect.center().y() - line * len(HELP) / 2
        mid = rect.center().x()
        for n, (keys, what) in enumerate(HELP):
            y = top + n * line
            p.drawText(
                QRectF(rect.left(), y, mid - rect.left() - 20, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                keys,
            )
            p.drawText(
                QRectF(mid + 20, y, rect.right() - mid - 20, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                what,
            )

    # ----- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods, text = event.key(), event.modifiers(), event.text()
        s = self.session
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus):
            self.set_scale(self.scale * 1.1)
        elif ctrl and key == Qt.Key.Key_Minus:
            self.set_scale(self.scale / 1.1)
        elif ctrl and key == Qt.Key.Key_0:
            self.set_scale(1.0)
        elif self.help_shown and key != Qt.Key.Key_F5:
            self.help_shown = False  # any key closes the help
        elif self.ahead is not None and self.ahead.active and key == Qt.Key.Key_Escape:
            self.ahead.stop()  # Esc stops training ahead (the steps trained so far stay)
        elif self.pen_on and key in PEN_KEYS:  # with the pen on, 1-4 are its colours
            self.pen_colour = PEN_COLOURS[PEN_KEYS.index(key)]
            self.typed = ""
        elif self.blackout and (
            key in (Qt.Key.Key_B, Qt.Key.Key_Period, Qt.Key.Key_W)
            or key in NEXT_KEYS | PREV_KEYS
            or key == Qt.Key.Key_Escape
        ):
            self.blackout = None  # the next key brings the picture back, as in slide software
        elif text.isdigit():
            self.typed += text
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.typed:
            target, self.typed = int(self.typed), ""
            if target > s.n_steps:
                self.train_ahead(target)
            else:
                s.goto_step(target, 0)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_F5):
            self.leave()
            return
        elif key in NEXT_KEYS:
            if self._fading is not None:  # pressing next during a reveal finishes it at once
                self.skip_animation()
            s.next_phase()
        elif key in PREV_KEYS:
            s.prev_phase()
        elif key == Qt.Key.Key_Home:
            s.first_phase()
        elif key == Qt.Key.Key_End:
            s.last_phase()
        elif key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            self.blackout = "black"
        elif key == Qt.Key.Key_W:
            self.blackout = "white"
        elif text == "?" or key == Qt.Key.Key_Question:
            self.help_shown = True
        elif key == Qt.Key.Key_C:
            self.pen_on = not self.pen_on
            self.setCursor(
                Qt.CursorShape.CrossCursor if self.pen_on else Qt.CursorShape.ArrowCursor
            )
        elif key == Qt.Key.Key_Delete:
            self.strokes.pop(self.phase_key(), None)
        elif key == Qt.Key.Key_L:
            self.laser_on = not self.laser_on
            self.setCursor(
                Qt.CursorShape.BlankCursor if self.laser_on else Qt.CursorShape.ArrowCursor
            )
        elif key == Qt.Key.Key_Z:
            self.toggle_zoom()
        elif key == Qt.Key.Key_F:
            self.formulas_shown = not self.formulas_shown
            self.settings.setValue("lecture/formulas", self.formulas_shown)
        elif key == Qt.Key.Key_P:
            self.toggle_presenter()
        elif key in (Qt.Key.Key_Q, Qt.Key.Key_R):  # predict, then reveal (gui/predict_panel)
            from nnviz.gui.predict_panel import reveal, set_predict

            if key == Qt.Key.Key_Q:
                set_predict(self.session, not self.session.reveals.on)
            else:
                reveal(self.session)
        elif key == Qt.Key.Key_A:
            self.animate = not self.animate
            self.skip_animation()
            self.settings.setValue("lecture/animate", self.animate)
        elif key == Qt.Key.Key_D:
            dark = self.options.theme != "lecture-dark"
            self.options.theme = "lecture-dark" if dark else "lecture-light"
            self.settings.setValue("lecture/theme", self.options.theme)
        else:
            super().keyPressEvent(event)
            return
        if not text.isdigit() and key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.typed = ""
        self.update()

    def train_ahead(self, target: int) -> None:
        """Go to ``target`` past the last recorded step: train there in slices with a progress
        badge, or say in a dialog why not (beyond the limits of nnviz.core.limits)."""
        from nnviz.core.errors import NnvizError
        from nnviz.gui.lecture_ahead import TrainAhead

        if self.ahead is not None and self.ahead.active:
            self.ahead.stop()
        try:
            TrainAhead.check(self.session, target)
        except NnvizError as exc:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Warning, "Cannot go to that step", str(exc), parent=self
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not modal to the application: the lecture goes on behind it
            return
        self.ahead = TrainAhead(self.session, target, self)
        self.ahead.progress.connect(lambda _d, _t: self.update())
        self.ahead.finished.connect(lambda _ok: self.update())
        self.ahead.start()

    def leave(self) -> None:
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Leaving lecture mode ends this view: it lets go of the session, closes its presenter
        view and is deleted (each F5 makes a new one), so nothing of it stays behind."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.session.changed.disconnect(self._changed)
        self._fade.stop()
        if self.ahead is not None:
            self.ahead.stop()
        if self.presenter is not None and shiboken6.isValid(self.presenter):
            self.presenter.close()
        self.presenter = None
        super().closeEvent(event)
        self.deleteLater()
        self.closed.emit()

    def toggle_presenter(self) -> None:
        """Open the presenter view on another screen than this one (or close it)."""
        from PySide6.QtGui import QGuiApplication

        from nnviz.gui.presenter import PresenterView

        if self.presenter is not None and shiboken6.isValid(self.presenter):
            if self.presenter.isVisible():
                self.presenter.close()
                self.presenter = None
                return
            self.presenter.close()
        self.presenter = PresenterView(self.session)
        others = [sc for sc in QGuiApplication.screens() if sc is not self.screen()]
        if others:
            self.presenter.setGeometry(others[0].availableGeometry())
            self.presenter.showMaximized()
        else:
            self.presenter.resize(1000, 700)
            self.presenter.show()

    # ----- zoom -------------------------------------------------------------------------------
    def toggle_zoom(self, around: QPointF | None = None) -> None:
        """Zoom ×2.5 onto the selected neuron (or the point), or back to the whole network."""
        if self.zoomed:
            self.options.zoom, self.options.pan = 1.0, (0.0, 0.0)
            self.zoomed = False
        else:
            target = around
            sel = self.session.selection
            if target is None and sel is not None and sel.kind == "neuron" and self.info:
                pos = self.info.layout.neuron_pos(sel.layer, sel.row)
                target = QPointF(*pos) if pos else None
            if target is None:
                target = QPointF(self.width() / 2, self.height() / 2)
            k = 2.5
            # the layout zooms about its own centre: bring the target to the view's centre
            cx, cy = self.info.layout.centre if self.info else (self.width() / 2, self.height() / 2)
            self.options.zoom = k
            self.options.pan = (
                self.width() / 2 - cx - (target.x() - cx) * k,
                self.height() / 2 - cy - (target.y() - cy) * k,
            )
            self.zoomed = True
        self.update()

    # ----- mouse: pen, laser, selection ---------------------------------------------------------
    def _norm(self, pos: QPointF) -> tuple[float, float]:
        return (pos.x() / max(self.width(), 1), pos.y() / max(self.height(), 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.pen_on and event.button() == Qt.MouseButton.LeftButton:
            self._drawing = [self._norm(event.position())]
        elif event.button() == Qt.MouseButton.LeftButton and self.info is not None:
            found = self.info.layout.neuron_at(event.position().x(), event.position().y())
            if found is not None:
                from nnviz.gui.session import Selection

                self.session.select(Selection("neuron", found[0], found[1]))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drawing is not None:
            self._drawing.append(self._norm(event.position()))
            self.update()
        if self.laser_on:
            self.laser_pos = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drawing is not None:
            if len(self._drawing) > 1:
                self.strokes.setdefault(self.phase_key(), []).append(
                    (self.pen_colour, self._drawing)
                )
            self._drawing = None
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self.pen_on:
            self.toggle_zoom(event.position())
