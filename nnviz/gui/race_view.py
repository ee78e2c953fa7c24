"""The race window: two to four runs from one initialisation trained together, drawn side by
side (see nnviz.render.race) with Play, one epoch more, and Export as PNG. Training runs in
short timer slices, so the window never freezes."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.errors import NnvizError
from nnviz.core.race import train_race
from nnviz.core.runs import Run
from nnviz.gui.session import Session
from nnviz.render.race import Lane, lanes_of, paint_race, render_race
from nnviz.render.renderer import NetworkRenderer

SLICE_S = 0.03  # training per timer tick while playing
FRAME_S = 0.1  # the picture follows at most this often while playing


class _RaceCanvas(QWidget):
    def __init__(self, owner: RaceWindow) -> None:
        super().__init__(owner)
        self.owner = owner
        self.renderer = NetworkRenderer()
        self.setMinimumSize(640, 400)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            paint_race(p, QRectF(self.rect()), self.owner.lanes, self.owner.theme, self.renderer)
        finally:
            p.end()


class RaceWindow(QWidget):
    """Follows its lanes (runs of the session); training them goes through nnviz.core.race."""

    def __init__(
        self, session: Session, runs: list[Run], theme: str = "light", parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnviz — race: " + " · ".join(r.name for r in runs))
        self.session, self.runs, self.theme = session, runs, theme
        self.lanes: list[Lane] = []
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self.set_playing)
        self.epoch_button = QPushButton("One epoch more")
        self.epoch_button.clicked.connect(self.next_epoch)
        self.export_button = QPushButton("Export PNG…")
        self.export_button.clicked.connect(self.export_dialog)
        for b in (self.play_button, self.epoch_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.canvas = _RaceCanvas(self)
        lay.addWidget(self.canvas, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._last_frame = 0.0
        self.refresh()

    @property
    def step(self) -> int:
        return min(r.n_steps for r in self.runs)

    def refresh(self) -> None:
        self.lanes = lanes_of(self.runs, self.theme)
        self.canvas.update()

    def train(self, n: int) -> None:
        """``n`` more steps for every lane, then the picture."""
        train_race(self.runs, n)
        self.session.dirty = True
        self.session.runs_changed.emit()
        self.refresh()

    def next_epoch(self) -> None:
        self.train(max(r.engine.batches_per_epoch for r in self.runs))

    def set_playing(self, on: bool) -> None:
        if on:
            self._timer.start(0)
        else:
            self._timer.stop()
            self.session.runs_changed.emit()
            self.refresh()
        self.play_button.setText("Pause" if on else "Play")

    def _tick(self) -> None:
        end = time.perf_counter() + SLICE_S
        while time.perf_counter() < end:
            train_race(self.runs, max(r.engine.batches_per_epoch for r in self.runs))
        self.session.dirty = True
        now = time.perf_counter()
        if now - self._last_frame >= FRAME_S:
            self._last_frame = now
            self.refresh()

    def image(self, width: int = 1920, height: int = 1080):
        """The race as an image (the window's picture at that size)."""
        return render_race(self.lanes, width, height, self.theme)

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export race", "race.png", "PNG image (*.png)")
        if path:
            self.export(Path(path))

    def export(self, path: Path, width: int = 1920, height: int = 1080) -> bool:
        from nnviz.core.output import write_bytes
        from nnviz.render.export import drop_alpha, encode_png

        image = self.image(width, height)
        drop_alpha(image)
        try:
            write_bytes(path, encode_png(image))
        except (OSError, NnvizError) as exc:
            QMessageBox.warning(self, "Cannot export", str(exc))
            return False
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._timer.stop()
        super().closeEvent(event)
