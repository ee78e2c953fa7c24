"""The view state: every choice about *how* the network is drawn, in one object.

The window's canvas, lecture mode, the presenter view, the window's export and ``nnviz export``
all read a :class:`ViewState` and turn it into a scene with the one builder in
``nnviz.render.scene_builder``, so they cannot drift apart. Its fields announce their own
changes: a view subscribes with :meth:`ViewState.subscribe` and is told which field changed.
No Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from nnviz.core.numfmt import DEFAULT_DIGITS, MAX_DIGITS, MIN_DIGITS
from nnviz.render.scene import LABEL_MODES

THEMES = ("light", "dark", "lecture-light", "lecture-dark")
SCALE_MIN, SCALE_MAX = 0.75, 2.5
"""The type scales at which header, network and caption keep apart (lecture mode's range)."""

LABEL_CHOICES = {
    "No numbers": "none",
    "Activation a": "activation",
    "Pre-activation z": "pre_activation",
    "Delta δ": "delta",
    "σ'(z)": "activation_grad",
    "All": "all",
}
"""What each neuron shows, as menus and dialogs name it (text → SceneState.label_mode)."""
Listener = Callable[[str, Any], None]


@dataclass(eq=False)
class ViewState:
    """How to draw: which number each neuron shows (``label_mode``), significant figures
    (``digits``), theme, type scale, zoom and pan, whether the caption, legend and the selected
    item's formulas (``formulas``) are shown. Setting a field tells every subscriber."""

    label_mode: str = "activation"
    digits: int = DEFAULT_DIGITS
    theme: str = "light"
    scale: float = 1.0
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)
    show_caption: bool = True
    show_legend: bool = True
    legend_corner: bool = False
    formulas: bool = False
    mistake: str = ""
    """A key of nnviz.core.mistakes.MISTAKES to show beside the right numbers, or ""."""
    _listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)

    def __setattr__(self, name: str, value: Any) -> None:
        old = self.__dict__.get(name, _MISSING)
        object.__setattr__(self, name, value)
        if name.startswith("_") or old is _MISSING or old == value:
            return
        for listener in list(self.__dict__.get("_listeners", ())):
            listener(name, value)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(field, value)`` after each change of a field."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def update(self, **changes: Any) -> None:
        """Set several fields (each announces itself)."""
        for name, value in changes.items():
            if name not in _FIELDS:
                raise AttributeError(f"ViewState has no field {name!r}")
            setattr(self, name, value)

    def copy(self, **changes: Any) -> ViewState:
        """An independent copy (no subscribers) with some fields changed."""
        return replace(self, _listeners=[], **changes)

    def to_dict(self) -> dict[str, Any]:
        """What a session file keeps of the view."""
        return {"labels": self.label_mode, "digits": self.digits, "theme": self.theme}

    def apply_dict(self, saved: dict[str, Any]) -> None:
        """Take the valid entries of a saved view (older files wrote "decimals"); ignore the
        rest, since a session file comes from anyone."""
        if saved.get("labels") in LABEL_MODES:
            self.label_mode = saved["labels"]
        digits = saved.get("digits", saved.get("decimals"))
        if isinstance(digits, int) and not isinstance(digits, bool):
            self.digits = min(max(digits, MIN_DIGITS), MAX_DIGITS)
        if saved.get("theme") in THEMES:
            self.theme = saved["theme"]


_MISSING = object()
_FIELDS = {f.name for f in fields(ViewState) if not f.name.startswith("_")}


def clamp_scale(value: float) -> float:
    """A type scale within the range where the layout holds (a stored value may be anything)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 1.0
    if v != v:  # NaN
        return 1.0
    return round(min(max(v, SCALE_MIN), SCALE_MAX), 2)
