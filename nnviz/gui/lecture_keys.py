"""Lecture mode's key dispatch: one handler (:meth:`LectureKeysMixin.handle_key`) that the
lecture view and its presenter view both use, reading the one key map of
:mod:`nnviz.gui.keymap`, and the ``on_<action>`` method of every action in it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from nnviz.core.ink import INK_COLOURS
from nnviz.gui import keymap
from nnviz.gui.session import Selection

PEN_COLOURS = tuple(INK_COLOURS.values())
_OVER_HELP = {"larger", "smaller", "normal_size"}  # keys that act while the help is shown
_UNBLANK = {"blackout", "whiteout", "next_phase", "prev_phase"}  # keys that end a blackout
_NO_MODS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class LectureKeysMixin:
    """Part of :class:`nnviz.gui.lecture.LectureView`: what its keys do."""

    def key_states(self) -> dict[str, bool]:
        """The states that give some keys another meaning (see keymap's ``when``)."""
        return {
            keymap.NUMBER: bool(self.typed),
            keymap.PEN: self.pen_on,
            keymap.AHEAD: self.ahead is not None and self.ahead.active,
            keymap.SCRIPT: self.script is not None,
        }

    def handle_key(self, event: QKeyEvent) -> bool:
        """Act on a key press (from this view or forwarded by the presenter view); False when
        the key means nothing in lecture mode."""
        combo = keymap.event_combo(event)
        binding = keymap.lookup(combo, self.key_states())
        action = binding.action if binding is not None else None
        text = event.text()
        esc = combo[0] == int(Qt.Key.Key_Escape)
        self.message = ""
        if self.help_shown and action not in _OVER_HELP and (esc or action != "leave"):
            self.help_shown = False  # any key closes the help
        elif self.blackout and action != "stop_ahead" and (action in _UNBLANK or esc):
            self.blackout = None  # the next key brings the picture back, as in slide software
        elif binding is not None:
            self.last_key = combo[0]
            getattr(self, f"on_{action}")()
            if action == "leave":
                return True
        elif text.isdigit() and not event.modifiers() & _NO_MODS:
            self.typed += text
            self.update()
            return True
        else:
            return False
        self.typed = ""  # any other key ends a number being typed
        self.update()
        return True

    # ----- a lecture script's stops (lecture_script.py) ----------------------------------------
    def on_next_stop(self) -> None:
        self.script.go_to(self.script.index + 1)

    def on_prev_stop(self) -> None:
        self.script.go_to(self.script.index - 1)

    def on_overview(self) -> None:
        self.script.show_overview()

    # ----- moving through the steps -----------------------------------------------------------
    def on_next_phase(self) -> None:
        if self._fading is not None:  # pressing next during a reveal finishes it at once
            self.skip_animation()
        self.session.next_phase()

    def on_prev_phase(self) -> None:
        self.session.prev_phase()

    def on_first_phase(self) -> None:
        self.session.first_phase()

    def on_last_phase(self) -> None:
        self.session.last_phase()

    def on_goto_step(self) -> None:
        target, self.typed = int(self.typed), ""
        self.go_to(target)

    def on_goto_epoch(self) -> None:
        """The end of that many epochs: step = epochs × batches of an epoch."""
        epochs, self.typed = int(self.typed), ""
        self.go_to(epochs * self.session.engine.batches_per_epoch)

    def go_to(self, target: int) -> None:
        """Show step ``target``: a recorded one at once, a later one trained ahead."""
        if target > self.session.n_steps:
            self.train_ahead(target)
        else:
            self.session.goto_step(target, 0)

    def on_stop_ahead(self) -> None:
        self.ahead.stop()  # the steps trained so far stay

    # ----- what is shown: sample and neuron ---------------------------------------------------
    def _step_sample(self, by: int) -> None:
        s = self.session
        tr = s.trace()
        if tr is None:
            self.message = "no batch yet: step forward first"
            return
        s.set_sample((s.sample + by) % max(tr.batch_size, 1))

    def on_next_sample(self) -> None:
        self._step_sample(1)

    def on_prev_sample(self) -> None:
        self._step_sample(-1)

    def _step_neuron(self, by: int) -> None:
        """Select the neuron ``by`` places on, in reading order: layer by layer, top down."""
        s = self.session
        order = [(layer, row) for layer, n in enumerate(s.spec.layers) for row in range(n)]
        sel = s.selection
        if sel is not None and sel.kind == "neuron" and (sel.layer, sel.row) in order:
            at = (order.index((sel.layer, sel.row)) + by) % len(order)
        else:
            at = 0 if by > 0 else len(order) - 1
        s.select(Selection("neuron", *order[at]))

    def on_next_neuron(self) -> None:
        self._step_neuron(1)

    def on_prev_neuron(self) -> None:
        self._step_neuron(-1)

    # ----- picture --------------------------------------------------------------------------
    def on_blackout(self) -> None:
        self.blackout = "black"

    def on_whiteout(self) -> None:
        self.blackout = "white"

    def on_pen(self) -> None:
        self.pen_on = not self.pen_on
        self.setCursor(Qt.CursorShape.CrossCursor if self.pen_on else Qt.CursorShape.ArrowCursor)

    def on_pen_colour(self) -> None:
        self.ink.set_colour(self.last_key - int(Qt.Key.Key_1))

    def on_ink_thinner(self) -> None:
        self.ink.set_width(-1)

    def on_ink_thicker(self) -> None:
        self.ink.set_width(+1)

    def on_eraser(self) -> None:
        self.ink.eraser = not self.ink.eraser

    def on_ink_undo(self) -> None:
        self.ink.undo()

    def on_ink_redo(self) -> None:
        self.ink.redo()

    def on_clear_ink(self) -> None:
        self.ink.clear()

    def on_predict(self) -> None:
        from nnviz.gui.predict_panel import set_predict

        set_predict(self.session, not self.session.reveals.on)

    def on_reveal(self) -> None:
        from nnviz.gui.predict_panel import reveal

        reveal(self.session)

    def on_legend(self) -> None:
        self.options.legend_corner = not self.options.legend_corner
        self.settings.setValue("lecture/legend", self.options.legend_corner)

    def on_laser(self) -> None:
        self.laser_on = not self.laser_on
        self.setCursor(Qt.CursorShape.BlankCursor if self.laser_on else Qt.CursorShape.ArrowCursor)

    def on_zoom(self) -> None:
        self.toggle_zoom()

    def on_formulas(self) -> None:
        self.formulas_shown = not self.formulas_shown
        self.settings.setValue("lecture/formulas", self.formulas_shown)

    def on_larger(self) -> None:
        self.set_scale(self.scale * 1.1)

    def on_smaller(self) -> None:
        self.set_scale(self.scale / 1.1)

    def on_normal_size(self) -> None:
        self.set_scale(1.0)

    def on_theme(self) -> None:
        dark = self.options.theme != "lecture-dark"
        self.options.theme = "lecture-dark" if dark else "lecture-light"
        self.settings.setValue("lecture/theme", self.options.theme)

    def on_animate(self) -> None:
        self.animate = not self.animate
        self.skip_animation()
        self.settings.setValue("lecture/animate", self.animate)

    def on_help(self) -> None:
        self.help_shown = True

    def on_leave(self) -> None:
        self.leave()

    # ----- presenter view ---------------------------------------------------------------------
    def on_presenter(self) -> None:
        self.toggle_presenter()

    def _open_presenter(self):
        """The presenter view, or None with a line on the badge saying why not."""
        if self.presenter_open():
            return self.presenter
        self.message = "no presenter view: P opens it"
        return None

    def on_notes(self) -> None:
        pv = self._open_presenter()
        if pv is not None:
            pv.begin_notes()

    def on_timer_pause(self) -> None:
        pv = self._open_presenter()
        if pv is not None:
            pv.toggle_timer()

    def on_timer_reset(self) -> None:
        pv = self._open_presenter()
        if pv is not None:
            pv.reset_timer()
