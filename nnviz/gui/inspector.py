"""The inspector dock: the selected neuron's or weight's numbers and formulas, from the trace."""

from __future__ import annotations

import html

from PySide6.QtGui import QFont, QFontDatabase
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
from nnviz.core.numfmt import fmt
from nnviz.gui.session import Session


def inspector_lines(session: Session, digits: int = 4) -> list[str]:
    """The lines the inspector shows for the session's selection (plain text)."""
    sel = session.selection
    tr = session.trace()
    if sel is None:
        return ["Click a neuron or a weight to see its numbers and formulas."]
    if sel.kind == "neuron" and sel.layer == 0:
        if tr is None:
            return [f"input {sel.row + 1}"]
        x = tr.inputs[session.sample, sel.row]
        return [f"input {sel.row + 1}, sample {session.sample + 1}: x = {fmt(x, digits)}"]
    if tr is None:
        ws, bs = session.parameters()
        if sel.kind == "edge":
            return [
                f"weight w[{sel.row + 1},{sel.col + 1}] of layer {sel.layer + 1} = "
                f"{fmt(ws[sel.layer][sel.row, sel.col], digits)}",
                "Step forward (→) to see how it is used and how it changes.",
            ]
        return [
            f"neuron {sel.row + 1} of layer {sel.layer}: bias b = "
            f"{fmt(bs[sel.layer - 1][sel.row], digits)}",
            "Step forward (→) to see its numbers.",
        ]
    if sel.kind == "edge":
        return edge_formulas(tr, sel.layer, sel.row, sel.col, digits)
    return neuron_formulas(tr, sel.layer - 1, sel.row, session.sample, digits)


class InspectorDock(QDockWidget):
    """Shows ``inspector_lines`` and offers a finite-difference check of a gradient."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Inspector", parent)
        self.setObjectName("inspector")
        self.session = session
        self.digits = 4
        body = QWidget()
        layout = QVBoxLayout(body)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sample"))
        self.sample_box = QSpinBox()
        self.sample_box.setToolTip("Which sample of the batch the numbers are for")
        self.sample_box.setMinimum(1)
        self.sample_box.valueChanged.connect(lambda v: session.set_sample(v - 1))
        row.addWidget(self.sample_box)
        row.addStretch(1)
        self.check_button = QPushButton("Check gradient")
        self.check_button.setToolTip(
            "Compare autograd's gradient of the selected weight with a finite difference"
        )
        self.check_button.clicked.connect(self.check_gradient)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.text = QTextBrowser()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.text.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
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
        text = "\n".join(inspector_lines(self.session, self.digits))
        if text != self._shown:  # the same text again would be laid out and painted again
            self._shown = text
            self.text.setHtml("<div style='white-space: pre-wrap'>" + html.escape(text) + "</div>")
        sel = self.session.selection
        self.check_button.setEnabled(
            tr is not None and sel is not None and (sel.kind == "edge" or sel.layer > 0)
        )
        self.check_result.setText("")

    def check_gradient(self) -> None:
        """Finite difference of the batch loss at the shown step, beside autograd's value."""
        sel = self.session.selection
        tr = self.session.trace()
        if tr is None or sel is None:
            return
        fd, auto = finite_difference_check(self.session)
        self.check_result.setText(
            f"autograd ∂L/∂{'w' if sel.kind == 'edge' else 'b'} = {auto:.10g}\n"
            f"finite difference (central, ε = 1e-6) = {fd:.10g}\n"
            f"difference = {abs(fd - auto):.2e}"
        )


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
