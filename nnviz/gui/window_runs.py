"""What the main window does to runs: play, typing values, new settings or shapes, races, the
questions before work could be lost."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QMessageBox,
)

from nnviz.core.errors import NnvizError
from nnviz.gui.canvas import ask_value
from nnviz.gui.run_commands import make_run
from nnviz.gui.session import SPEEDS, Selection


class RunControlMixin:
    """Part of MainWindow: the changes that make runs (each undoable), play and races."""

    def toggle_play(self) -> None:
        self.session.toggle_play(SPEEDS[self.speed.currentText()])

    def reset(self) -> None:
        """A new run from the initial weights (the runs so far stay; undo goes back)."""
        s = self.session
        make_run(self.undo_stack, s, "Restart from the initial weights", s.reset)

    def ask_race(self) -> str | None:
        """Which comparison to race ("optimizers", "rates", "activations"), or None. Tests
        patch this one call."""
        from PySide6.QtWidgets import QInputDialog

        texts = {
            "SGD, momentum and Adam": "optimizers",
            "three learning rates (η/10, η, 10η)": "rates",
            "hidden activations: sigmoid, tanh, ReLU": "activations",
        }
        text, ok = QInputDialog.getItem(
            self,
            "Race",
            "Train from the same initial weights, side by side:",
            list(texts),
            0,
            False,
        )
        return texts[text] if ok else None

    def race_dialog(self) -> None:
        compare = self.ask_race()
        if compare is not None:
            self.start_race(compare)

    def start_race(self, compare: str):
        """Lanes made from the shown run's settings, each from the first run's initial weights,
        trained together in a race window; they are runs of the session like any other."""
        from nnviz.core.race import start_race, variants
        from nnviz.gui.race_view import RaceWindow

        s = self.session
        s.pause()
        try:
            runs = start_race(s.runs, variants(s.spec, compare))
        except NnvizError as exc:
            self.show_error("Cannot start a race", str(exc))
            return None
        s.dirty = True
        for run in runs:
            s.set_compared(run, True)
        s.runs_changed.emit()
        self.race_window = RaceWindow(s, runs, self.view.theme)
        self.race_window.resize(1400, 860)
        self.race_window.show()
        return self.race_window

    def ask_unsaved(self, doing: str) -> str:
        """Save, Discard or Cancel before ``doing`` ("open another network", "quit") loses
        unsaved runs: "save", "discard" or "cancel". Tests patch this one call."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved runs")
        runs = len(self.session.runs.runs)
        steps = sum(r.n_steps for r in self.session.runs.runs.values())
        box.setText(f"Save the session before you {doing}?")
        box.setInformativeText(
            f"{runs} run{'s' if runs != 1 else ''} with {steps:,} steps have not been saved."
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def keep_work(self, doing: str) -> bool:
        """Whether ``doing`` may go on: nothing unsaved, or saved, or the user chose Discard
        (then the autosave goes too); False when the user cancelled or the save failed."""
        if not self.session.dirty:
            return True
        answer = self.ask_unsaved(doing)
        if answer == "save":
            self.save_session()
            return not self.session.dirty
        if answer == "discard":
            from nnviz.gui.autosave import clear_autosave

            clear_autosave()
            return True
        return False

    def show_error(self, title: str, text: str) -> None:
        """Tell the user something went wrong. Tests patch this one call."""
        QMessageBox.warning(self, title, text)

    # ----- editing ----------------------------------------------------------------------------
    def _edit_selected(self) -> None:
        sel = self.session.selection
        if sel is not None and (sel.kind == "edge" or sel.layer > 0):
            self.edit_value(sel)

    def edit_value(self, sel: Selection) -> None:
        if sel.kind == "edge":
            current = self.session.parameter_before(sel.layer, sel.row, sel.col)
            label = f"Weight from neuron {sel.col + 1} (layer {sel.layer}) to neuron {sel.row + 1}:"
        else:
            current = self.session.parameter_before(sel.layer - 1, sel.row, None)
            label = f"Bias of neuron {sel.row + 1} in layer {sel.layer}:"
        value = ask_value(self, "Edit value", label, current)
        if value is None or value == current:
            return
        self.set_value(sel, value)

    def set_value(self, sel: Selection, value: float) -> None:
        """Type ``value`` into a weight or bias going into the shown step: a run branches off
        there (undo shows the run before, with every step it had)."""
        layer = sel.layer if sel.kind == "edge" else sel.layer - 1
        what = "weight" if sel.kind == "edge" else "bias"
        make_run(
            self.undo_stack,
            self.session,
            f"Set {what} to {value:g}",
            lambda: self.session.set_parameter(layer, sel.row, sel.col, value),
        )

    # ----- structure ------------------------------------------------------------------------
    def structure_actions(self, sel: Selection | None) -> list[tuple[str, object]]:
        """The context menu's entries for a neuron: (text, function of (spec, params) → spec)."""
        from nnviz.core import restructure as rs
        from nnviz.core.activations import ACTIVATIONS

        if sel is None or sel.kind != "neuron":
            return []
        n_layers = len(self.session.spec.layers) - 1
        li, i = sel.layer, sel.row
        out: list[tuple[str, object]] = []
        if 1 <= li < n_layers:
            out.append((f"Add a neuron to layer {li}", lambda sp, pa: rs.add_neuron(sp, pa, li)))
            out.append(("Remove this neuron", lambda sp, pa: rs.remove_neuron(sp, pa, li, i)))
        if li < n_layers:
            out.append((f"Add a layer after layer {li}", lambda sp, pa: rs.add_layer(sp, pa, li)))
        if 1 <= li < n_layers:
            out.append((f"Remove layer {li}", lambda sp, pa: rs.remove_layer(sp, pa, li)))
        if li >= 1:
            for name in ACTIVATIONS:
                if name == self.session.spec.activations[li - 1]:
                    continue
                if name == "softmax" and li != n_layers:
                    continue
                out.append(
                    (
                        f"Activation ▸ {name}",
                        lambda sp, pa, n=name: rs.set_activation(sp, pa, li, n),
                    )
                )
        return out

    def show_context_menu(self, sel: Selection | None, global_pos) -> None:
        from PySide6.QtWidgets import QMenu

        entries = self.structure_actions(sel)
        if not entries:
            return
        menu = QMenu(self)
        sub = None
        for text, fn in entries:
            if text.startswith("Activation ▸ "):
                if sub is None:
                    menu.addSeparator()
                    sub = menu.addMenu(f"Activation of layer {sel.layer}")
                sub.addAction(text.split("▸ ")[1], lambda f=fn: self.restructure(f))
            else:
                menu.addAction(text, lambda f=fn: self.restructure(f))
        menu.popup(global_pos)

    def apply_spec(self, spec, restart: bool = False) -> bool:
        """Settings from the setup panel: a new run from the step shown (or, ``restart``, from
        the initial weights); the run shown keeps every step, and undo goes back to it. A
        data file chosen in the panel is the user's own choice, wherever it lies."""
        s = self.session
        text = "Restart with new settings" if restart else "Change settings"
        if spec.data != s.spec.data:
            s.runs.allow_outside_data = True
        try:
            make_run(self.undo_stack, s, text, lambda: s.apply_settings(spec, restart=restart))
        except NnvizError as exc:
            self.show_error("Cannot apply", str(exc))
            return False
        return True

    def restructure(self, change, text: str = "Change the network") -> bool:
        """A change of shape or activation, made to the weights shown now: a new run (the run
        shown keeps every step; undo goes back to it). A network beyond the memory budget is
        refused with a dialog."""
        s = self.session
        try:
            spec = change(s.spec, s.parameters())
            make_run(self.undo_stack, s, text, lambda: s.apply_settings(spec))
        except NnvizError as exc:
            self.show_error("Cannot change the network", str(exc))
            return False
        return True
