"""The glossary: every symbol nnviz shows, with a one-line meaning and how it is computed.

Entries are typeset with nnviz.core.mathtext. :func:`tokens` finds the mathematical symbols in
any text the app writes (captions, formulas, headers) by their shape, not from this list, so a
test can check that every symbol the app uses has an entry; :func:`lookup` finds a symbol's
entry and :func:`entries_in` the entries of a text (the inspector's links). No Qt.
"""

from __future__ import annotations

import re

from nnviz.core.glossary_entries import ENTRIES, HAT, Entry

__all__ = ["ENTRIES", "Entry", "entries_in", "entry", "lookup", "tokens"]


_BY_FORM = {form: e for e in ENTRIES for form in e.forms}
_BY_KEY = {e.key: e for e in ENTRIES}

_SUB_INDEX = str.maketrans({"ᵢ": " i ", "ⱼ": " j ", "ₖ": " k "})
_GREEK_SUB = re.compile(r"[α-ω][₀-₉]")
_SCRIPTS = re.compile(r"[₀-₉₊₋₌₍₎⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ½ₐₑₕₗₘₙₒₚᵣₛₜᵤᵥₓ]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PARTIAL = re.compile(r"∂([^\W\d_])[^/\s]*/∂([^\W\d_])")
_CALL = re.compile(r"\b([A-Za-z]{2,})\(")
_MARKS = r"\u0302?(?:′|'(?=\())?"  # a hat, a prime (σ'(z) too, but not "neuron's")
_SYMBOL = re.compile(rf"Δ[A-Za-z]|(?<!')[A-Za-z]+{_MARKS}|[α-ωΑ-Ω]{_MARKS}|[⊙√←ᵀ]")
_PHASE = re.compile(r"\b(?:forward|backward)-L\d+")  # phase names: L is a layer there
_FUNCTION_WORDS = ("ln",)  # written without parentheses


def tokens(text: str) -> list[str]:
    """The mathematical symbols in a text, in order of kind: partial derivatives such as
    ∂L/∂w, Greek letters with a numeric index (β₁), functions applied to something ("tanh()"),
    then single letters (with a hat or a prime), Greek letters, Δw, operators (⊙ Σ √ ← ᵀ) and
    indices. Words, numbers and layer superscripts are left out."""
    s = _PHASE.sub(" ", text).replace("ᵀ", " ᵀ ").replace("ᵗ", " t ").replace("ᶻ", " z ")
    out = [f"∂{m.group(1)}/∂{m.group(2)}" for m in _PARTIAL.finditer(s)]
    s = _PARTIAL.sub(" ", s)
    out += _GREEK_SUB.findall(s)
    s = _GREEK_SUB.sub(" ", s).translate(_SUB_INDEX)
    s = _NUMBER.sub(" ", _SCRIPTS.sub(" ", s))
    out += [m.group(1) + "()" for m in _CALL.finditer(s)]
    s = _CALL.sub(" ", s)
    for m in _SYMBOL.finditer(s):
        tok = m.group(0).replace("'", "′")
        core = tok.rstrip("′" + HAT)
        if core.isascii() and len(core) > 1 and tok not in _FUNCTION_WORDS:
            continue  # a word
        out.append(tok)
    return out


def lookup(token: str) -> Entry | None:
    """The entry of a symbol as :func:`tokens` writes it (None: not in the glossary)."""
    return _BY_FORM.get(token)


def entry(key: str) -> Entry:
    return _BY_KEY[key]


def entries_in(text: str) -> list[Entry]:
    """The glossary entries of the symbols in a text, each once, in order of appearance."""
    seen: dict[str, Entry] = {}
    for tok in tokens(text):
        e = lookup(tok)
        if e is not None and e.key not in seen:
            seen[e.key] = e
    return list(seen.values())
