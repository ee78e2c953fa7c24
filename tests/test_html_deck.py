"""The HTML deck (`nnviz export … --format html`): one self-contained page holding every frame
once as inline SVG, the captions as text, the formulas of every drawn neuron, no outside
resources, everything from the network file escaped, and a bounded size. (The page in a real
browser: tests/test_html_deck_browser.py.)"""

import json
import re
from html.parser import HTMLParser

import pytest

from nnviz.cli import main
from nnviz.core.numfmt import fmt
from nnviz.render import html_deck

PHASES_222 = ["forward-L1", "forward-L2", "loss", "backward-L2", "backward-L1", "update"]
EVIL = "</script><img src=x onerror=alert(1)>"


class Page(HTMLParser):
    """Every start tag with its attributes, the text of each element with an id, the
    ``<template>`` elements and the content of each ``<script>``."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []
        self._script: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script = []
        if tag not in ("meta", "br", "img", "input", "link"):
            self._open.append(a.get("id"))
            if a.get("id"):
                self.text_by_id.setdefault(a["id"], "")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        for ident in self._open:
            if ident:
                self.text_by_id[ident] += data

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def deck_data(page: Page) -> dict:
    (json_script,) = [
        s for (t, a), s in zip(
            [x for x in page.tags if x[0] == "script"], page.scripts, strict=True
        ) if a.get("type") == "application/json"
    ]  # fmt: skip
    return json.loads(json_script)


def export_deck(tmp_path, network="two-two-two", *args: str) -> tuple[str, Page]:
    out = tmp_path / "deck.html"
    argv = ["export", network, "--format", "html", "--out", str(out), "--size", "800x450"]
    assert main([*argv, *args]) == 0
    text = out.read_text(encoding="utf-8")
    return text, Page(text)


def test_one_svg_per_frame_captions_as_text_and_the_order_of_the_phases(tmp_path):
    text, page = export_deck(tmp_path, "two-two-two", "--steps", "2")
    data = deck_data(page)
    frames = data["frames"]
    assert [(f["step"], f["name"]) for f in frames] == [(s, p) for s in (1, 2) for p in PHASES_222]
    svgs = [a["id"] for t, a in page.tags if t == "template" and a["id"].startswith("svg-")]
    assert len(svgs) == page.count("svg") == 12  # every frame differs: one SVG each
    assert sorted(f["svg"] for f in frames) == list(range(12))
    # the numbers are text in the frames: the worked example's hidden activation 0.5933 (out_h1)
    assert ">0.593</text>" in text
    # each caption is HTML whose text is the plain caption, and the page opens on the first one
    captions = [page.text_by_id[f"text-{f['caption']}"] for f in frames]
    assert captions[0].startswith("Forward, layer 1 (hidden layer 1)")
    assert captions[3].startswith("Backward, layer 2 (output layer)")
    assert captions[5].startswith("Update: every weight takes a step against its gradient")
    assert captions[:6] == captions[6:]  # the same phases say the same, kept once
    assert page.text_by_id["caption"].strip() == captions[0]  # the page opens on the first


def test_no_outside_resources(tmp_path):
    text, page = export_deck(tmp_path, "xor", "--theme", "dark")
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img"), tag
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
        assert not (tag == "script" and "src" in attrs)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", text, re.IGNORECASE)
    assert "@import" not in text and "@font-face" not in text
    outside = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert outside <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, outside


def test_neuron_formulas_carry_the_worked_examples_numbers(tmp_path):
    """The formulas of output neuron 1 are in the page for every frame, with the numbers of
    the hand-worked example: δ = (0.75136507 − 0.01)·0.75136507·(1 − 0.75136507) = 0.13849856
    and ∂L/∂w₅ = δ·out_h1 = 0.08216704; none of it before the backward pass reaches it."""
    _, page = export_deck(tmp_path, "two-two-two", "--neuron", "2:1")
    data = deck_data(page)
    assert data["selected"] == [2, 0]
    y = 0.75136507
    delta, grad = (y - 0.01) * y * (1 - y), (y - 0.01) * y * (1 - y) * 0.59326999
    by_phase = {f["name"]: page.text_by_id[f"text-{f['formulas']['2:0']}"] for f in data["frames"]}
    assert fmt(delta, 4) == "0.1385" and fmt(grad, 4) == "0.08217"
    for phase in ("forward-L1", "forward-L2", "loss"):
        assert "0.1385" not in by_phase[phase] and "0.08217" not in by_phase[phase]
    for phase in ("backward-L2", "backward-L1", "update"):
        assert "0.1385" in by_phase[phase] and "0.08217" in by_phase[phase]
    # every drawn neuron past the inputs has a hit circle and formulas, at every frame
    for f in data["frames"]:
        assert sorted(f["formulas"]) == ["1:0", "1:1", "2:0", "2:1"]
        assert [h[:2] for h in f["hits"]] == [[1, 0], [1, 1], [2, 0], [2, 1]]


def test_the_hit_circles_lie_on_the_drawn_neurons(tmp_path):
    """Probed in the PNG export of the same frames: above and below the centre of every hit
    circle (its number is written across the middle), 0.6 radii away straight and diagonally,
    is one uniform fill (a neuron's), not the background; a circle off by half a radius would
    reach past its edge."""
    from PySide6.QtGui import QColor, QImage

    _, page = export_deck(tmp_path, "xor")
    out = tmp_path / "png"
    assert main(["export", "xor", "--out", str(out), "--size", "800x450"]) == 0
    white = QColor("#ffffff").rgb()
    for frame, png in zip(deck_data(page)["frames"], sorted(out.glob("*.png")), strict=True):
        image = QImage(str(png))
        assert len(frame["hits"]) == 4  # xor: three hidden neurons and one output
        for _, _, x, y, r in frame["hits"]:
            r = r / 1.2  # the hit area reaches a little past the circle
            probes = {
                image.pixel(round(x + dx * r), round(y + dy * r))
                for dx, dy in ((0, 0.6), (0, -0.6), (0.42, 0.42), (-0.42, 0.42), (0.42, -0.42))
            }
            assert len(probes) == 1 and probes != {white}, (png.name, x, y, probes)


def test_what_comes_from_the_file_stays_inert(tmp_path):
    csv = tmp_path / "evil.csv"
    short = "</script><b>a"  # an input name short enough to be drawn beside its neuron
    csv.write_text(f'"{short}",x2,"t&amp;<b>",t2\n0.1,0.2,0.3,0.4\n0.5,0.6,0.7,0.8\n')
    net = tmp_path / "evil.json"
    net.write_text(
        json.dumps(
            {
                "nnviz": 1,
                "name": EVIL,
                "layers": [2, 2, 2],
                "activations": ["sigmoid", "sigmoid"],
                "loss": "half_sse",
                "data": {
                    "csv": "evil.csv",
                    "inputs": [short, "x2"],
                    "targets": ["t&amp;<b>", "t2"],
                },
                "batch_size": 2,
            }
        )
    )
    text, page = export_deck(tmp_path, str(net))
    assert EVIL not in text and "<b>" not in text
    assert page.count("img") == 0 and page.count("b") == 0
    assert page.count("script") == 2  # the page's data and its player, nothing else
    assert page.text_by_id["network-name"] == EVIL  # shown as text
    assert deck_data(page)["name"] == EVIL  # and the data still says what the file said
    (title,) = [s for s in re.findall(r"<title>(.*?)</title>", text) if "nnviz deck" in s]
    assert title.startswith("&lt;/script&gt;&lt;img")
    assert ">&lt;/script&gt;&lt;b&gt;a</text>" in text  # the input name, drawn as text
    assert ">t&amp;amp;&lt;b&gt;</text>" in text  # an output name


def test_frames_are_kept_once():
    from nnviz.core.engine import Engine
    from nnviz.core.netfile import load
    from nnviz.render.view import ViewState

    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    deck = html_deck.DeckBuilder(spec, engine.dataset, ViewState(), 640, 360)
    trace = engine.step()
    deck.add_step(trace)
    deck.add_step(trace)  # the same step twice: the same six pictures
    assert len(deck.frames) == 12 and len(deck.svgs) == 6
    assert [f["svg"] for f in deck.frames] == [0, 1, 2, 3, 4, 5] * 2
    assert len(Page(deck.page()).tags) > 0 and deck.page().count("<svg") == 6


def test_the_estimate_after_one_step_bounds_the_real_size():
    from nnviz.core.engine import Engine
    from nnviz.core.netfile import load
    from nnviz.render.view import ViewState

    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    deck = html_deck.DeckBuilder(spec, engine.dataset, ViewState(), 800, 450)
    deck.add_step(engine.step())
    estimate = deck.estimate(4)
    for _ in range(3):
        deck.add_step(engine.step())
    real = len(deck.page().encode())
    assert real <= estimate < real * 1.3


def test_a_deck_over_the_limit_is_refused_before_it_is_drawn(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(html_deck, "MAX_BYTES", 400_000)  # one xor step is about 250 kB
    drawn = []
    real_add = html_deck.DeckBuilder.add_step
    monkeypatch.setattr(
        html_deck.DeckBuilder, "add_step", lambda self, t: (drawn.append(1), real_add(self, t))
    )
    out = tmp_path / "deck.html"
    argv = ["export", "xor", "--format", "html", "--out", str(out), "--size", "800x450"]
    assert main([*argv, "--steps", "20"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "over its limit of 0.4 MB" in err[0] and "--steps" in err[0], err
    assert len(drawn) == 1 and not out.exists()
    assert main([*argv, "--steps", "1"]) == 0 and out.stat().st_size < 400_000


@pytest.mark.parametrize(
    ("make", "args", "words"),
    [
        (lambda p: p.mkdir(), [], "is a folder"),
        (lambda p: p.write_text("keep"), [], "exists; add --force"),
        (lambda p: None, ["--transparent"], "--transparent applies to PNG and SVG only"),
        (lambda p: None, ["--frame-ms", "100"], "not to --format html"),
    ],
)
def test_outputs_and_options_the_deck_cannot_use_are_refused(tmp_path, capsys, make, args, words):
    out = tmp_path / "deck.html"
    make(out)
    assert main(["export", "xor", "--format", "html", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    assert not out.is_file() or out.read_text() == "keep"


def test_force_replaces_an_earlier_deck(tmp_path):
    out = tmp_path / "deck.html"
    out.write_text("old")
    assert main(["export", "xor", "--format", "html", "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_typeset_html_outside_what_mathtext_writes_becomes_text():
    typeset = '<p class="title"><nobr><span class="d"><i>δ</i><sub>1</sub></span></nobr></p>'
    assert html_deck.safe_html(typeset) == typeset
    assert html_deck.safe_html("<p>a &lt; b</p>") == "<p>a &lt; b</p>"
    for bad in (EVIL, '<p onclick="x()">a</p>', "<span class=x>a</span><style>", "<p>a</template>"):
        out = html_deck.safe_html(bad)
        assert "<" not in out.replace("&lt;", ""), out


def test_script_json_cannot_close_its_element():
    text = html_deck.script_json({"a": EVIL + "<!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": EVIL + "<!-- & \u2028"}


def test_the_decks_keys_are_lecture_modes(tmp_path):
    """The page's keys come from lecture mode's one key map: each lecture binding the deck
    shares gives the same keys (in the browser's names) and the deck has no key of its own."""
    from nnviz.gui import keymap

    _, page = export_deck(tmp_path, "xor")
    rows = {action: (keys, shown) for action, keys, shown, _ in deck_data(page)["keymap"]}
    browser = {"Right": "ArrowRight", "Left": "ArrowLeft", "Up": "ArrowUp", "Down": "ArrowDown",
               "PgDown": "PageDown", "PgUp": "PageUp", "Space": " ", "Return": "Enter"}  # fmt: skip
    for b in keymap.BINDINGS:
        if b.action in keymap.DECK_ACTIONS:
            keys, shown = rows.pop(keymap.DECK_ACTIONS[b.action])
            assert shown == b.shown()
            for k in b.keys:
                assert browser.get(k, k) in keys
    assert rows == {}
    assert {"ArrowRight", "PageDown", " ", "j", "J"} <= set(
        next(k for a, k, _, _ in deck_data(page)["keymap"] if a == "next")
    )
