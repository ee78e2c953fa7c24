"""The Predict dock: predict, then reveal. In predict mode the numbers a phase introduces are
drawn as "?" (see render.display) until the learner reveals them; here the learner picks one of
the selected neuron's or weight's numbers of the shown phase, types it, checks it (the verdict
and, when wrong, the first wrong intermediate, typeset), reveals the phase, and keeps a score
whose report can be exported.

Keys: R reveals the phase (in the window and lecture mode); Q toggles predict mode in lecture
mode (P is the presenter's); both are in the lecture key map (nnviz.gui.keymap)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.errors import printable
from nnviz.core.mathtext import Rich, document
from nnviz.core.numfmt import fmt_html
from nnviz.core.predict import AnswerError, Verdict, check
from nnviz.core.predict_score import Score
from nnviz.core.quantities import (
    EDGE_KINDS,
    NEURON_KINDS,
    SYMBOLS,
    Quantity,
    check_fits,
    revealed_at,
)
from nnviz.gui.session import Session
from nnviz.render import richtext
from nnviz.render.theme import get_theme

GOOD = {False: "#1a7f37", True: "#3fb950"}  # a right answer, on a light or a dark window
ASKED_NEURON = ("z", "a", "sigma_prime", "delta")
ASKED_EDGE = ("grad", "dw", "new_w")


def set_predict(session: Session, on: bool) -> None:
    """Predict mode on or off; everything on screen is redrawn (hidden or shown)."""
    if session.reveals.on != bool(on):
        session.reveals.on = bool(on)
        session.changed.emit()


def predict_on(window) -> None:
    """Predict mode on in ``window`` as its View menu switch does it (lessons turn it on)."""
    act = getattr(window, "act_predict", None)
    if act is not None:
        act.setChecked(True)
    else:
        set_predict(window.session, True)


def reveal(session: Session) -> bool:
    """Reveal the shown phase (it stays revealed); False when nothing was hidden."""
    if not session.phase_hidden():
        return False
    session.reveals.reveal(session.run.id, session.step, session.phase)
    session.changed.emit()
    return True


def keeps_back(session: Session, phase: str) -> bool:
    """Predict mode: whether a number computed at ``phase`` of the shown step is still to be
    predicted (that phase not reached, or reached but hidden). The analysis docks ask this."""
    if not session.reveals.on or session.step == 0:
        return False
    from nnviz.gui.inspector import known_phase

    known = known_phase(session)
    names = session.phases
    return known not in names or names.index(known) < names.index(phase)


def predict_key(session: Session) -> tuple | None:
    """What of predict mode a dock's picture depends on (for its refresh key)."""
    return (session.phase, session.phase_hidden()) if session.reveals.on else None


def choices(session: Session) -> list[Quantity]:
    """The numbers of the selected neuron or weight (and the loss) that the shown phase
    computes: what a learner may predict now."""
    tr = session.trace()
    if tr is None or session.phase < 0:
        return []
    n = session.n_layers
    sizes = session.spec.layers
    out: list[Quantity] = []
    sel = session.selection
    if sel is not None and sel.kind == "neuron" and sel.layer > 0:
        out = [Quantity(k, (sel.layer, sel.row)) for k in ASKED_NEURON]
    elif sel is not None and sel.kind == "edge" and sel.col is not None:
        out = [Quantity(k, (sel.layer, sel.row, sel.col)) for k in ASKED_EDGE]
    out.append(Quantity("loss"))
    if tr.batch_size > 1:
        out.append(Quantity("sample_loss"))
    keep = []
    for q in out:
        try:
            check_fits(q, sizes)
        except ValueError:
            continue
        if revealed_at(q, n) == session.phase:
            keep.append(q)
    return keep


def describe(q: Quantity, n_layers: int) -> str:
    """The choice as the list shows it: "δ of neuron 1 in the output layer"."""
    if q.kind in NEURON_KINDS or q.kind in EDGE_KINDS:
        return q.describe(n_layers)
    return SYMBOLS[q.kind]


class PredictDock(QDockWidget):
    """Choose a number, type it, Check (Enter), Reveal (R); the score and its report."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Predict", parent)
        self.setObjectName("predict")
        self.session = session
        self.score = Score()
        self.last: Verdict | None = None
        body = QWidget()
        lay = QVBoxLayout(body)
        self.state = QLabel()
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        self.kind_box = QComboBox()
        self.kind_box.setToolTip("Which number of the selected neuron or weight to predict")
        lay.addWidget(self.kind_box)
        row = QHBoxLayout()
        self.answer = QLineEdit()
        self.answer.setPlaceholderText("your value, e.g. 0.2413 or 0,2413")
        self.answer.returnPressed.connect(self.check_answer)
        row.addWidget(self.answer, 1)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Compare with the engine's number (Enter)")
        self.check_button.clicked.connect(self.check_answer)
        row.addWidget(self.check_button)
        lay.addLayout(row)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.verdict)
        row = QHBoxLayout()
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Show the numbers of this phase (R)")
        self.reveal_button.clicked.connect(lambda: reveal(self.session))
        row.addWidget(self.reveal_button)
        self.export_button = QPushButton("Export report…")
        self.export_button.setToolTip("Save the report: text, Markdown (.md) or CSV (.csv)")
        self.export_button.clicked.connect(self.export_report)
        row.addWidget(self.export_button)
        lay.addLayout(row)
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        lay.addWidget(self.score_label)
        lay.addStretch(1)
        self.setWidget(body)
        self._key: tuple | None = None
        session.changed.connect(self.refresh)
        self.refresh()

    # ----- state ----------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self.isHidden():  # nothing to keep up to date (play emits a change per frame)
            return
        s = self.session
        qs = choices(s)
        key = (s.run.id, s.step, s.phase, s.selection, s.sample)
        texts = [describe(q, s.n_layers) for q in qs]
        if [self.kind_box.itemText(i) for i in range(self.kind_box.count())] != texts:
            current = self.kind_box.currentText()
            self.kind_box.blockSignals(True)
            self.kind_box.clear()
            for q, text in zip(qs, texts, strict=True):
                self.kind_box.addItem(text, q)
            if current in texts:
                self.kind_box.setCurrentText(current)
            self.kind_box.blockSignals(False)
        if key != self._key:  # another number to predict: the old verdict no longer applies
            self._key = key
            self.verdict.setText("")
            self.last = None
        on, hidden = s.reveals.on, s.phase_hidden()
        if not on:
            text = "Predict mode is off (View ▸ Predict, then reveal)."
        elif s.step == 0:
            text = "Step forward (→): each phase's new numbers start hidden."
        elif hidden:
            text = f"{s.phase_name()}: its numbers are hidden. Predict one, then Reveal (R)."
        else:
            text = f"{s.phase_name()}: revealed."
        if on and s.step and not qs:
            text += " Select a neuron or a weight this phase computes."
        self.state.setText(text)
        for w in (self.kind_box, self.answer, self.check_button):
            w.setEnabled(bool(qs))
        self.reveal_button.setEnabled(hidden)
        self.score_label.setText(f"Score: {self.score.line()}")
        self.export_button.setEnabled(self.score.asked > 0)

    def check_answer(self) -> Verdict | None:
        """Judge the typed answer; the verdict in colour, a wrong one with its diagnosis."""
        s = self.session
        tr = s.trace()
        q = self.kind_box.currentData()
        if tr is None or q is None:
            return None
        try:
            v = check(tr, q, self.answer.text(), s.sample)
        except AnswerError as exc:
            self._show(f"<span>{printable(str(exc))}</span>", "muted")
            return None
        self.last = v
        self.score.record(
            q, s.n_layers, s.step, s.sample, self.answer.text().strip(), v.right, v.value
        )
        if v.right:
            self._show(
                f"<b>Right.</b> {v.quantity.describe(s.n_layers)} = {fmt_html(v.value, 6)}", "good"
            )
        else:
            self._show(f"<b>Not quite.</b> {v.diagnosis.html}", "bad")
        self.score_label.setText(f"Score: {self.score.line()}")
        self.export_button.setEnabled(True)
        return v

    def _show(self, html: str, tone: str) -> None:
        dark = self.palette().window().color().lightness() < 128
        th = get_theme("dark" if dark else "light")
        colour = {"good": GOOD[dark], "bad": th.error, "muted": th.muted}[tone]
        line = Rich(html, f'<span style="color:{colour}">{html}</span>')
        self.verdict.setText(document([line], css=richtext.css(th)))

    def export_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export report", "predict-report.md", "Markdown (*.md);;CSV (*.csv);;Text (*.txt)"
        )
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> bool:
        """Write the report (format by suffix); a failure is shown in a dialog."""
        from nnviz.core.errors import NnvizError

        try:
            self.score.export(path)
        except (NnvizError, OSError) as exc:
            window = self.parent()
            if window is not None and hasattr(window, "show_error"):
                window.show_error("Export report", printable(str(exc)))
            return False
        return True


def install(window) -> PredictDock:
    """Put predict mode into a main window: the dock (under the inspector), the checkable
    View ▸ Predict, then reveal (remembered) and Reveal (R)."""
    from PySide6.QtGui import QAction

    session = window.session
    dock = PredictDock(session, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()  # until predict mode is switched on: the docks beside it keep their room
    toggle = QAction("Predict, then reveal", window)
    toggle.setCheckable(True)
    toggle.setStatusTip("Hide each phase's new numbers until you have predicted them")

    def switched(on: bool) -> None:
        set_predict(session, on)
        window.settings.setValue("predict", on)
        if on and dock.isHidden():  # under the inspector: formulas and answer side by side
            if window.inspector.isVisible() and not window.inspector.isFloating():
                window.splitDockWidget(window.inspector, dock, Qt.Orientation.Vertical)
            dock.show()
            h = max(window.inspector.height(), 2 * dock.sizeHint().height())
            window.resizeDocks([window.inspector, dock], [h // 2, h // 2], Qt.Orientation.Vertical)
            dock.raise_()

    toggle.toggled.connect(switched)
    show = QAction("Reveal the phase", window)
    show.setShortcut("R")
    show.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    show.setStatusTip("Show the numbers of the shown phase (predict mode)")
    show.triggered.connect(lambda: reveal(session))
    window.addAction(show)
    for act in window.menuBar().actions():
        if act.text().replace("&", "") == "View" and act.menu() is not None:
            menu = act.menu()
            first = menu.actions()[0] if menu.actions() else None
            menu.insertAction(first, toggle)
            menu.insertAction(first, show)
            menu.insertSeparator(first)
            menu.addAction(dock.toggleViewAction())
    toggle.setChecked(bool(window.settings.value("predict", False, type=bool)))
    session.changed.connect(lambda: toggle.setChecked(session.reveals.on))  # Q in lecture mode
    window.act_predict, window.act_reveal = toggle, show
    return dock
