"""Formula text from one source in two forms: plain Unicode (tests, JSON, terminals, the SVG's
searchable text) and Qt rich text HTML (sub- and superscripts, colours by CSS class, numbers
that never wrap inside themselves). No Qt: the GUI and the renderer lay the HTML out.

A :class:`Rich` is a ``str`` (its plain form) that carries its ``html`` form, so everything that
takes text keeps working and whatever can typeset finds the HTML beside it. CSS classes:
``x`` inputs, activations and pre-activations (the forward flow), ``w`` weights and biases,
``d`` errors δ and gradients (the backward flow), ``o`` optimizer state; lines have a ``kind``:
``""`` (a formula), ``"title"``, ``"muted"`` (what comes later) or ``"item"`` (indented).
"""

from __future__ import annotations

import html as _html
import re

from nnviz.core.numfmt import fmt, fmt_html, parts

_SUB = str.maketrans("0123456789+−-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+−-=()intzT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿᵗᶻᵀ")
_SUB_OK = set("0123456789+−-=()aehijklmnoprstuvx")
_SUP_OK = set("0123456789+−-=()intzT")
KINDS = ("", "title", "muted", "item")


class Rich(str):
    """Plain text (the ``str`` itself) with its rich-text form in ``html`` and, for a whole
    line, its ``kind``."""

    html: str
    kind: str

    def __new__(cls, plain: str, html: str | None = None, kind: str = "") -> Rich:
        obj = str.__new__(cls, plain)
        obj.html = _escape(plain) if html is None else html
        obj.kind = kind
        return obj

    def __add__(self, other: object) -> Rich:
        return cat(self, other)

    def __radd__(self, other: object) -> Rich:
        return cat(other, self)

    def as_line(self, kind: str = "") -> Rich:
        """This text as a line of the given kind."""
        return Rich(str(self), self.html, kind)


def _escape(plain: str) -> str:
    """HTML for plain text; runs of spaces (gaps between formulas) kept as en and em spaces."""
    return _html.escape(plain, quote=False).replace("   ", "\u2003").replace("  ", "\u2002")


def rich(part: object) -> Rich:
    """A Rich as it is, anything else as escaped plain text."""
    return part if isinstance(part, Rich) else Rich(str(part))


def cat(*parts: object) -> Rich:
    """The parts one after the other."""
    rs = [rich(p) for p in parts]
    return Rich("".join(str(r) for r in rs), "".join(r.html for r in rs))


def joined(sep: object, parts: list) -> Rich:
    """The parts with ``sep`` between them."""
    out: list[object] = []
    for i, part in enumerate(parts):
        if i:
            out.append(sep)
        out.append(part)
    return cat(*out)


def line(*parts: object, kind: str = "") -> Rich:
    """One line of a formula panel."""
    return cat(*parts).as_line(kind)


def span(text: object, cls: str) -> Rich:
    """Text coloured by a CSS class (x, w, d, o; m muted)."""
    r = rich(text)
    return Rich(str(r), f'<span class="{cls}">{r.html}</span>')


_TAG = re.compile(r"(<[^>]*>)")


def _join_slashes(html: str) -> str:
    """A word joiner after each "/" of the text (not of the tags): a line may break after a
    solidus, and <nobr> only keeps spaces from breaking."""
    return "".join(
        part if part.startswith("<") else part.replace("/", "/\u2060") for part in _TAG.split(html)
    )


def nobr(*parts: object) -> Rich:
    """Text a line is never broken inside."""
    r = cat(*parts)
    return Rich(str(r), f"<nobr>{_join_slashes(r.html)}</nobr>")


def num(x: float, digits: int, *, paren: bool = False) -> Rich:
    """A number in significant figures, unbreakable; ``paren`` puts a negative one in
    parentheses (after an operator: "0.5·(−0.0822)")."""
    plain, rich_ = fmt(x, digits), fmt_html(x, digits)
    if paren and plain.startswith("−"):
        plain, rich_ = f"({plain})", f"({rich_})"
    return Rich(plain, f"<nobr>{rich_}</nobr>")


def hyper(x: float) -> Rich:
    """A hyperparameter as it was given (η = 0.5, β₂ = 0.999, ε = 10⁻⁸)."""
    mant, exp = parts(float(x), 6)
    if exp is None:
        return Rich(f"{float(x):g}", f"<nobr>{float(x):g}</nobr>")
    mant = mant.rstrip("0").rstrip(".")
    head = "" if mant == "1" else mant + "×"
    e = str(exp).replace("-", "−")
    return Rich(f"{head}10{e.translate(_SUP)}", f"<nobr>{head}10<sup>{e}</sup></nobr>")


def _script(text: str, table: dict, ok: set, mark: str) -> str:
    if text and set(text) <= ok:
        return text.translate(table)
    return f"{mark}({text})" if len(text) > 1 else f"{mark}{text}"


def sym(
    base: str, sub: str = "", sup: str = "", cls: str = "", *, hat: bool = False, layer: int = 0
) -> Rich:
    """A symbol with a subscript and superscript: ``sym("w", "12", layer=2)`` is w⁽²⁾₁₂.
    ``layer`` writes the course's layer superscript ⁽ˡ⁾; ``hat`` a circumflex (m̂)."""
    if layer:
        sup = f"({layer}){sup}"
    mark = "\u0302" if hat else ""
    plain = base + mark
    sub_p = _script(sub, _SUB, _SUB_OK, "_") if sub else ""
    sup_p = _script(sup, _SUP, _SUP_OK, "^") if sup else ""
    plain += sup_p + sub_p if layer else sub_p + sup_p  # w⁽²⁾₁₂ but β₁ᵗ
    b = _html.escape(base) + mark
    if base.isascii() and base.isalpha():
        b = f"<i>{b}</i>"
    sup_h = f"<sup>{_html.escape(sup)}</sup>" if sup else ""
    sub_h = f"<sub>{_html.escape(sub)}</sub>" if sub else ""
    h = b + (sup_h + sub_h if layer else sub_h + sup_h)
    if cls:
        h = f'<span class="{cls}">{h}</span>'
    return Rich(plain, f"<nobr>{h}</nobr>")


_ASCII_SUB = re.compile(r"_(\w)")
_ASCII_SUP = re.compile(r"\^(−?\w)")


def from_ascii(text: str) -> Rich:
    """A formula written with ``_k`` and ``^−z`` (the activation and loss tables) typeset."""
    h = _escape(text)
    h = _ASCII_SUB.sub(r"<sub>\1</sub>", h)
    h = _ASCII_SUP.sub(r"<sup>\1</sup>", h)
    plain = _ASCII_SUB.sub(lambda m: _script(m.group(1), _SUB, _SUB_OK, "_"), text)
    plain = _ASCII_SUP.sub(lambda m: _script(m.group(1), _SUP, _SUP_OK, "^"), plain)
    return Rich(plain, h)


def document(lines: list, *, css: str = "") -> str:
    """The HTML of a formula panel: one paragraph per line, its kind as the class."""
    body = []
    for ln in lines:
        r = rich(ln)
        kind = getattr(ln, "kind", "")
        cls = f' class="{kind}"' if kind else ""
        body.append(f"<p{cls}>{r.html}</p>")
    style = f"<style>{css}</style>" if css else ""
    return f"<html><head>{style}</head><body>{''.join(body)}</body></html>"


def stylesheet(colours: dict[str, str], *, indent_em: float = 1.2) -> str:
    """CSS for formula HTML from colours by role: foreground, muted, x, w, d, o."""
    c = colours
    return (
        f"body {{ color: {c['foreground']}; }} "
        "p { margin-top: 0px; margin-bottom: 3px; } "
        "p.title { font-weight: 600; } "
        f"p.muted {{ color: {c['muted']}; font-style: italic; }} "
        f"p.item {{ margin-left: {indent_em}em; }} "
        f".x {{ color: {c['x']}; }} .w {{ color: {c['w']}; }} "
        f".d {{ color: {c['d']}; }} .o {{ color: {c.get('o', c['w'])}; }} "
        f".m {{ color: {c['muted']}; }}"
    )
