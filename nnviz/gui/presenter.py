"""The presenter view for a second screen: the current phase, the next one (small), the caption
once, the lecturer's notes for the phase, the selected neuron's formulas, a timer that pauses
and resets, and the clock, in type that grows with the window, while the audience sees lecture
mode. It never takes the keys: every key pressed on it goes to the lecture view's one handler,
and it is shown without being activated, so it never comes up over the lecture view."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.mathtext import document
from nnviz.gui.canvas import scene_for
from nnviz.gui.inspector import inspector_html
from nnviz.gui.session import Session
from nnviz.render import richtext
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.theme import get_theme
from nnviz.render.view import ViewState

NOTES_HINT = "Notes for this phase: N (or a click) to type, Esc to leave the box"


def second_screen(view: QWidget) -> QRect | None:
    """Where the presenter view goes: another screen than ``view``'s (None: only one)."""
    from PySide6.QtGui import QGuiApplication

    others = [sc for sc in QGuiApplication.screens() if sc is not view.screen()]
    return others[0].availableGeometry() if others else None


class Stopwatch:
    """The lecture's timer: runs from its creation, pauses, resumes and resets. ``now`` is the
    clock it reads (tests give it a fake one)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self._start = now()
        self._paused_at: float | None = None

    @property
    def running(self) -> bool:
        return self._paused_at is None

    def elapsed(self) -> float:
        end = self.now() if self._paused_at is None else self._paused_at
        return max(end - self._start, 0.0)

    def toggle(self) -> None:
        if self._paused_at is None:
            self._paused_at = self.now()
        else:  # resume: the paused time does not count
            self._start += self.now() - self._paused_at
            self._paused_at = None

    def reset(self) -> None:
        self._start = self.now()
        if self._paused_at is not None:
            self._paused_at = self._start

    def text(self) -> str:
        t = int(self.elapsed())
        return f"{t // 3600:d}:{t // 60 % 60:02d}:{t % 60:02d}"


class _Preview(QWidget):
    """Paints one scene with the shared renderer."""

    def __init__(self, minimum: tuple[int, int] = (320, 200)) -> None:
        super().__init__()
        self.renderer = NetworkRenderer()
        self.scene: SceneState | None = None
        self.note = ""
        self.setMinimumSize(*minimum)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_scene(self, scene: SceneState | None, note: str = "") -> None:
        self.scene, self.note = scene, note
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        try:
            if self.scene is not None:
                self.renderer.paint(p, QRectF(self.rect()), self.scene)
            else:
                p.fillRect(self.rect(), self.palette().window())
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                p.drawText(self.rect(), int(flags.value), self.note)
        finally:
            p.end()


class PresenterView(QWidget):
    """Follows the session; changes nothing of it but the notes. ``lecture`` (the lecture view)
    gets every key pressed here."""

    def __init__(self, session: Session, parent=None, lecture=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnviz — presenter")
        self.session = session
        self.lecture = lecture
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stopwatch = Stopwatch()
        self.clock_now: Callable[[], time.struct_time] = time.localtime
        self._build()
        self._note_key: tuple | None = None
        self._filling = False
        self.editing_notes = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        session.changed.connect(self.refresh)
        self.refresh()
        self._tick()

    def _build(self) -> None:
        grid = QGridLayout(self)
        self.now_title, self.next_title = QLabel(), QLabel()
        self.current = _Preview()
        self.next = _Preview((160, 100))
        self.formulas = QTextBrowser()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.script_notes = QTextBrowser()  # the lecture script's notes for its stop
        self.script_notes.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.script_notes.hide()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(NOTES_HINT)
        self.notes.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.notes.installEventFilter(self)
        self._notes_viewport = self.notes.viewport()
        self._notes_viewport.installEventFilter(self)  # clicks land on the viewport
        self.notes.textChanged.connect(self._notes_typed)
        self.timer_label, self.clock = QLabel(), QLabel()
        self.pause_button = QPushButton("Pause (T)")
        self.reset_button = QPushButton("Reset (Shift+T)")
        self.pause_button.clicked.connect(self.toggle_timer)
        self.reset_button.clicked.connect(self.reset_timer)
        for w in (self.formulas, self.pause_button, self.reset_button):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        side = QVBoxLayout()
        side.addWidget(self.next_title)
        side.addWidget(self.next, 2)
        side.addWidget(self.formulas, 3)
        times = QVBoxLayout()
        times.addWidget(self.timer_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.reset_button)
        times.addLayout(buttons)
        times.addWidget(self.clock)
        times.addStretch(1)
        grid.addWidget(self.now_title, 0, 0)
        grid.addWidget(self.current, 1, 0)
        grid.addLayout(side, 0, 1, 2, 1)
        grid.addWidget(self.caption, 2, 0, 1, 2)
        notes = QVBoxLayout()
        notes.addWidget(self.script_notes, 1)
        notes.addWidget(self.notes, 1)
        grid.addLayout(notes, 3, 0)
        grid.addLayout(times, 3, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 5)
        grid.setRowStretch(3, 2)

    # ----- type that grows with the window ------------------------------------------------------
    def type_px(self) -> int:
        """The body text's pixel size: 30 px on a 1080-pixel-high screen, never below 14."""
        return max(int(self.height() / 36), 14)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        px = self.type_px()
        for widget, factor, bold in (
            (self.now_title, 1.0, True),
            (self.next_title, 0.8, True),
            (self.caption, 1.0, False),
            (self.notes, 0.9, False),
            (self.script_notes, 0.9, False),
            (self.timer_label, 2.2, True),
            (self.clock, 1.3, False),
            (self.pause_button, 0.7, False),
            (self.reset_button, 0.7, False),
            (self.formulas, 0.7, False),
        ):
            f = QFont(widget.font())
            f.setPixelSize(max(int(px * factor), 12))
            f.setBold(bold)
            widget.setFont(f)
        self.refresh()  # the caption and formulas are typeset at the new size
        super().resizeEvent(event)

    # ----- following the session --------------------------------------------------------------
    def next_scene(self) -> tuple[SceneState | None, str]:
        """The scene the next phase will show, or None with a note when it needs a new step."""
        s = self.session
        options = ViewState(theme="light", show_legend=False, show_caption=False)
        if s.step == 0 or s.phase >= len(s.phases) - 1:
            target = s.step + 1
            if target > s.n_steps:
                return None, f"next: step {target}, forward-L1 (trained when you press next)"
            tr, phase = s.history.trace(target), 0
        else:
            tr, phase = s.trace(), s.phase + 1
        scene = build_scene(
            s.spec,
            options,
            trace=tr,
            phase=phase,
            sample=s.sample,
            selection=s.selection.as_tuple() if s.selection else None,
            dataset=s.engine.dataset,
        )
        return replace(scene, caption=""), ""

    def refresh(self) -> None:
        s = self.session
        self.current.show_scene(
            scene_for(s, ViewState(theme="light", show_legend=False, show_caption=False))
        )
        scene, note = self.next_scene()
        self.next.show_scene(scene, note)
        self.now_title.setText(f"Now: step {s.step:,} · {s.phase_name()}")
        self.next_title.setText("Next" if scene is None else f"Next: {scene.header}")
        self.next_title.setWordWrap(True)
        css = richtext.css(get_theme("light"))
        self.caption.setText(document([s.caption()], css=css))
        self.formulas.setHtml(inspector_html(s, 4, "light"))
        lecture = self._lecture()
        scripted = lecture.script_notes() if lecture is not None else ""
        self.script_notes.setMarkdown(scripted)
        self.script_notes.setVisible(bool(scripted))
        if s.note_key() != self._note_key:  # another phase: its own notes
            self._note_key = s.note_key()
            self._filling = True
            self.notes.setPlainText(s.note())
            self._filling = False

    def notes_text(self) -> str:
        return self.notes.toPlainText()

    def _notes_typed(self) -> None:
        if not self._filling:
            self.session.set_note(self.notes.toPlainText())

    # ----- notes: the one place that takes keys, while typing --------------------------------
    def begin_notes(self) -> None:
        """Type in the notes box: the presenter window takes the keys until Esc."""
        self.editing_notes = True
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, False)
        self.activateWindow()
        self.notes.setFocus(Qt.FocusReason.OtherFocusReason)

    def end_notes(self) -> None:
        """Esc in the notes box: the keys go back to the lecture view."""
        self._stop_typing()
        self.notes.clearFocus()
        if self._lecture() is not None:
            self.lecture.activateWindow()
            self.lecture.setFocus()

    def _stop_typing(self) -> None:
        """Not typing any more (Esc, or the lecturer went back to the lecture view): the
        presenter refuses the focus again."""
        self.editing_notes = False
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)

    def event(self, event: QEvent) -> bool:
        """Activated by the window system (a click, a platform that activates what it shows)
        while not typing notes: the lecture view gets the keys back at once."""
        if event.type() == QEvent.Type.WindowActivate and not self.editing_notes:
            lecture = self._lecture()
            if lecture is not None and lecture.isVisible():
                lecture.activateWindow()
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.notes or watched is self._notes_viewport:
            if event.type() == QEvent.Type.MouseButtonPress and not self.editing_notes:
                self.begin_notes()
            elif event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self.end_notes()
                return True
            elif event.type() == QEvent.Type.FocusOut and self.editing_notes:
                self._stop_typing()
        return super().eventFilter(watched, event)

    # ----- keys: all of them to the lecture view --------------------------------------------
    def _lecture(self):
        if self.lecture is not None and shiboken6.isValid(self.lecture):
            return self.lecture
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        lecture = self._lecture()
        if lecture is None or not lecture.handle_key(event):
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt names)
        """Tab and Shift+Tab are lecture keys (select a neuron), not focus moves."""
        return False

    # ----- timer and clock ----------------------------------------------------------------------
    def toggle_timer(self) -> None:
        self.stopwatch.toggle()
        self._tick()

    def reset_timer(self) -> None:
        self.stopwatch.reset()
        self._tick()

    def _tick(self) -> None:
        sw = self.stopwatch
        self.timer_label.setText(sw.text() + ("" if sw.running else "  (paused)"))
        self.pause_button.setText("Pause (T)" if sw.running else "Resume (T)")
        self.clock.setText(time.strftime("clock %H:%M", self.clock_now()))

    def elapsed(self) -> float:
        return self.stopwatch.elapsed()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Closed for good: let go of the session and be deleted (P makes a new one)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.session.changed.disconnect(self.refresh)
        self._timer.stop()
        super().closeEvent(event)
        self.deleteLater()
