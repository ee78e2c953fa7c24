"""The presenter view for a second screen: the current and the next phase, the caption, the
selected neuron's formulas and a timer, while the audience sees lecture mode."""

from __future__ import annotations

import contextlib
import html
import time
from dataclasses import replace

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QTextBrowser, QWidget

from nnviz.core.explain import header
from nnviz.gui.canvas import ViewOptions, scene_for
from nnviz.gui.inspector import inspector_lines
from nnviz.gui.session import Session
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.scene import SceneState


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
        self.formulas = QTextBrowser()
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
        options = ViewOptions(theme="light", show_legend=False)
        if s.step == 0 or s.phase >= len(s.phases) - 1:
            target = s.step + 1
            if target > s.n_steps:
                return None, f"next: step {target}, forward-L1 (trained when you press next)"
            tr = s.history.trace(target)
            head = header(s.spec.name, tr, s.phases[0], len(s.phases))
            return replace(scene_for(s, options), trace=tr, phase=0, header=head, caption=""), ""
        head = header(s.spec.name, s.trace(), s.phases[s.phase + 1], len(s.phases))
        return replace(scene_for(s, options), phase=s.phase + 1, header=head, caption=""), ""

    def refresh(self) -> None:
        s = self.session
        self.current.show_scene(scene_for(s, ViewOptions(theme="light", show_legend=False)))
        scene, note = self.next_scene()
        self.next.show_scene(scene, note)
        self.caption.setText(s.caption())
        lines = inspector_lines(s, 4)
        self.formulas.setHtml("<pre>" + html.escape("\n".join(lines)) + "</pre>")

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
