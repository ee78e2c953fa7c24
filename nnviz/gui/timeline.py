"""The timeline: a slider over every recorded step, with the step, epoch and loss shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from nnviz.core.numfmt import fmt
from nnviz.gui.session import Session


class Timeline(QWidget):
    """Scrubbing the slider shows that step (time travel); it follows stepping and play."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimum(0)
        self.slider.setToolTip("Drag to go back to any recorded step")
        self.label = QLabel()
        self.label.setMinimumWidth(260)
        layout.addWidget(QLabel("Step"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._scrubbed)
        session.changed.connect(self.refresh)
        session.history_grew.connect(lambda _n: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        self.slider.blockSignals(True)
        self.slider.setMaximum(s.n_steps)
        self.slider.setValue(s.step)
        self.slider.blockSignals(False)
        if s.step == 0:
            self.label.setText(f"before training · {s.n_steps} steps recorded")
        else:
            epoch = int(s.history.epochs()[s.step - 1])
            text = f"step {s.step}/{s.n_steps} · epoch {epoch}"
            if s.loss_known():  # the loss only from the loss phase on
                text += f" · loss {fmt(s.history.losses()[s.step - 1], 4)}"
            self.label.setText(text)

    def _scrubbed(self, value: int) -> None:
        if self.session.playing:
            self.session.pause()
        self.session.goto_step(value)
