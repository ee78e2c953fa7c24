"""Lecture mode's one key map: every lecture and presenter action once, with its keys, a short
description and the name of the action. Lecture mode dispatches its keys through it, the
presenter view forwards its keys to that dispatch, the help overlay (?) lists it and the
README's lecture key table is generated from it (:func:`markdown_table`), so none can drift.

To add a key: append a :class:`Binding` to ``BINDINGS`` (in the order the help should list it)
and give :class:`nnviz.gui.lecture.LectureView` a method ``on_<action>``."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

WINDOW_LECTURE_KEYS = ("F5", "Shift+F5")
"""The main window's keys that enter lecture mode (Shift+F5: what some clickers send)."""

NUMBER = "number"  # ``when``: a number has been typed (the keys then finish it)
PEN = "pen"  # ``when``: the pen is on
AHEAD = "ahead"  # ``when``: training ahead to a typed step
SCRIPT = "script"  # ``when``: a lesson file plays as a lecture script

_SHOWN = {
    "Right": "→",
    "Left": "←",
    "Up": "↑",
    "Down": "↓",
    "PgDown": "PgDn",
    "Return": "Enter",
}


@dataclass(frozen=True)
class Binding:
    """One action: ``keys`` as QKeySequence strings ("PgDown", "Shift+Tab", "?"), ``does`` for
    the help overlay, ``more`` added in the README; ``when`` names the state in which the keys
    mean this (None: always); ``label`` writes the keys for people where the keys alone would
    not say it (default: the keys, with arrows for the arrow keys)."""

    action: str
    keys: tuple[str, ...]
    does: str
    more: str = ""
    when: str | None = None
    label: str = ""

    def shown(self) -> str:
        if self.label:
            return self.label
        keys = " ".join(_SHOWN.get(k, k) for k in self.keys if k != "Enter")
        return f"a number, then {keys}" if self.when == NUMBER else keys


BINDINGS: tuple[Binding, ...] = (
    Binding("next_phase", ("Right", "Down", "PgDown", "Space", "J"), "next phase",
            'a clicker\'s "next"'),
    Binding("prev_phase", ("Left", "Up", "PgUp", "K"), "previous phase"),
    Binding("first_phase", ("Home",), "first phase of the step"),
    Binding("last_phase", ("End",), "last phase of the step"),
    Binding("next_stop", ("PgDown",), "next stop of the lecture script",
            "while a lesson file plays as a lecture (Learn → Play as lecture): each stop a "
            "slide; → ↓ Space J still step the phases", when=SCRIPT, label="PgDn (script)"),
    Binding("prev_stop", ("PgUp",), "previous stop of the lecture script", when=SCRIPT,
            label="PgUp (script)"),
    Binding("overview", ("O",), "overview of the script's stops (arrows, Enter or a click jump)",
            "each stop's title over its picture; Esc or O closes it", when=SCRIPT,
            label="O (script)"),
    Binding("goto_step", ("Return", "Enter"), "go to that step (trains ahead if needed; Esc stops)",
            "past the last recorded one, train ahead to it (in slices, with a progress badge; "
            "Esc stops, the steps trained so far stay), refused with a dialog beyond the "
            "session's step limit, the memory budget or about two minutes of training "
            "(`nnviz/core/limits.py`)", when=NUMBER),
    Binding("goto_epoch", ("E",), "go to the end of that many epochs (trains ahead if needed)",
            "step = the number × the batches of an epoch, trained ahead like a typed step; "
            "E without a number is left to the pen", when=NUMBER),
    Binding("stop_ahead", ("Esc",), "stop training ahead (the steps trained so far stay)",
            when=AHEAD),
    Binding("next_sample", ("S", ">"), "next sample of the batch",
            "the sample whose numbers the neurons show"),
    Binding("prev_sample", ("Shift+S", "<"), "previous sample of the batch"),
    Binding("next_neuron", ("Tab",), "select the next neuron (layer by layer)",
            "what a click on a neuron does; Z and F then act on it"),
    Binding("prev_neuron", ("Shift+Tab",), "select the previous neuron"),
    Binding("blackout", ("B", "."), "blackout (the next key brings the picture back)"),
    Binding("whiteout", ("W",), "whiteout"),
    Binding("pen", ("C",), "pen on/off: draw over the network with mouse or tablet",
            "strokes belong to the run, step and phase, stay on their neurons when the picture "
            "zooms or the type grows, and are kept in the session file"),
    Binding("pen_colour", ("1", "2", "3", "4"), "ink colour: magenta, blue, green, orange",
            "while the pen is on, rather than a step number", when=PEN, label="1 2 3 4 (pen)"),
    Binding("ink_thinner", ("[",), "thinner ink", when=PEN, label="[ (pen)"),
    Binding("ink_thicker", ("]",), "thicker ink", when=PEN, label="] (pen)"),
    Binding("eraser", ("E",), "eraser on/off: drag over strokes to erase them", when=PEN,
            label="E (pen)"),
    Binding("ink_undo", ("Ctrl+Z",), "undo ink on this phase", when=PEN, label="Ctrl+Z (pen)"),
    Binding("ink_redo", ("Ctrl+Shift+Z",), "redo ink on this phase", when=PEN,
            label="Ctrl+Shift+Z (pen)"),
    Binding("clear_ink", ("Delete",), "clear this phase's ink (Ctrl+Z brings it back)"),
    Binding("predict", ("Q",), "predict, then reveal on/off",
            "the numbers a phase introduces are hidden (?) until revealed; answers are typed in "
            "the window's Predict dock"),
    Binding("reveal", ("R",), "reveal the hidden phase's numbers"),
    Binding("legend", ("G",), "colour legend in the corner on/off (remembered)",
            "what fill, ring and edge colours mean, sized for the back of the hall"),
    Binding("laser", ("L",), "laser pointer"),
    Binding("zoom", ("Z",), "zoom into the selected neuron's neighbourhood and back",
            "the numbers grow with the circles (up to twice their size), and "
            "nothing of the network paints over the header or caption",
            label="Z or double-click"),
    Binding("formulas", ("F",), "formulas panel of the selected neuron or weight"),
    Binding("larger", ("Ctrl+=", "Ctrl++"), "larger type (0.75× to 2.5×, remembered)",
            label="Ctrl+="),
    Binding("smaller", ("Ctrl+-",), "smaller type"),
    Binding("normal_size", ("Ctrl+0",), "type back to its normal size"),
    Binding("theme", ("D",), "dark / light projection theme (remembered)"),
    Binding("animate", ("A",), "reveal animation on/off",
            "the old phase fades out in about half a second; pressing next again skips it"),
    Binding("presenter", ("P",), "presenter view on the second screen",
            "current and next phase, caption, notes, formulas, a timer and the clock; "
            "refused on a single screen"),
    Binding("notes", ("N",), "type notes for this phase in the presenter view (Esc leaves)"),
    Binding("timer_pause", ("T",), "presenter timer: pause / resume"),
    Binding("timer_reset", ("Shift+T",), "presenter timer: back to 0:00:00"),
    Binding("help", ("?",), "this list of keys (any key closes it)", "on an opaque panel"),
    Binding("leave", ("Esc", "F5", "Shift+F5"), "leave lecture mode",
            "Shift+F5 is what some clickers send"),
)  # fmt: skip


def _combo(text: str) -> tuple[int, int]:
    c = QKeySequence(text)[0]
    return int(c.key().value), int(c.keyboardModifiers().value)


_SHIFT = int(Qt.KeyboardModifier.ShiftModifier.value)
_IGNORED = int((Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.GroupSwitchModifier).value)


def event_combo(event: QKeyEvent) -> tuple[int, int]:
    """The key and modifiers of a key press, as the key map writes them (Backtab is Shift+Tab,
    the keypad's keys are the others')."""
    key, mods = int(event.key()), int(event.modifiers().value) & ~_IGNORED
    if key == int(Qt.Key.Key_Backtab):
        key, mods = int(Qt.Key.Key_Tab), mods | _SHIFT
    return key, mods


def _symbol(key: int) -> bool:
    """A printable key other than a letter or digit: typed with Shift on some keyboards."""
    return 0x20 < key < 0x100 and not chr(key).isalnum()


def matches(binding: Binding, combo: tuple[int, int]) -> bool:
    key, mods = combo
    for text in binding.keys:
        k, m = _combo(text)
        if k == key and (m == mods or (_symbol(k) and m == mods & ~_SHIFT)):
            return True
    return False


def lookup(combo: tuple[int, int], states: dict[str, bool]) -> Binding | None:
    """The binding a key press means now: one of the current states first (a number typed,
    the pen on, training ahead), else an unconditional one."""
    for b in BINDINGS:
        if b.when is not None and states.get(b.when) and matches(b, combo):
            return b
    for b in BINDINGS:
        if b.when is None and matches(b, combo):
            return b
    return None


def help_rows() -> list[tuple[str, str]]:
    """What the help overlay lists: the keys and what they do, one row per action."""
    return [(b.shown(), b.does) for b in BINDINGS]


def markdown_table() -> str:
    """The README's lecture key table."""
    rows = ["| key | does |", "| --- | --- |"]
    for b in BINDINGS:
        keys = b.shown().replace("|", "\\|")
        does = f"{b.does} — {b.more}" if b.more else b.does
        rows.append(f"| {keys} | {does.replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"


DECK_ACTIONS = {
    "next_phase": "next",
    "prev_phase": "prev",
    "first_phase": "first",
    "last_phase": "last",
    "goto_step": "go",
    "blackout": "blackout",
    "whiteout": "whiteout",
    "formulas": "formulas",
    "help": "help",
}
"""Lecture actions the HTML deck has too (lecture action → the deck script's action)."""
_BROWSER = {
    "Right": "ArrowRight",
    "Left": "ArrowLeft",
    "Up": "ArrowUp",
    "Down": "ArrowDown",
    "PgDown": "PageDown",
    "PgUp": "PageUp",
    "Space": " ",
    "Return": "Enter",
}


def browser_keymap() -> list[list]:
    """The HTML deck's keys, from this key map: [deck action, browser key names
    (``KeyboardEvent.key``), keys as shown, what it does] for each lecture action the deck
    has, so the deck steps with the same keys as lecture mode."""
    rows = []
    for b in BINDINGS:
        action = DECK_ACTIONS.get(b.action)
        if action is None:
            continue
        names: list[str] = []
        for key in b.keys:
            name = _BROWSER.get(key, key)
            for n in (name.lower(), name) if len(name) == 1 and name.isalpha() else (name,):
                if n not in names:
                    names.append(n)
        does = "go to that step of the deck" if action == "go" else b.does  # none trains here
        rows.append([action, names, b.shown(), does])
    return rows
