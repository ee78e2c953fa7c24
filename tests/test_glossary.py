"""The glossary: every symbol the formulas, update formulas, captions and headers write for
every preset and phase has an entry (found from their real text), and the inspector's symbol
links open the glossary at the right entry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from nnviz.core import glossary
from nnviz.core.engine import Engine
from nnviz.core.explain import edge_formulas, header, neuron_formulas, phase_caption
from nnviz.core.netfile import load, preset_names
from nnviz.core.spec import OptimizerSpec
from nnviz.core.update_formulas import rule_text
from nnviz.gui.session import Selection

OPTIMIZERS = [None, OptimizerSpec("sgd", lr=0.1, momentum=0.9), OptimizerSpec("adam", lr=0.01)]


def app_texts(name: str) -> set[str]:
    """Every caption, header and formula line nnviz writes for a preset at every phase of its
    second step, with its own optimizer, momentum and Adam."""
    spec0, base = load(name)
    out: set[str] = set()
    for opt in OPTIMIZERS:
        spec = spec0.with_changes(optimizer=opt) if opt else spec0
        eng = Engine(spec, base_dir=base)
        eng.step()
        tr = eng.step()
        out.add(str(rule_text(tr)))
        out.add(phase_caption(spec.activations, spec.loss, "start", optimizer=spec.optimizer))
        for ph in tr.phases:
            out.add(str(phase_caption(spec.activations, spec.loss, ph, optimizer=spec.optimizer)))
            out.add(header(spec.name, tr, ph, len(tr.phases)))
            for li, lay in enumerate(tr.layers):
                for i in range(min(lay.n_neurons, 2)):
                    out.update(
                        str(x)
                        for x in neuron_formulas(
                            tr, li, i, 0, 4, phase=ph, shared_bias=spec.bias_shared
                        )
                    )
                    for j in range(min(lay.n_inputs, 2)):
                        out.update(str(x) for x in edge_formulas(tr, li, i, j, 4, phase=ph))
    return out


@pytest.mark.parametrize("name", preset_names())
def test_every_symbol_the_app_writes_has_an_entry(name):
    found: dict[str, str] = {}
    for text in app_texts(name):
        for tok in glossary.tokens(text):
            found.setdefault(tok, text)
    missing = {tok: text for tok, text in found.items() if glossary.lookup(tok) is None}
    assert not missing, missing
    # the tokenizer really reads the app's text: the course's symbols are all found in it
    assert {"x", "z", "a", "y", "t", "L", "δ", "σ′", "∂L/∂w", "η", "W", "←"} <= set(found)


def test_a_new_symbol_would_be_found_and_missing():
    toks = glossary.tokens("ζ = ∂L/∂q · κ₃ + relu'(z)")
    assert "ζ" in toks and "∂L/∂q" in toks and "κ₃" in toks
    assert glossary.lookup("ζ") is None and glossary.lookup("∂L/∂q") is None
    # words, numbers, possessives and phase names are not symbols
    assert glossary.tokens("each neuron's error 0.25 in backward-L2") == []


def test_the_brief_symbols_each_have_a_one_line_entry():
    for form in ("x", "z", "a", "ŷ", "y", "L", "δ", "σ", "σ′", "∂L/∂w", "Δw", "η", "⊙", "W",
                 "b", "m", "v", "m\u0302", "v\u0302", "β₁", "β₂", "ε", "t", "B", "epoch"):  # fmt: skip
        e = glossary.lookup(form)
        assert e is not None, form
        assert e.meaning and "\n" not in e.meaning and e.computed
    keys = [e.key for e in glossary.ENTRIES]
    assert len(keys) == len(set(keys))
    assert "<sub>" in glossary.entry("beta1").symbol.html  # typeset, not β_1


def _click_link(qtbot, browser, href: str) -> None:
    """A real mouse click on the link ``href`` of a text browser."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().anchorHref() == href:
                start, end = QTextCursor(doc), QTextCursor(doc)
                start.setPosition(frag.position())
                end.setPosition(frag.position() + frag.length())
                browser.setTextCursor(end)
                browser.ensureCursorVisible()
                a, b = browser.cursorRect(start), browser.cursorRect(end)
                point = QPoint((a.center().x() + b.center().x()) // 2, b.center().y())
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href} in {browser.toPlainText()!r}")


def test_an_inspector_symbol_link_opens_the_glossary_at_its_entry(main_window, qtbot):
    win = main_window("two-two-two", size=(1400, 1000))
    s = win.session
    while s.phase_name() != "backward-L1":
        s.next_phase()
    s.select(Selection("neuron", 1, 0))
    text = win.inspector.text.toPlainText()
    assert "Symbols (? glossary):" in text and "σ′" in text
    with qtbot.waitSignal(win.inspector.glossary_requested) as sig:
        _click_link(qtbot, win.inspector.text, "glossary:sigma-prime")
    assert sig.args == ["sigma-prime"]
    qtbot.waitUntil(lambda: win.glossary is not None and win.glossary.isVisible())
    assert win.glossary.current_key() == "sigma-prime"
    assert "slope of the activation" in win.glossary.text.toPlainText()
    _click_link(qtbot, win.inspector.text, "glossary:delta")
    qtbot.waitUntil(lambda: win.glossary.current_key() == "delta")
    assert "δ = ∂L/∂z" in win.glossary.text.toPlainText()


def test_help_menu_opens_the_glossary(main_window, qtbot):
    win = main_window("xor", show=False)
    win.act_glossary.trigger()
    qtbot.waitUntil(lambda: win.glossary is not None and win.glossary.isVisible())
    assert win.glossary.index.count() == len(glossary.ENTRIES)
    help_texts = [a.text() for a in win.menuBar().actions() if a.text() == "&Help"]
    assert help_texts
    win.glossary.close()
