"""The HTML deck in a real browser: headless Chromium opens the page, replays keys through the
page's own key handler (the ``?keys=`` hook), and the screenshot after three → shows the fourth
frame, the same picture as the PNG export of that phase; the DOM after the replay says which
frame and caption are shown. Skipped, with the reason, where no Chromium is installed (CI
installs Debian's ``chromium``: .ci/run)."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnviz.cli import main
from tests.test_html_deck import EVIL, Page

W, H = 800, 450
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER = next((b for b in map(shutil.which, BROWSERS) if b), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason=f"no Chromium found (looked for {', '.join(BROWSERS)})"
)


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    cmd = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # as root (CI), Chromium refuses to start with its sandbox
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        *args,
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def dom(tmp_path: Path, deck: Path, query: str = "", fragment: str = "") -> Page:
    url = deck.as_uri() + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    raw = chromium(tmp_path, url, "--dump-dom").stdout
    page = Page(raw)
    page.raw = raw
    body = next(a for t, a in page.tags if t == "body")
    assert body.get("data-ready") == "1"  # the script ran to its end
    return page


def body(page: Page) -> dict:
    return next(a for t, a in page.tags if t == "body")


def hidden(page: Page, ident: str) -> bool:
    return "hidden" in next(a for t, a in page.tags if a.get("id") == ident)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The xor deck of two steps and its PNG export (same size), and the 2-2-2 deck."""
    root = tmp_path_factory.mktemp("decks")
    size = ["--size", f"{W}x{H}"]
    xor = root / "xor.html"
    assert (
        main(["export", "xor", "--steps", "2", "--format", "html", "--out", str(xor), *size]) == 0
    )
    pngs = root / "png"
    assert (
        main(["export", "xor", "--steps", "1", "--format", "png", "--out", str(pngs), *size]) == 0
    )
    worked = root / "222.html"
    assert main(["export", "two-two-two", "--format", "html", "--out", str(worked), *size]) == 0
    return xor, sorted(pngs.glob("*.png")), worked


def net_box() -> tuple[int, int, int, int]:
    """Where the network is drawn in xor's fourth frame (between header and caption)."""
    from nnviz.core.engine import Engine
    from nnviz.core.netfile import load
    from nnviz.render.html_deck import render_svg
    from nnviz.render.scene_builder import build_scene
    from nnviz.render.view import ViewState

    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    scene = build_scene(spec, ViewState(), trace=engine.step(), phase=3, dataset=engine.dataset)
    box = render_svg(scene, W, H)[1].net_box
    return int(box.top()) + 1, int(box.bottom()) - 1, int(box.left()), int(box.right())


def test_three_right_arrows_show_the_fourth_frame_as_the_png_export_draws_it(tmp_path, decks):
    xor, pngs, _ = decks
    shot = tmp_path / "shot.png"
    query = "keys=ArrowRight,ArrowRight,ArrowRight"
    chromium(
        tmp_path, f"{xor.as_uri()}?{query}", f"--window-size={W},{H + 250}", f"--screenshot={shot}"
    )
    top, bottom, left, right = net_box()
    seen = np.asarray(Image.open(shot).convert("RGB"), float)[top:bottom, left:right]
    diffs = []
    for png in pngs:
        ref = np.asarray(Image.open(png).convert("RGB"), float)[top:bottom, left:right]
        diffs.append(float(np.abs(seen - ref).mean()))
    assert pngs[3].name == "step001-04-backward-L2.png"
    # the same picture (text drawn by another engine differs by a little), unlike every other
    assert diffs[3] < 1.5, diffs
    assert min(d for k, d in enumerate(diffs) if k != 3) > max(2.0, 4 * diffs[3]), diffs
    # and the DOM after the same keys names that frame and shows its caption
    page = dom(tmp_path, xor, query)
    assert body(page)["data-frame"] == "4" and body(page)["data-phase"] == "4"
    assert "<title>XOR · step 1 · phase 4/6</title>" in page.raw
    assert page.text_by_id["caption"].strip().startswith("Backward, layer 2 (output layer)")
    assert page.text_by_id["where"].startswith("step 1 · phase 4/6 backward-L2 · frame 4 of 12")


KEYS = [  # (key, the frame after it): xor's two steps of six phases
    *[("PageDown", 2), ("Space", 3), ("j", 4), ("K", 3), ("ArrowDown", 4), ("ArrowUp", 3)],
    *[("ArrowLeft", 2), ("End", 6), ("2", 6), ("Enter", 7), ("ArrowLeft", 6), ("J", 7)],
    *[("End", 12), ("ArrowRight", 12), ("PageUp", 11), ("Home", 7), ("1", 7), ("Enter", 1)],
    *[("k", 1), ("b", 1), ("ArrowRight", 1), ("ArrowRight", 2)],  # the key after a blackout
]  # only brings the picture back


def test_the_lecture_keys_step_through_the_frames(tmp_path, decks):
    page = dom(tmp_path, decks[0], "keys=" + ",".join(k for k, _ in KEYS))
    assert body(page)["data-trail"] == ",".join(str(f) for f in [1, *(f for _, f in KEYS)])
    assert hidden(page, "blackout") and hidden(page, "help")


def test_the_address_names_the_step_and_phase(tmp_path, decks):
    page = dom(tmp_path, decks[0], "keys=9,Enter,Home", "step=2&phase=3")
    assert body(page)["data-trail"] == "9,9,9,7"  # no step 9: it stays
    page = dom(tmp_path, decks[0], "keys=9,Enter", "step=2&phase=3")
    assert page.text_by_id["where"].endswith("· this deck has steps 1 to 2")


def test_the_formulas_of_a_clicked_neuron_help_and_blackout(tmp_path, decks):
    # a click on output neuron 1 of the worked example in its backward phase shows its
    # formulas with the hand-worked δ = 0.1385 and ∂L/∂w₅ = 0.08217; ? opens the keys' list
    page = dom(tmp_path, decks[2], "keys=ArrowRight,ArrowRight,ArrowRight&click=2:0&keys=%3F")
    assert body(page)["data-selected"] == "2:0" and not hidden(page, "formulas")
    assert page.text_by_id["formulas-title"] == "layer 2, neuron 1"
    text = page.text_by_id["formulas-body"]
    assert "0.1385" in text and "0.08217" in text
    selected = [a for t, a in page.tags if t == "circle" and "selected" in a.get("class", "")]
    assert [a["data-neuron"] for a in selected] == ["2:0"]
    assert not hidden(page, "help") and "next phase" in page.text_by_id["help-keys"]
    # F hides the formulas again; B blacks the picture out
    page = dom(tmp_path, decks[2], "click=2:0&keys=F,b")
    assert hidden(page, "formulas") and not hidden(page, "blackout")


def test_a_hostile_network_name_stays_text_in_the_browser(tmp_path):
    net = tmp_path / "evil.json"
    spec = {"nnviz": 1, "name": EVIL, "layers": [2, 2, 1], "activations": ["tanh", "sigmoid"]}
    net.write_text(json.dumps({**spec, "data": {"dataset": "xor"}, "batch_size": 4}))
    deck = tmp_path / "evil.html"
    assert main(["export", str(net), "--format", "html", "--out", str(deck)]) == 0
    page = dom(tmp_path, deck, "keys=ArrowRight")
    assert page.count("img") == 0
    assert page.text_by_id["network-name"] == EVIL
    assert body(page)["data-frame"] == "2"
