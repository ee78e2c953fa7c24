"""The HTML deck: a whole export as one self-contained web page that steps phase by phase with
lecture mode's keys, for students at home and offline.

Every (step, phase) frame is drawn once by the one renderer through QSvgGenerator (as the SVG
export draws it: numbers stay text) and inlined in a ``<template>``; identical frames are kept
once. The caption of each frame is the typeset HTML of :mod:`nnviz.core.mathtext`, and the
formulas of every drawn neuron at every frame (:func:`nnviz.core.formulas.neuron_formulas`) are
precomputed into the page as HTML, each distinct text once in a ``<template>`` of its own (as
HTML rather than inside the JSON, where every ``<`` would take six bytes). A click on a neuron (an invisible
hit circle the page adds at the layout's position) or the chooser list selects it.

Everything that comes from a file (the network's name, input and output names) reaches the page
escaped: SVG text by QSvgGenerator, the page's own text by :func:`html.escape`, and the page's
data as JSON with ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no text can close the
script it sits in. The page, its script and its stylesheet are package data beside this module
(``html_deck.html``, ``html_deck.js``, ``html_deck.css``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter

from nnviz.core.data import Dataset
from nnviz.core.explain import neuron_formulas
from nnviz.core.phases import phase_names
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.render.renderer import NetworkRenderer, RenderInfo
from nnviz.render.richtext import css as formula_css
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.theme import get_theme
from nnviz.render.view import ViewState

MAX_BYTES = 50_000_000
"""The largest deck written (50 MB): a page a browser opens quickly and a student downloads.
A bigger one is refused before most of it is drawn (see :meth:`DeckBuilder.estimate`)."""

TEMPLATES = ("html_deck.html", "html_deck.css", "html_deck.js")
_RENDERER = NetworkRenderer()
_PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")
_SVG_SIZE = re.compile(r'\s(width|height)="[^"]*"')
_TITLE = re.compile(r"<title>[^<]*</title>\s*")


def render_svg(state: SceneState, width: int, height: int) -> tuple[str, RenderInfo]:
    """The scene as the text of an inline ``<svg>`` element (as :func:`export.save_svg` draws
    it, without the XML prologue and with no fixed size: it scales to its box) and what the
    renderer drew, for the neurons' positions."""
    from PySide6.QtSvg import QSvgGenerator

    from nnviz.render.export import _buffer, ensure_gui_app

    ensure_gui_app()
    data, buf = _buffer()
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(width, height))
    gen.setViewBox(QRectF(0, 0, width, height))
    gen.setDescription(state.header)
    painter = QPainter(gen)
    try:
        info = _RENDERER.paint(painter, QRectF(0, 0, width, height), state)
    finally:
        painter.end()
    buf.close()
    text = _PROLOGUE.sub("", bytes(data.data()).decode("utf-8"))
    text = _TITLE.sub("", text, count=1)  # a browser would show it over the whole frame
    head_end = text.index(">", text.index("<svg"))
    head = _SVG_SIZE.sub("", text[:head_end])
    return head + ' class="frame"' + text[head_end:], info


def hit_circles(info: RenderInfo) -> list[list[float]]:
    """[layer, neuron, x, y, r] of every drawn neuron past the inputs (the ones with formulas),
    in the frame's coordinates."""
    lay = info.layout
    out = []
    for li, col in enumerate(lay.layers):
        if li == 0:
            continue
        for i, y in zip(col.visible.tolist(), col.ys.tolist(), strict=True):
            out.append([li, int(i), round(float(col.x), 2), round(float(y), 2)])
    r = round(max(float(lay.radius) * 1.2, 6.0), 2)
    return [[*c, r] for c in out]


_TAG = re.compile(r"<[^>]*>")
_ALLOWED_TAG = re.compile(r'</?(p|span|i|b|sub|sup|nobr)(\s+class="[\w -]*")?\s*>')


def safe_html(text: str) -> str:
    """Typeset HTML as it is when every tag is one that mathtext writes (p, span with a class,
    i, b, sub, sup, nobr); anything else, as escaped plain text. Mathtext escapes the text it
    is given; this keeps a future slip there from reaching the page as markup."""
    if all(_ALLOWED_TAG.fullmatch(tag) for tag in _TAG.findall(text)):
        return text
    return html.escape(html.unescape(_TAG.sub("", text)), quote=False)


def formulas_html(lines: list) -> str:
    """A neuron's formula lines as HTML paragraphs, each line's kind as its class."""
    parts = []
    for ln in lines:
        kind = getattr(ln, "kind", "")
        body = getattr(ln, "html", None)
        body = html.escape(str(ln), quote=False) if body is None else body
        cls = f' class="{kind}"' if kind else ""
        parts.append(f"<p{cls}>{body}</p>")
    return "".join(parts)


def script_json(obj: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left raw, so
    no text of it can end the element or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass
class DeckBuilder:
    """A deck assembled one step at a time, so its size can be estimated after the first."""

    spec: NetworkSpec
    dataset: Dataset
    view: ViewState
    width: int
    height: int
    only_update: bool = False
    selected: tuple[int, int] | None = None  # (layer from 1, neuron from 0) selected on opening
    keymap: list = field(default_factory=list)  # the page's keys (nnviz.gui.keymap.browser_keymap)
    after_frame: Callable[[], None] | None = None  # after each frame: progress, Cancel (raises)
    frames: list[dict] = field(default_factory=list)
    svgs: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # captions and formulas, as HTML
    steps_done: int = 0
    _svg_index: dict[str, int] = field(default_factory=dict)
    _text_index: dict[str, int] = field(default_factory=dict)

    def add_step(self, trace: StepTrace) -> None:
        """Draw every phase of one step and work out its formulas."""
        names = phase_names(len(self.spec.layers) - 1)
        view = replace(self.view, zoom=1.0, pan=(0.0, 0.0))
        for k, phase in enumerate(names):
            if self.only_update and phase != "update":
                continue
            scene = build_scene(self.spec, view, trace=trace, phase=k, dataset=self.dataset)
            svg, info = render_svg(scene, self.width, self.height)
            key = hashlib.sha256(svg.encode()).hexdigest()
            if key not in self._svg_index:
                self._svg_index[key] = len(self.svgs)
                self.svgs.append(svg)
            hits = hit_circles(info)
            forms = {}
            for layer, i, *_ in hits:
                lines = neuron_formulas(
                    trace,
                    layer - 1,
                    i,
                    0,
                    max(self.view.digits, 4),
                    phase=phase,
                    shared_bias=self.spec.bias_shared,
                )
                forms[f"{layer}:{i}"] = self._text(formulas_html(lines))
            self.frames.append(
                {
                    "step": int(trace.step),
                    "phase": k + 1,
                    "phases": len(names),
                    "name": phase,
                    "header": scene.header,
                    "caption": self._text(
                        getattr(scene.caption, "html", html.escape(str(scene.caption)))
                    ),
                    "svg": self._svg_index[key],
                    "hits": hits,
                    "formulas": forms,
                }
            )
            if self.after_frame is not None:
                self.after_frame()
        self.steps_done += 1

    def _text(self, text: str) -> int:
        """The index of a caption's or formulas' HTML in the deck's texts, each kept once."""
        text = safe_html(text)
        if text not in self._text_index:
            self._text_index[text] = len(self.texts)
            self.texts.append(text)
        return self._text_index[text]

    def page(self) -> str:
        """The whole page."""
        return deck_page(self)

    def estimate(self, steps: int) -> int:
        """Bytes of the deck of ``steps`` steps, from the steps drawn so far: the page's fixed
        part once, the rest in proportion (every step draws the same phases; frames and formulas
        that would repeat are counted as new, so this is an upper bound)."""
        done = max(self.steps_done, 1)
        fixed = sum(len(_template(n).encode()) for n in TEMPLATES)
        variable = max(len(self.page().encode()) - fixed, 0)
        return int(fixed + variable * steps / done)


def _template(name: str) -> str:
    return resources.files("nnviz.render").joinpath(name).read_text(encoding="utf-8")


def deck_page(deck: DeckBuilder) -> str:
    """The HTML of a deck: the template with its stylesheet, frames, data and script."""
    th = get_theme(deck.view.theme)
    name = deck.spec.name or "network"
    data = {
        "name": name,
        "width": deck.width,
        "height": deck.height,
        "frames": deck.frames,
        "selected": list(deck.selected) if deck.selected else None,
        "keymap": deck.keymap,
    }
    templates = "\n".join(
        [f'<template id="svg-{k}">{svg}</template>' for k, svg in enumerate(deck.svgs)]
        + [f'<template id="text-{k}">{text}</template>' for k, text in enumerate(deck.texts)]
    )
    colours = (
        f":root {{ --bg: {th.background}; --fg: {th.foreground}; --muted: {th.muted}; "
        f"--panel: {th.panel}; --sel: {th.selection}; }}"
    )
    fills = {
        "TITLE": html.escape(f"{name} · nnviz deck"),
        "NAME": html.escape(name),
        "STYLE": _template("html_deck.css") + "\n" + colours + "\n" + _formula_style(th),
        "FRAMES": templates,
        "DATA": script_json(data),
        "SCRIPT": _template("html_deck.js"),
        "FIRST_CAPTION": deck.texts[deck.frames[0]["caption"]] if deck.frames else "",
    }
    page = _template("html_deck.html")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fills[m.group(1)], page)


def _formula_style(th) -> str:
    """The formula stylesheet of the theme (the window's), for the caption and the formulas
    panel (class formula-text) rather than the whole page."""
    return formula_css(th).replace("body {", ".formula-text {")
