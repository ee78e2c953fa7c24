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


METRIC = """\
title = "m"
network = "xor"

[[stop]]
step = 10
question = "How accurate?"
answer = "precision[train,1]"

[[stop.ink]]
colour = "blue"
width = 2
points = [[0.1, 0.2], [0.5, 0.5]]
"""


def test_metric_answers_and_ink(tmp_path):
    from nnviz.core.lesson_metrics import Metric

    stop = load_lesson(write(tmp_path, METRIC)).stops[0]
    assert stop.answer is None and stop.metric == Metric("precision", "train", 1)
    assert stop.metric.describe() == "precision of class 1 on the training set"
    (stroke,) = stop.ink
    assert stroke == {"colour": "#1f77b4", "width": 2.0, "points": ((0.1, 0.2), (0.5, 0.5))}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("precision[train,1]", "precision[train,2]", "line 7, stop 1, key 'answer': "),
        ("precision[train,1]", "accuracy[valid]", "line 7, stop 1, key 'answer': "),
        ("precision[train,1]", "mse[test,1]", "only precision, recall and f1 take a class"),
        ('colour = "blue"', 'colour = "teal"', "line 10, stop 1, ink 1, key 'ink.colour'"),
        ("width = 2", "width = 50", "line 11, stop 1, ink 1, key 'ink.width'"),
        ("[0.5, 0.5]]", "[1.5, 0.5]]", "line 12, stop 1, ink 1, key 'ink.points'"),
        ("width = 2", "widht = 2", "line 11, stop 1, ink 1, key 'ink.widht': unknown key"),
        ('question = "How accurate?"\n', "", "key 'answer': an answer needs its question"),
    ],
)
def test_new_keys_errors_name_line_and_key(tmp_path, old, new, expected):
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, METRIC.replace(old, new)))
    msg = str(info.value)
    assert msg.startswith("l.toml: ") and expected in msg and "\n" not in msg


def test_second_stroke_is_named(tmp_path):
    text = METRIC + "\n[[stop.ink]]\npoints = [[0.2, 0.2]]\ncolour = 3\n"
    with pytest.raises(LessonError, match=r"line 16, stop 1, ink 2, key 'ink.colour'"):
        load_lesson(write(tmp_path, text))
