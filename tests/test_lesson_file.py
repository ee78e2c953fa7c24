"""Lesson files: what a good file gives, and one line naming file, line and key for each
kind of mistake a writer (or a stranger) can make."""

from pathlib import Path

import pytest

from nnviz.core.lesson import LessonError, load_lesson
from nnviz.core.quantities import Quantity

GOOD = """\
title = "The hidden δ"
network = "two-two-two"

[[stop]]
title = "Before training"
text = "The weights as the example starts."

[[stop]]
title = "The output δ"
step = 1
phase = "backward-L2"
select = "neuron[2,1]"
highlight = ["inspector", "delta[2,2]"]
question = "What is δ of output neuron 1?"
answer = "delta[2,1]"
hint = "(a − y) · σ′(z)"
notes = "Pause here."
"""


def write(tmp_path: Path, text: str, name: str = "l.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_lesson(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.title == "The hidden δ"
    first, second = lesson.stops
    assert (first.step, first.phase) == (0, None)
    assert second.step == 1 and second.phase == 3  # forward-L1, forward-L2, loss, backward-L2
    assert second.select == ("neuron", 2, 0)
    assert second.answer == Quantity("delta", (2, 0))
    assert second.highlight == ("inspector",)
    assert second.highlight_quantities == (Quantity("delta", (2, 1)),)
    assert second.line == 8 and second.notes == "Pause here."


def test_network_beside_the_lesson(tmp_path):
    from nnviz.core.netfile import presets_dir

    (tmp_path / "mine.json").write_bytes((presets_dir() / "xor.json").read_bytes())
    text = 'title = "t"\nnetwork = "mine.json"\n[[stop]]\nstep = 1\n'
    assert load_lesson(write(tmp_path, text)).stops[0].network_path.name == "mine.json"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace('phase = "backward-L2"', 'phase = "backward-L3"'),
            "line 11, stop 2, key 'phase'",
        ),
        (GOOD.replace("step = 1", "step = -1"), "line 10, stop 2, key 'step'"),
        (
            GOOD.replace('answer = "delta[2,1]"', 'answer = "delta[2,3]"'),
            "line 15, stop 2, key 'answer'",
        ),
        (GOOD.replace('answer = "delta[2,1]"', 'answer = "neuron[2,1]"'), "key 'answer'"),
        (GOOD.replace("hint = ", "hnit = "), "line 16, stop 2, key 'hnit': unknown key"),
        (GOOD.replace('title = "The hidden δ"\n', ""), "key 'title': missing"),
        (GOOD.replace('network = "two-two-two"', 'network = "nope"'), "stop 1, key 'network'"),
        (GOOD.replace('select = "neuron[2,1]"', 'select = "neuron[2,0]"'), "key 'select'"),
        (GOOD.replace('highlight = ["inspector"', 'highlight = ["sidebar"'), "key 'highlight'"),
        (GOOD.replace("step = 1\n", "step = 1\nzoom = 9\n"), "key 'zoom'"),
        (GOOD + "answer = 3\n", "line"),
        ('title = "t"\n', "at least one [[stop]]"),
        ('title = "t"\n[[stop]\n', "line 2, column"),
        ('title = "t"\nformat = 2\n[[stop]]\n', "key 'format'"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, text, expected):
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, text))
    msg = str(info.value)
    assert msg.startswith("l.toml: ") and expected in msg
    assert "\n" not in msg


def test_hostile_files(tmp_path):
    with pytest.raises(LessonError, match="larger than"):
        load_lesson(write(tmp_path, "#" * (1 << 21)))
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe title")
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(tmp_path / "bin.toml")
    with pytest.raises(LessonError, match="no such file"):
        load_lesson(tmp_path / "missing.toml")
    bad = write(tmp_path, 'title = "\\u001b[2J"\nnetwork = "x\\u001b[31m"\n[[stop]]\n')
    with pytest.raises(LessonError) as info:
        load_lesson(bad)
    assert "\x1b" not in str(info.value)
