"""The setup panel: architecture, data and training settings. Apply builds a new network file
object, validates it with the engine's own checks and opens it (asking before history is lost)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.csv_data import detect_header, read_table
from nnviz.core.data import DATASETS
from nnviz.core.device import cuda_available
from nnviz.core.errors import NnvizError, printable
from nnviz.core.losses import LOSSES
from nnviz.core.spec import INIT_SCHEMES, NetworkSpec, from_dict, to_dict
from nnviz.gui.sections import Section
from nnviz.gui.session import Session
from nnviz.gui.wheelguard import WheelGuard, guard_wheel

INLINE = "inline data (from the file)"
CSV = "CSV file…"
PREVIEW_ROWS = 8
PREVIEW_COLUMNS = 64  # the preview table's columns (the pickers list them all)


def _spin(lo: float, hi: float, decimals: int = 0, step: float = 1.0):
    if decimals == 0:
        box = QSpinBox()
        box.setRange(int(lo), int(hi))
    else:
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
        box.setRange(lo, hi)
        box.setSingleStep(step)
    return box


class SetupDock(QDockWidget):
    """Edits a copy of the session's settings; ``apply_requested`` carries the new spec."""

    apply_requested = Signal(object)  # NetworkSpec
    error = Signal(str)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Setup", parent)
        self.setObjectName("setup")
        self.session = session
        self.csv_path: Path | None = None
        self.wheel_guard = WheelGuard(self)
        body = QWidget()
        outer = QVBoxLayout(body)
        self.sections = [self._architecture(), self._data(), self._training()]
        for section in self.sections:
            outer.addWidget(section)
        self.apply_button = QPushButton("Apply (rebuilds the network)")
        self.apply_button.clicked.connect(self.apply)
        outer.addWidget(self.apply_button)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)
        guard_wheel(body, self.wheel_guard)
        session.network_changed.connect(self.load_from_session)
        self.load_from_session()

    # ----- building the form ----------------------------------------------------------------
    def _architecture(self) -> Section:
        box = Section("Architecture")
        form = QFormLayout(box.body)
        self.sizes = QLineEdit()
        self.sizes.setToolTip("Layer sizes, input first, e.g. 2-8-8-1")
        self.sizes.editingFinished.connect(self._sizes_edited)
        form.addRow("Layers", self.sizes)
        self.acts_box = QWidget()
        self.acts_layout = QFormLayout(self.acts_box)
        self.acts_layout.setContentsMargins(0, 0, 0, 0)
        self.act_combos: list[QComboBox] = []
        form.addRow("Activations", self.acts_box)
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        form.addRow("Loss", self.loss)
        self.bias_trainable = QCheckBox("biases are trained")
        self.bias_shared = QCheckBox("one bias shared by each layer")
        form.addRow(self.bias_trainable)
        form.addRow(self.bias_shared)
        return box

    def _data(self) -> Section:
        box = Section("Data")
        form = QFormLayout(box.body)
        self.source = QComboBox()
        self.source.addItems([*DATASETS, INLINE, CSV])
        self.source.currentTextChanged.connect(self._source_changed)
        form.addRow("Source", self.source)
        self.n = _spin(1, 1_000_000)
        self.noise = _spin(0, 10, 3, 0.01)
        self.data_seed = _spin(0, 2**31 - 1)
        self.classes = _spin(2, 10)
        self.test_fraction = _spin(0, 0.9, 2, 0.05)
        self.standardize = QCheckBox("standardize inputs (z-score)")
        for label, w in (
            ("Points", self.n),
            ("Noise", self.noise),
            ("Seed", self.data_seed),
            ("Classes", self.classes),
            ("Test fraction", self.test_fraction),
        ):
            form.addRow(label, w)
        form.addRow(self.standardize)
        self.csv_box = QWidget()
        csv = QVBoxLayout(self.csv_box)
        csv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.csv_label = QLabel("no file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_csv)
        row.addWidget(self.csv_label, 1)
        row.addWidget(choose)
        csv.addLayout(row)
        self.header = QCheckBox("first row is a header")
        self.header.toggled.connect(self._refresh_columns)
        csv.addWidget(self.header)
        self.preview = QTableWidget()
        self.preview.setMaximumHeight(180)
        csv.addWidget(self.preview)
        csv.addWidget(QLabel("Input columns"))
        self.inputs = QListWidget()
        self.inputs.setMaximumHeight(110)
        csv.addWidget(self.inputs)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Target column"))
        self.target = QComboBox()
        row2.addWidget(self.target, 1)
        self.task = QComboBox()
        self.task.addItems(["auto", "classification", "regression"])
        row2.addWidget(self.task)
        csv.addLayout(row2)
        form.addRow(self.csv_box)
        return box

    def _training(self) -> Section:
        box = Section("Training")
        form = QFormLayout(box.body)
        self.batch = _spin(1, 1_000_000)
        self.lr = _spin(0, 1e6, 5, 0.001)
        self.optimizer = QComboBox()
        self.optimizer.addItems(["sgd", "adam"])
        self.momentum = _spin(0, 0.9999, 4, 0.05)
        self.init_scheme = QComboBox()
        self.init_scheme.addItems(list(INIT_SCHEMES))
        self.init_seed = _spin(0, 2**31 - 1)
        self.device = QComboBox()
        self.device.addItems(["cpu", "cuda", "auto"])
        if not cuda_available():
            item = self.device.model().item(1)
            item.setEnabled(False)
            item.setToolTip("No CUDA device is available on this computer")
            self.device.setItemData(
                1, "No CUDA device is available on this computer", Qt.ItemDataRole.ToolTipRole
            )
        self.dtype = QComboBox()
        self.dtype.addItems(["float64", "float32"])
        for label, w in (
            ("Batch size", self.batch),
            ("Learning rate η", self.lr),
            ("Optimizer", self.optimizer),
            ("Momentum (SGD)", self.momentum),
            ("Initialisation", self.init_scheme),
            ("Init seed", self.init_seed),
            ("Device", self.device),
            ("Number type", self.dtype),
        ):
            form.addRow(label, w)
        return box

    # ----- spec → form ------------------------------------------------------------------------
    def load_from_session(self) -> None:
        spec = self.session.spec
        self.sizes.setText("-".join(map(str, spec.layers)))
        self._set_activations(list(spec.activations))
        self.loss.setCurrentText(spec.loss)
        self.bias_trainable.setChecked(spec.bias_trainable)
        self.bias_shared.setChecked(spec.bias_shared)
        d = spec.data
        if "dataset" in d:
            self.source.setCurrentText(d["dataset"])
        elif "csv" in d:
            self.csv_path = (self.session.base_dir or Path.cwd()) / d["csv"]
            self.source.setCurrentText(CSV)
        else:
            self.source.setCurrentText(INLINE)
        self.n.setValue(int(d.get("n", 4 if d.get("dataset") in ("xor", "and", "or") else 200)))
        self.noise.setValue(float(d.get("noise", 0.0)))
        self.data_seed.setValue(int(d.get("seed", 0)))
        self.classes.setValue(int(d.get("classes", 2)))
        self.test_fraction.setValue(float(d.get("test_fraction", 0.0)))
        self.standardize.setChecked(bool(d.get("standardize", False)))
        self.batch.setValue(spec.batch_size)
        self.lr.setValue(spec.optimizer.lr)
        self.optimizer.setCurrentText(spec.optimizer.name)
        self.momentum.setValue(spec.optimizer.momentum)
        self.init_scheme.setCurrentText(spec.init_scheme)
        self.init_seed.setValue(spec.init_seed)
        self.device.setCurrentText(spec.device)
        self.dtype.setCurrentText(spec.dtype)
        self._source_changed(self.source.currentText())

    def _set_activations(self, acts: list[str]) -> None:
        while self.acts_layout.rowCount():
            self.acts_layout.removeRow(0)
        self.act_combos = []
        for k, name in enumerate(acts, 1):
            combo = QComboBox()
            combo.addItems(list(ACTIVATIONS))
            combo.setCurrentText(name)
            self.act_combos.append(combo)
            self.acts_layout.addRow(f"layer {k}", combo)
            guard_wheel(combo, self.wheel_guard)

    def _sizes_edited(self) -> None:
        try:
            sizes = self.parse_sizes()
        except NnvizError:
            return
        old = [c.currentText() for c in self.act_combos]
        hidden, output = old[:-1], old[-1]
        filler = hidden[-1] if hidden else "tanh"
        n_hidden = len(sizes) - 2
        acts = [hidden[k] if k < len(hidden) else filler for k in range(n_hidden)] + [output]
        self._set_activations(acts)

    def _source_changed(self, text: str) -> None:
        generated = text in DATASETS
        for w in (self.n, self.noise, self.data_seed, self.classes):
            w.setEnabled(generated)
        self.csv_box.setVisible(text == CSV)
        if text == CSV and self.csv_path is not None:
            self._load_preview()

    # ----- CSV ----------------------------------------------------------------------------------
    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CSV file", str(Path.cwd()), "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.set_csv(Path(path))

    def set_csv(self, path: Path) -> None:
        self.csv_path = path
        self.source.setCurrentText(CSV)
        self._load_preview()

    def _load_preview(self) -> None:
        try:
            rows, _ = read_table(self.csv_path, max_rows=PREVIEW_ROWS + 1)
        except NnvizError as exc:
            self.error.emit(str(exc))
            self.csv_label.setText("no file")
            self._rows = []
            return
        self._rows = rows
        self.csv_label.setText(printable(self.csv_path.name))
        self.header.blockSignals(True)
        self.header.setChecked(detect_header(rows))
        self.header.blockSignals(False)
        self._refresh_columns()

    def _refresh_columns(self) -> None:
        rows = getattr(self, "_rows", [])
        if not rows:
            return
        names = (  # text from a file: control characters escaped, length bounded
            [printable(c.strip()) for c in rows[0]]
            if self.header.isChecked()
            else [f"column {i + 1}" for i in range(len(rows[0]))]
        )
        body = rows[1:] if self.header.isChecked() else rows
        shown = names[:PREVIEW_COLUMNS]
        self.preview.setColumnCount(len(shown))
        self.preview.setHorizontalHeaderLabels(shown)
        self.preview.setRowCount(min(len(body), PREVIEW_ROWS))
        for r, row in enumerate(body[:PREVIEW_ROWS]):
            for c, cell in enumerate(row[: len(shown)]):
                self.preview.setItem(r, c, QTableWidgetItem(printable(cell, 24)))
        self.inputs.clear()
        for i, name in enumerate(names):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if i < len(names) - 1 else Qt.CheckState.Unchecked
            )
            self.inputs.addItem(item)
        self.target.clear()
        self.target.addItems(names)
        self.target.setCurrentIndex(len(names) - 1)

    # ----- form → spec ------------------------------------------------------------------------
    def parse_sizes(self) -> list[int]:
        parts = [p for p in re.split(r"[\s,×-]+", self.sizes.text().strip()) if p]
        if len(parts) < 2 or not all(p.isdigit() for p in parts):
            raise NnvizError(f"layers must look like 2-8-8-1, found {self.sizes.text()!r}")
        return [int(p) for p in parts]

    def build_spec(self) -> NetworkSpec:
        """The spec the form describes; NnvizError says what is wrong."""
        s = self.session
        doc = to_dict(s.spec)
        sizes = self.parse_sizes()
        doc["layers"] = sizes
        doc["activations"] = [c.currentText() for c in self.act_combos]
        doc["loss"] = self.loss.currentText()
        doc["bias"] = {
            "trainable": self.bias_trainable.isChecked(),
            "shared": self.bias_shared.isChecked(),
        }
        src = self.source.currentText()
        if src in DATASETS:
            doc["data"] = {
                "dataset": src,
                "n": self.n.value(),
                "noise": self.noise.value(),
                "seed": self.data_seed.value(),
                "test_fraction": self.test_fraction.value(),
                "standardize": self.standardize.isChecked(),
            }
            if self.classes.value() != 2:
                doc["data"]["classes"] = self.classes.value()
        elif src == CSV:
            if self.csv_path is None:
                raise NnvizError("choose a CSV file")
            inputs = [
                i
                for i in range(self.inputs.count())
                if self.inputs.item(i).checkState() == Qt.CheckState.Checked
            ]
            doc["data"] = {
                "csv": str(self.csv_path),
                "header": self.header.isChecked(),
                "inputs": inputs,
                "targets": [self.target.currentIndex()],
                "test_fraction": self.test_fraction.value(),
                "standardize": self.standardize.isChecked(),
                "task": self.task.currentText(),
            }
        doc["batch_size"] = self.batch.value()
        opt = {"name": self.optimizer.currentText(), "lr": self.lr.value()}
        if opt["name"] == "sgd" and self.momentum.value():
            opt["momentum"] = self.momentum.value()
        doc["optimizer"] = opt
        doc["device"] = self.device.currentText()
        doc["dtype"] = self.dtype.currentText()
        same_shape = (
            tuple(sizes) == s.spec.layers and self.bias_shared.isChecked() == s.spec.bias_shared
        )
        same_init = (
            self.init_scheme.currentText() == s.spec.init_scheme
            and self.init_seed.value() == s.spec.init_seed
        )
        doc["init"] = {"scheme": self.init_scheme.currentText(), "seed": self.init_seed.value()}
        if same_shape and same_init:  # keep the run's initial weights
            ws, bs = s.history.parameters_after(0)
            doc["weights"] = [w.tolist() for w in ws]
            doc["biases"] = [b.tolist() for b in bs]
        else:
            doc.pop("weights", None)
            doc.pop("biases", None)
        spec = from_dict(doc, where="setup")
        from nnviz.core.data import build_dataset

        build_dataset(
            spec.data,
            n_inputs=spec.layers[0],
            n_outputs=spec.layers[-1],
            output_activation=spec.activations[-1],
            loss=spec.loss,
            base_dir=s.base_dir,
            allow_outside=True,  # the CSV file chosen here is the user's own choice
        )  # data problems are reported before anything changes
        return spec

    def apply(self) -> None:
        try:
            spec = self.build_spec()
        except NnvizError as exc:
            self.error.emit(str(exc))
            return
        self.apply_requested.emit(spec)
