"""The presenter view for a second screen: the current and the next phase, the caption, the
selected neuron's formulas and a timer, while the audience sees lecture mode."""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QTextBrowser, QWidget

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


class _Preview(QWidget):
    """Paints one scene with the shared renderer."""

    def __init__(self) -> None:
        super().__init__()
        self.renderer = NetworkRenderer()
        self.scene: SceneState | None = None
        self.note = ""
        self.setMinimumSize(320, 200)

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
                p.drawText(self.rect(), 0x84, self.note)  # AlignCenter
        finally:
            p.end()


class PresenterView(QWidget):
    """Follows the session; never changes it."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnviz — presenter")
        self.session = session
        self.started = time.monotonic()
        grid = QGridLayout(self)
        self.current = _Preview()
        self.next = _Preview()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.formulas = QTextBrowser()
        self.notes = QTextBrowser()  # the lesson stop's notes (lecture_script)
        self.notes_source = None  # a callable giving the notes (LectureView.current_notes)
        self.clock = QLabel()
        f = self.clock.font()
        f.setPointSize(f.pointSize() * 2)
        self.clock.setFont(f)
        grid.addWidget(QLabel("Now"), 0, 0)
        grid.addWidget(QLabel("Next"), 0, 1)
        grid.addWidget(self.current, 1, 0)
        grid.addWidget(self.next, 1, 1)
        grid.addWidget(self.caption, 2, 0, 1, 2)
        grid.addWidget(self.formulas, 3, 0)
        grid.addWidget(self.clock, 3, 1)
        grid.addWidget(self.notes, 4, 0, 1, 2)
        grid.setRowStretch(1, 3)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 2)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        session.changed.connect(self.refresh)
        self.refresh()
        self._tick()

    def next_scene(self) -> tuple[SceneState | None, str]:
        """The scene the next phase will show, or None with a note when it needs a new step."""
        s = self.session
        options = ViewState(theme="light", show_legend=False)
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
        self.current.show_scene(scene_for(s, ViewState(theme="light", show_legend=False)))
        scene, note = self.next_scene()
        self.next.show_scene(scene, note)
        css = richtext.css(get_theme("light"))
        self.caption.setText(document([s.caption()], css=css))
        self.formulas.setHtml(inspector_html(s, 4, "light"))
        notes = self.notes_source() if self.notes_source is not None else ""
        self.notes.setMarkdown(notes)
        self.notes.setVisible(bool(notes))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Closed for good: let go of the session and be deleted (P makes a new one)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.session.changed.disconnect(self.refresh)
        self._timer.stop()
        super().closeEvent(event)
        self.deleteLater()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _tick(self) -> None:
        t = int(self.elapsed())
        self.clock.setText(f"{t // 3600:d}:{t // 60 % 60:02d}:{t % 60:02d}")
