"""File → Export trace…: the exporter's choices in a dialog, run in timer slices with a
progress bar and Cancel, so the window stays responsive."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from nnviz.core.errors import NnvizError
from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS
from nnviz.core.output import open_output
from nnviz.gui.session import Session
from nnviz.render.trace_pages import TraceExport, scenes_for
from nnviz.render.view import LABEL_CHOICES, THEMES, ViewState

SIZES = ("1920x1080", "1280x720", "3840x2160", "1024x768", "800x600")


@dataclass
class ExportChoices:
    """What to export: the same choices as ``nnviz export``."""

    out: Path
    fmt: str = "png"
    steps: int = 1
    size: tuple[int, int] = (1920, 1080)
    view: ViewState = field(default_factory=ViewState)
    only_update: bool = False
    neuron: tuple[int, int] | None = None


class ExportJob(QObject):
    """Exports ``steps`` steps from the shown step on, one file or frame per timer tick."""

    progress = Signal(int, int)  # done, total
    finished = Signal(bool, str)  # completed (not cancelled), message

    def __init__(self, session: Session, choices: ExportChoices) -> None:
        super().__init__()
        self.session, self.choices = session, choices
        _check_size(session, choices)  # before any step is traced or frame drawn
        first = max(session.step, 1)
        engine = session.engine.clone()
        engine.set_state(
            session.history.state_before(first)
            if session.n_steps >= first
            else session.engine.get_state()
        )
        self.traces = [engine.step() for _ in range(choices.steps)]
        scenes = scenes_for(
            session.spec,
            session.engine.dataset,
            self.traces,
            choices.view,
            only_update=choices.only_update,
            neuron=choices.neuron,
        )
        w, h = choices.size
        self.job = TraceExport(scenes, choices.out, fmt=choices.fmt, width=w, height=h)
        self.cancelled = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.choices.out.mkdir(parents=True, exist_ok=True)
        self._timer.start(0)

    def cancel(self) -> None:
        self.cancelled = True

    def _tick(self) -> None:
        if self.cancelled:
            self._timer.stop()
            self.job.abort()
            self.finished.emit(False, f"Export cancelled after {len(self.job.written)} files")
            return
        try:
            more = self.job.step()
            if not more:
                self._write_trace_json()
        except (OSError, NnvizError) as exc:
            self._timer.stop()
            self.job.abort()
            self.finished.emit(False, f"Export failed: {exc}")
            return
        self.progress.emit(self.job.done, self.job.total)
        if not more:
            self._timer.stop()
            self.finished.emit(
                True, f"Exported {len(self.job.written)} files to {self.choices.out}"
            )

    def _write_trace_json(self) -> None:
        """trace.json, written one step at a time (never the whole document in memory)."""
        head = {
            "network": self.session.spec.to_json(),
            "files": [p.name for p in self.job.written],
        }
        with open_output(self.choices.out / "trace.json", follow_links=False) as f:
            f.write(json.dumps(head, allow_nan=False)[:-1].encode() + b', "steps": [')
            for k, t in enumerate(self.traces):
                f.write(((", " if k else "") + json.dumps(t.to_json(), allow_nan=False)).encode())
            f.write(b"]}\n")


def _check_size(session: Session, choices: ExportChoices) -> None:
    """Refuse an export beyond the memory budget, with the figure and the limit."""
    from nnviz.core.limits import check_memory, export_bytes

    layers = session.spec.layers
    batch = min(session.spec.batch_size, max(session.engine.dataset.n_train, 1))
    frames = choices.steps * (1 if choices.only_update else 2 * len(layers))
    w, h = choices.size
    need = session.engine.needed_bytes() + export_bytes(
        layers, batch, choices.steps, frames, w, h, choices.fmt
    )
    check_memory(need, f"exporting {frames:,} {choices.fmt.upper()} frames of {w}x{h}")


class ExportDialog(QDialog):
    """The choices; ``choices()`` validates them (NnvizError names what is wrong)."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, view: ViewState | None = None
    ) -> None:
        """``view`` is the window's view state: the export starts from its choices."""
        super().__init__(parent)
        self.setWindowTitle("Export trace")
        self.session = session
        self.view = view or ViewState()
        form = QFormLayout(self)
        self.folder = QLineEdit(str(Path.cwd() / "nnviz-export"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Folder", row)
        self.fmt = QComboBox()
        self.fmt.addItems(["png", "svg", "pdf", "gif", "webp", "apng"])
        form.addRow("Format", self.fmt)
        self.steps = QSpinBox()
        self.steps.setRange(1, 1000)
        form.addRow("Steps from the shown one", self.steps)
        self.size = QComboBox()
        self.size.addItems(SIZES)
        self.size.setEditable(True)
        form.addRow("Size", self.size)
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(self.view.theme)
        form.addRow("Theme", self.theme)
        self.labels = QComboBox()
        self.labels.addItems(list(LABEL_CHOICES))
        self.labels.setCurrentText(_choice_text(self.view.label_mode))
        form.addRow("Numbers", self.labels)
        self.digits = QSpinBox()
        self.digits.setRange(MIN_DIGITS, MAX_DIGITS)
        self.digits.setValue(self.view.digits)
        form.addRow("Significant figures", self.digits)
        self.only_update = QCheckBox("Only the update phase of each step")
        form.addRow("", self.only_update)
        self.neuron = QLineEdit()
        self.neuron.setPlaceholderText("layer:neuron, e.g. 2:1 (optional)")
        form.addRow("Show formulas of", self.neuron)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Export folder", self.folder.text())
        if path:
            self.folder.setText(path)

    def choices(self) -> ExportChoices:
        from nnviz.export_cli import _neuron, _size

        out = Path(self.folder.text().strip())
        if not self.folder.text().strip():
            raise NnvizError("choose a folder")
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise NnvizError("the folder exists and is not empty; choose an empty one", str(out))
        sel = self.session.selection
        neuron = _neuron(self.neuron.text() or None, self.session.spec.layers)
        if neuron is None and sel is not None and sel.kind == "neuron" and sel.layer > 0:
            neuron = (sel.layer, sel.row)
        return ExportChoices(
            out=out,
            fmt=self.fmt.currentText(),
            steps=self.steps.value(),
            size=_size(self.size.currentText()),
            view=self.view.copy(
                theme=self.theme.currentText(),
                label_mode=LABEL_CHOICES[self.labels.currentText()],
                digits=self.digits.value(),
                zoom=1.0,
                pan=(0.0, 0.0),
            ),
            only_update=self.only_update.isChecked(),
            neuron=neuron,
        )


def _choice_text(mode: str) -> str:
    return {v: k for k, v in LABEL_CHOICES.items()}.get(mode, "Activation a")
