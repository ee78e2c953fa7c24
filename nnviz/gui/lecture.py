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
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
)
from PySide6.QtWidgets import QWidget

from nnviz.core.ink import INK_COLOURS
from nnviz.gui import keymap
from nnviz.gui.canvas import scene_for
from nnviz.gui.ink import InkLayer
from nnviz.gui.inspector import inspector_lines
from nnviz.gui.lecture_keys import PEN_COLOURS, LectureKeysMixin
from nnviz.gui.session import Session
from nnviz.render.renderer import NetworkRenderer, RenderInfo
from nnviz.render.view import ViewState, clamp_scale

HELP_BACKGROUND = "#15171a"


__all__ = ["HELP_BACKGROUND", "PEN_COLOURS", "LectureView"]


class LectureView(LectureKeysMixin, QWidget):
    """A full-screen view of the session; every key goes through the key map
    (:mod:`nnviz.gui.keymap`, dispatched by :class:`LectureKeysMixin`) and the session's API."""

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
            legend_corner=bool(settings.value("lecture/legend", True, type=bool)),
        )
        self.blackout: str | None = None  # None, "black" or "white"
        self.help_shown = False
        self.help_drawn: list[tuple[str, str, QRectF, bool]] = []
        self.pen_on = False
        self.ink = InkLayer(self)  # the strokes themselves are the session's (session.ink)
        self.laser_on = False
        self.laser_pos: QPointF | None = None
        self.formulas_shown = bool(settings.value("lecture/formulas", False, type=bool))
        self.zoomed = False
        self.typed = ""
        self.message = ""  # a line on the badge until the next key (why a key did nothing)
        self.last_key = 0
        self.ahead = None  # a TrainAhead while training to a typed step
        self.presenter = None
        self.script = None  # a lesson file played as slides (lecture_script.LectureScript)
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

    def script_notes(self) -> str:
        """The notes the lecture script gives for its current stop ("" without a script)."""
        return self.script.notes() if self.script is not None else ""

    @property
    def pen_colour(self) -> str:
        return INK_COLOURS[self.ink.colour]

    def current_strokes(self) -> list:
        return self.ink.strokes()

    def scene(self):
        side = None
        if self.formulas_shown and self.session.selection is not None:
            side = inspector_lines(self.session, 3, self.options.mistake)
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
        self.ink.paint(p, rect)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.laser_on and self.laser_pos is not None:
            r = max(rect.height() / 90, 6)
            p.setPen(Qt.PenStyle.NoPen)
            glow = QColor("#ff2020")
            glow.setAlpha(90)
            p.setBrush(glow)
            p.drawEllipse(self.laser_pos, r * 1.8, r * 1.8)
            p.setBrush(QColor("#ff2020"))
            p.drawEllipse(self.laser_pos, r, r)
        status = [self.script.badge()] if self.script is not None else []
        if self.pen_on:
            status.append(self.ink.status())
        if self.typed:
            status.append(f"go to step {self.typed}…")
        if self.ahead is not None and self.ahead.active:
            share = self.ahead.done / max(self.ahead.total, 1)
            status.append(f"training to step {self.ahead.target:,}… {share:.0%}")
        if self.message:
            status.append(self.message)
        if status:
            self._badge(p, rect, "  ·  ".join(status))
        if self.help_shown:
            self._help(p, rect)

    def _font(self, rect: QRectF, factor: float = 1.0) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPixelSize(max(int(rect.height() / 1080 * 30 * self.scale * factor), 14))
        return f

    def _badge(self, p: QPainter, rect: QRectF, text: str) -> None:
        font = self._font(rect, 0.8)
        p.setFont(font)
        width = min(max(rect.width() * 0.3, QFontMetricsF(font).horizontalAdvance(text) + 32),
                    rect.width() - 16)  # fmt: skip
        box = QRectF(rect.right() - width - 8, rect.top() + 8, width, rect.height() * 0.05)
        p.fillRect(box, QColor(0, 0, 0, 150))
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _help(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, QColor(HELP_BACKGROUND))  # opaque: the keys read on any picture
        rows = keymap.help_rows()
        font = self._font(rect, 0.9)
        line = min(font.pixelSize() * 1.5, rect.height() * 0.96 / len(rows))
        font.setPixelSize(max(min(font.pixelSize(), int(line / 1.3)), 8))  # all rows fit
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        top = rect.center().y() - line * len(rows) / 2
        mid = rect.center().x()
        metrics = QFontMetricsF(font)
        self.help_drawn = []  # (keys, what, their box, whether both fit): what the tests read
        for n, (keys, what) in enumerate(rows):
            y = top + n * line
            fits = max(metrics.horizontalAdvance(keys), metrics.horizontalAdvance(what)) <= (
                rect.width() / 2 - 20
            )
            self.help_drawn.append((keys, what, QRectF(rect.left(), y, rect.width(), line), fits))
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

    # ----- keys (what they do: lecture_keys.py, which keys: keymap.py) ---------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt names)
        """Tab and Shift+Tab select neurons (key map), not widgets."""
        return False

    def current_notes(self) -> str:
        """The notes the presenter view shows for what is on screen: the script's stop's
        notes, then the lecturer's own for this phase."""
        return "\n\n".join(t for t in (self.script_notes(), self.session.note()) if t)

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

    def presenter_open(self) -> bool:
        """Whether the presenter view is shown (closed by its window's button, it is gone)."""
        pv = self.presenter
        return pv is not None and shiboken6.isValid(pv) and pv.isVisible()

    def toggle_presenter(self) -> None:
        """Open the presenter view on another screen than this one, or close it. It never takes
        the keys nor comes up over this view; with one screen it is refused (on the badge)."""
        from nnviz.gui import presenter as presenter_module

        if self.presenter_open():
            self.presenter.close()
            self.presenter = None
            return
        where = presenter_module.second_screen(self)
        if where is None:
            self.message = "presenter view: needs a second screen"
            return
        self.presenter = presenter_module.PresenterView(self.session, lecture=self)
        self.presenter.setGeometry(where)
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
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.pen_on and event.button() == Qt.MouseButton.LeftButton:
            self.ink.press(event.position())
        elif event.button() == Qt.MouseButton.LeftButton and self.info is not None:
            found = self.info.layout.neuron_at(event.position().x(), event.position().y())
            if found is not None:
                from nnviz.gui.session import Selection

                self.session.select(Selection("neuron", found[0], found[1]))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.ink.move(event.position()):
            self.update()
        if self.laser_on:
            self.laser_pos = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.ink.release():
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self.pen_on:
            self.toggle_zoom(event.position())
