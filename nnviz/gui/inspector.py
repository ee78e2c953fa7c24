"""The inspector dock: the selected neuron's or weight's numbers and formulas, from the trace."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.explain import edge_formulas, neuron_formulas
from nnviz.core.formulas import Stage
from nnviz.core.glossary import entries_in
from nnviz.core.mathtext import Rich, document, line, num, span, sym
from nnviz.core.predict import earlier_phase
from nnviz.gui.mistake_controls import MistakeChooser
from nnviz.gui.session import Session
from nnviz.render import mistake_view, richtext
from nnviz.render.theme import get_theme


def inspector_lines(session: Session, digits: int = 4, mistake: str = "") -> list[Rich]:
    """The lines the inspector shows for the session's selection at the shown phase: each a
    plain string carrying its typeset HTML (see nnviz.core.mathtext); with ``mistake`` (a key
    of nnviz.core.mistakes.MISTAKES) the numbers it changes, right and mistaken, after them."""
    lines = _lines(session, digits)
    sel = session.selection
    if mistake and sel is not None and not (sel.kind == "neuron" and sel.layer == 0):
        where = (
            ("edge", sel.layer, sel.row, sel.col)
            if sel.kind == "edge"
            else ("neuron", sel.layer, sel.row)
        )
        lines += mistake_view.formula_lines(
            session.spec,
            session.trace(),
            known_phase(session),
            mistake,
            where,
            session.sample,
            digits,
        )
    return lines


def symbol_links(lines: list[Rich]) -> Rich | None:
    """A line linking each glossary symbol the lines use to its entry ("glossary:KEY")."""
    found = entries_in("\n".join(str(x) for x in lines))
    if not found:
        return None
    plain = "Symbols (? glossary): " + " · ".join(str(e.symbol) for e in found)
    links = " · ".join(f'<a href="glossary:{e.key}">{e.symbol.html}</a>' for e in found)
    return Rich(plain, f'<span class="m">Symbols (? glossary):</span> {links}', "muted")


def _lines(session: Session, digits: int) -> list[Rich]:
    sel = session.selection
    tr = session.trace()
    phase = known_phase(session)
    if sel is None:
        return [Rich("Click a neuron or a weight to see its numbers and formulas.")]
    if sel.kind == "neuron" and sel.layer == 0:
        if tr is None:
            return [Rich(f"input {sel.row + 1}")]
        x = tr.inputs[session.sample, sel.row]
        return [
            line(
                f"input {sel.row + 1}, sample {session.sample + 1}: ",
                sym("x", str(sel.row + 1), cls="x"),
                " = ",
                span(num(x, digits), "x"),
            )
        ]
    if tr is None:
        ws, bs = session.parameters()
        if sel.kind == "edge":
            return [
                line(
                    f"weight w[{sel.row + 1},{sel.col + 1}] of layer {sel.layer + 1} = ",
                    span(num(ws[sel.layer][sel.row, sel.col], digits), "w"),
                ),
                Rich("Step forward (→) to see how it is used and how it changes.", kind="muted"),
            ]
        return [
            line(
                f"neuron {sel.row + 1} of layer {sel.layer}: bias ",
                sym("b", cls="w"),
                " = ",
                span(num(bs[sel.layer - 1][sel.row], digits), "w"),
            ),
            Rich("Step forward (→) to see its numbers.", kind="muted"),
        ]
    if sel.kind == "edge":
        return edge_formulas(
            tr, sel.layer, sel.row, sel.col, digits, phase=phase, sample=session.sample
        )
    return neuron_formulas(
        tr,
        sel.layer - 1,
        sel.row,
        session.sample,
        digits,
        phase=phase,
        shared_bias=session.spec.bias_shared,
    )


def known_phase(session: Session) -> str:
    """The phase whose numbers may be written: the shown one, or in predict mode, while it is
    hidden, the one before it."""
    if session.phase_hidden():
        return earlier_phase(session.phases, session.phase)
    return session.phase_name()


def inspector_html(
    session: Session, digits: int = 4, theme: str = "light", *, mistake: str = "", links=False
) -> str:
    """The inspector's lines as one typeset HTML document in a theme's colours; ``links``
    adds a line linking their symbols to the glossary."""
    lines = inspector_lines(session, digits, mistake)
    extra = symbol_links(lines) if links else None
    return document(lines + ([extra] if extra else []), css=richtext.css(get_theme(theme)))


class InspectorDock(QDockWidget):
    """Shows ``inspector_lines`` and offers a finite-difference check of a gradient; its
    symbols link to the glossary (``glossary_requested``), and a chooser shows a classic
    mistake (``mistake_chosen``)."""

    glossary_requested = Signal(str)
    mistake_chosen = Signal(str)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Inspector", parent)
        self.setObjectName("inspector")
        self.session = session
        self.digits = 4
        self.mistake = ""
        body = QWidget()
        layout = QVBoxLayout(body)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sample"))
        self.sample_box = QSpinBox()
        self.sample_box.setToolTip("Which sample of the batch the numbers are for")
        self.sample_box.setMinimum(1)
        self.sample_box.valueChanged.connect(lambda v: session.set_sample(v - 1))
        row.addWidget(self.sample_box)
        self.mistake_box = MistakeChooser()  # "No mistake" or a classic one, beside the numbers
        self.mistake_box.currentIndexChanged.connect(
            lambda _i: self.mistake_chosen.emit(self.mistake_box.key())
        )
        row.addWidget(self.mistake_box, 1)
        self.check_button = QPushButton("Check gradient")
        self.check_button.setToolTip(
            "Compare autograd's gradient of the selected weight with a finite difference"
        )
        self.check_button.clicked.connect(self.check_gradient)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._link)
        self.text.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.text.setWordWrapMode(QTextOption.WrapMode.WordWrap)  # never inside a number
        layout.addWidget(self.text)
        self.check_result = QLabel("")
        self.check_result.setWordWrap(True)
        layout.addWidget(self.check_result)
        self.setWidget(body)
        self._shown: str | None = None
        session.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        tr = self.session.trace()
        batch = tr.batch_size if tr else 1
        self.sample_box.blockSignals(True)
        self.sample_box.setMaximum(batch)
        self.sample_box.setValue(self.session.sample + 1)
        self.sample_box.blockSignals(False)
        self.sample_box.setEnabled(batch > 1)
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        text = inspector_html(
            self.session,
            self.digits,
            "dark" if dark else "light",
            mistake=self.mistake,
            links=True,
        )
        if text != self._shown:  # the same text again would be laid out and painted again
            self._shown = text
            self.text.setHtml(text)
        self.check_button.setEnabled(gradient_shown(self.session))
        self.check_result.setText("")

    def set_mistake(self, key: str) -> None:
        """Show the numbers classic mistake ``key`` changes ("" for none)."""
        self.mistake = key
        self.mistake_box.set_key(key)
        self.refresh()

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "glossary":
            self.glossary_requested.emit(url.path())

    def check_gradient(self) -> None:
        """Finite difference of the batch loss at the shown step, beside autograd's value."""
        sel = self.session.selection
        tr = self.session.trace()
        if tr is None or sel is None:
            return
        fd, auto = finite_difference_check(self.session)
        what = "w" if sel.kind == "edge" else "b"
        if sel.kind == "neuron" and self.session.spec.bias_shared:
            what = "b (the layer's shared bias: the sum of its neurons' shares)"
        self.check_result.setText(
            f"autograd ∂L/∂{what} = {auto:.10g}\n"
            f"finite difference (central, ε = 1e-6) = {fd:.10g}\n"
            f"difference = {abs(fd - auto):.2e}"
        )


def gradient_shown(session: Session) -> bool:
    """Whether the selected weight's or bias's gradient has been computed at the shown phase
    (from its layer's backward phase on): only then can it be checked."""
    sel = session.selection
    tr = session.trace()
    if tr is None or sel is None or (sel.kind == "neuron" and sel.layer == 0):
        return False
    layer = sel.layer + 1 if sel.kind == "edge" else sel.layer
    return Stage(known_phase(session), len(tr.layers)).has(f"backward-L{layer}")


def finite_difference_check(session: Session) -> tuple[float, float]:
    """(finite difference, autograd) for the selected weight or bias at the shown step."""
    sel = session.selection
    tr = session.trace()
    assert sel is not None and tr is not None
    engine = session.engine.clone()
    engine.set_state(session.history.state_before(session.step))
    if sel.kind == "edge":
        fd = engine.finite_difference(sel.layer, sel.row, sel.col, tr.sample_indices)
        auto = float(tr.layers[sel.layer].weight_grad[sel.row, sel.col])
    else:
        fd = engine.finite_difference(sel.layer - 1, sel.row, None, tr.sample_indices)
        lay = tr.layers[sel.layer - 1]
        auto = float(
            lay.bias_grad.sum()
            if engine.net.layers[sel.layer - 1].shared_bias
            else lay.bias_grad[sel.row]
        )
    return fd, auto
