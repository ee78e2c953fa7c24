"""File → Export trace…: every choice of ``nnviz export`` in a dialog that remembers them
(QSettings, kept even when the export then fails), the HTML deck (one file) and the classic
mistake included; the export itself runs on a worker thread (nnviz.gui.export_worker) with a
progress dialog and Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from nnviz.core.errors import NnvizError
from nnviz.core.mistakes import MISTAKES, why_not
from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS
from nnviz.gui.export_worker import ExportChoices, ExportJob
from nnviz.gui.mistake_controls import MistakeChooser
from nnviz.gui.session import Session
from nnviz.render.export import PNG_QUALITY
from nnviz.render.handout import default_page
from nnviz.render.view import LABEL_CHOICES, THEMES, ViewState

__all__ = ["ExportChoices", "ExportDialog", "ExportJob"]

SIZES = ("1920x1080", "1280x720", "3840x2160", "1024x768", "800x600")
FORMATS = ("png", "svg", "pdf", "gif", "webp", "apng", "mp4", "html")
DECK_TEXT = "html (one-page deck)"
"""The format box's text for the HTML deck (its data is "html", as every item's is its format)."""
GRIDS = ("1x1", "1x2", "2x2", "2x3", "3x3")
USES = {
    "grid": ("pdf",),
    "page": ("pdf",),
    "orientation": ("pdf",),
    "frame_ms": ("gif", "webp", "apng", "mp4"),
    "transparent": ("png", "svg"),
    "png_quality": ("png",),
    "trace_json": ("png", "svg", "pdf", "gif", "webp", "apng", "mp4"),  # not the deck
}
"""The choices only some formats use (as the command line's APPLIES_TO): disabled otherwise."""
KEY = "export/"


class ExportDialog(QDialog):
    """The choices; ``choices()`` validates them (NnvizError names what is wrong). Theme,
    numbers and digits start as the window shows them, unless this dialog chose others while
    the window showed the same."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        view: ViewState | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export trace")
        self.session = session
        self.view = view or ViewState()
        self.store = settings or getattr(parent, "settings", None) or QSettings("nnviz", "nnviz")
        form = QFormLayout(self)
        # one field for the destination: the folder, or the HTML deck's file (each remembered)
        self._paths = {False: str(Path.cwd() / "nnviz-export"), True: str(Path.cwd() / "deck.html")}
        self._deck_shown = False
        self.folder = QLineEdit(self._paths[False])
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.where = QLabel("Folder")
        form.addRow(self.where, row)
        self.fmt = QComboBox()
        for code in FORMATS:
            self.fmt.addItem(DECK_TEXT if code == "html" else code, code)
        form.addRow("Format", self.fmt)
        self.steps = QSpinBox()
        self.steps.setRange(1, 1000)
        form.addRow("Steps from the shown one", self.steps)
        self.only_update = QCheckBox("Only the update phase of each step")
        form.addRow("Phases", self.only_update)
        self.size = _combo(SIZES)
        self.size.setEditable(True)
        form.addRow("Size", self.size)
        self.theme = _combo(THEMES)
        form.addRow("Theme", self.theme)
        self.labels = _combo(LABEL_CHOICES)
        form.addRow("Numbers", self.labels)
        self.digits = QSpinBox()
        self.digits.setRange(MIN_DIGITS, MAX_DIGITS)
        form.addRow("Significant figures", self.digits)
        self.neuron = QLineEdit()
        self.neuron.setPlaceholderText("layer:neuron, e.g. 2:1 (optional)")
        form.addRow("Show formulas of", self.neuron)
        self.mistake = MistakeChooser()
        for i in range(1, self.mistake.count()):  # those this network cannot make: disabled
            why = why_not(str(self.mistake.itemData(i)), session.spec.activations)
            if why:
                self.mistake.model().item(i).setEnabled(False)
                self.mistake.setItemData(i, why, 3)  # 3: Qt.ToolTipRole
        form.addRow("Classic mistake", self.mistake)
        self.grid = _combo(GRIDS)
        self.grid.setEditable(True)
        form.addRow("PDF: frames a page (cols×rows)", self.grid)
        self.page = _combo(("a4", "letter"))
        form.addRow("PDF: paper", self.page)
        self.orientation = _combo(("auto", "portrait", "landscape"))
        form.addRow("PDF: orientation", self.orientation)
        self.frame_ms = QSpinBox()
        self.frame_ms.setRange(20, 60_000)
        self.frame_ms.setSingleStep(100)
        self.frame_ms.setSuffix(" ms")
        form.addRow("Animation, video: frame time", self.frame_ms)
        self.transparent = QCheckBox("Transparent background (PNG, SVG)")
        form.addRow("", self.transparent)
        self.png_quality = QSpinBox()
        self.png_quality.setRange(0, 100)
        self.png_quality.setToolTip("0: smallest files, slowest; 100: no compression; all lossless")
        form.addRow("PNG: compression (0 smallest)", self.png_quality)
        self.trace_json = QCheckBox("Also write every number as trace.json")
        form.addRow("", self.trace_json)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._restore()
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def format(self) -> str:
        """The chosen format's code, as ``nnviz export --format`` spells it."""
        return str(self.fmt.currentData())

    def _format_changed(self, *_) -> None:
        """Enable only the choices the format uses; the deck's destination is a file."""
        fmt = self.format()
        for name, formats in USES.items():
            getattr(self, name).setEnabled(fmt in formats)
        deck = fmt == "html"
        if deck != self._deck_shown:
            self._paths[self._deck_shown] = self.folder.text()
            self.folder.setText(self._paths[deck])
            self._deck_shown = deck
        self.where.setText("HTML file" if deck else "Folder")

    def _browse(self) -> None:
        if self._deck_shown:  # replacing an existing file is asked once, by choices()
            path, _ = QFileDialog.getSaveFileName(
                self, "HTML deck", self.folder.text(), "HTML deck (*.html)",
                options=QFileDialog.Option.DontConfirmOverwrite,
            )  # fmt: skip
        else:
            path = QFileDialog.getExistingDirectory(self, "Export folder", self.folder.text())
        if path:
            self.folder.setText(path)

    # remembering --------------------------------------------------------------------------
    def _restore(self) -> None:
        s, v = self.store, self.view
        self._paths[False] = str(s.value(KEY + "folder", self._paths[False]))
        self._paths[True] = str(s.value(KEY + "deck_file", self._paths[True]))
        self.folder.setText(self._paths[False])
        self.fmt.setCurrentIndex(max(self.fmt.findData(str(s.value(KEY + "format", "png"))), 0))
        self.steps.setValue(_int(s.value(KEY + "steps"), 1))
        self.only_update.setChecked(_bool(s.value(KEY + "only_update"), False))
        self.size.setCurrentText(str(s.value(KEY + "size", SIZES[0])))
        self.grid.setCurrentText(str(s.value(KEY + "grid", GRIDS[0])))
        _pick(self.page, s.value(KEY + "page", default_page()))  # the locale's paper at first
        _pick(self.orientation, s.value(KEY + "orientation", "auto"))
        self.frame_ms.setValue(_int(s.value(KEY + "frame_ms"), 800))
        self.transparent.setChecked(_bool(s.value(KEY + "transparent"), False))
        self.png_quality.setValue(_int(s.value(KEY + "png_quality"), PNG_QUALITY))
        self.trace_json.setChecked(_bool(s.value(KEY + "trace_json"), True))
        self.neuron.setText(str(s.value(KEY + "neuron", "")))
        # the window's view, unless the dialog chose otherwise against the same window view
        same = s.value(KEY + "window_view") == _view_key(v)
        _pick(self.theme, s.value(KEY + "theme") if same else v.theme, v.theme)
        label = _choice_text(v.label_mode)
        _pick(self.labels, s.value(KEY + "labels") if same else label, label)
        self.digits.setValue(_int(s.value(KEY + "digits"), v.digits) if same else v.digits)
        self.mistake.set_key(str(s.value(KEY + "mistake", "")) if same else v.mistake)

    def remember(self) -> None:
        """Keep the choices as they are (valid or not) for the next time."""
        s = self.store
        self._paths[self._deck_shown] = self.folder.text()
        for name, value in (
            ("folder", self._paths[False]),
            ("deck_file", self._paths[True]),
            ("format", self.format()),
            ("steps", self.steps.value()),
            ("only_update", self.only_update.isChecked()),
            ("size", self.size.currentText()),
            ("grid", self.grid.currentText()),
            ("page", self.page.currentText()),
            ("orientation", self.orientation.currentText()),
            ("frame_ms", self.frame_ms.value()),
            ("transparent", self.transparent.isChecked()),
            ("png_quality", self.png_quality.value()),
            ("trace_json", self.trace_json.isChecked()),
            ("neuron", self.neuron.text()),
            ("theme", self.theme.currentText()),
            ("labels", self.labels.currentText()),
            ("digits", self.digits.value()),
            ("mistake", self.mistake.key()),
            ("window_view", _view_key(self.view)),
        ):
            s.setValue(KEY + name, value)
        s.sync()

    def accept(self) -> None:  # noqa: D102 - remembered before the choices are checked
        self.remember()
        super().accept()

    # the choices --------------------------------------------------------------------------
    def choices(self) -> ExportChoices | None:
        """The export asked for; None when the user would not replace an existing HTML file."""
        from nnviz.deck_cli import check_out_file
        from nnviz.export_cli import _neuron, _size

        fmt = self.format()
        text = self.folder.text().strip()
        if not text:
            raise NnvizError("choose the HTML file" if fmt == "html" else "choose a folder")
        out = Path(text)
        if fmt == "html":
            if not out.suffix:
                out = out.with_name(out.name + ".html")
            check_out_file(str(out), force=True)  # a folder, a missing or read-only folder
            if (out.exists() or out.is_symlink()) and not self.ask_replace(out):
                return None
        elif out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise NnvizError("the folder exists and is not empty; choose an empty one", str(out))
        mistake = self.mistake.key()
        if mistake and (why := why_not(mistake, self.session.spec.activations)):
            raise NnvizError(f"{MISTAKES[mistake].title}: {why}")
        if fmt == "mp4":
            from nnviz.render.video import require

            require()
        sel = self.session.selection
        neuron = _neuron(self.neuron.text() or None, self.session.spec.layers)
        if neuron is None and sel is not None and sel.kind == "neuron" and sel.layer > 0:
            neuron = (sel.layer, sel.row)
        return ExportChoices(
            out=out,
            fmt=fmt,
            steps=self.steps.value(),
            size=_size(self.size.currentText()),
            view=self.view.copy(
                theme=self.theme.currentText(),
                label_mode=LABEL_CHOICES[self.labels.currentText()],
                digits=self.digits.value(),
                zoom=1.0,
                pan=(0.0, 0.0),
                mistake=mistake,
            ),
            only_update=self.only_update.isChecked(),
            neuron=neuron,
            grid=_size(self.grid.currentText(), "--grid") if fmt == "pdf" else (1, 1),
            page=self.page.currentText(),
            orientation=self.orientation.currentText(),
            frame_ms=self.frame_ms.value(),
            transparent=self.transparent.isChecked() and fmt in USES["transparent"],
            png_quality=self.png_quality.value(),
            trace_json=self.trace_json.isChecked() and fmt != "html",
        )

    def ask_replace(self, path: Path) -> bool:
        """Whether the user replaces the existing file ``path`` (the new deck is written whole
        before it takes the old one's place, so a failed or cancelled export keeps it)."""
        answer = QMessageBox.question(
            self.parentWidget() or self,
            "Replace the file?",
            f"{path} exists. Replace it with the new HTML deck?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def _combo(items) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    return box


def _pick(box: QComboBox, value, fallback: str | None = None) -> None:
    """Select ``value`` if it is one of the box's items (else ``fallback``, if given)."""
    for v in (value, fallback):
        if v is not None and box.findText(str(v)) >= 0:
            box.setCurrentText(str(v))
            return


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    return str(value).lower() in ("true", "1", "yes")


def _view_key(view: ViewState) -> str:
    return f"{view.theme}|{view.label_mode}|{view.digits}|{view.mistake}"


def _choice_text(mode: str) -> str:
    return {v: k for k, v in LABEL_CHOICES.items()}.get(mode, "Activation a")
