"""A lesson file played in lecture mode as a script of slides: each stop is a slide.

For a lecturer with a clicker (clickers send PgDn/PgUp): PgDn/PgUp go to the next/previous
stop (the window goes there: network, step, phase, selection), → ← ↓ ↑ Space J K step the
phases within it as without a script, and O shows every stop as a thumbnail (arrows and Enter
or a click jump there; Esc or O close it). These keys are in the one key map,
``nnviz.gui.keymap`` (``when=SCRIPT``).

The badge says "stop k/n"; the presenter view shows the stop's ``notes``
(``LectureView.current_notes``). A stop's ``ink`` strokes join the lecture ink of the page the
stop shows, the first time it is shown, and can be erased or drawn over like any other.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from nnviz.core.lesson import Lesson, Stop
from nnviz.core.lesson_ink import as_strokes
from nnviz.gui.lesson_stop import apply_stop, hide_for_question
from nnviz.render.scene import SceneState

CLOSE_OVERVIEW = {Qt.Key.Key_Escape, Qt.Key.Key_O}
"""The overview's own keys to close it (the script's keys are in nnviz.gui.keymap: PgDn/PgUp
go from stop to stop, O opens the overview)."""


class LectureScript:
    """The stops of ``lesson`` played in ``view`` (a LectureView) of ``window``."""

    def __init__(self, window, lesson: Lesson, view) -> None:
        self.window = window
        self.lesson = lesson
        self.view = view
        self.index = 0
        self.overview: ScriptOverview | None = None
        self._inked: set[tuple[int, int, int]] = set()  # pages given the stops' ink

    @property
    def stop(self) -> Stop:
        return self.lesson.stops[self.index]

    def go_to(self, k: int) -> bool:
        """Show stop ``k`` (False: out of range, or the user kept unsaved work)."""
        if not 0 <= k < len(self.lesson.stops):
            return False
        if not apply_stop(self.window, self.lesson.stops[k]):
            return False
        hide_for_question(self.window, self.lesson.stops[k])
        self.index = k
        self._lay_ink(self.lesson.stops[k])
        dock = getattr(self.window, "lesson_dock", None)
        if dock is not None and dock.lesson is not None and dock.lesson.path == self.lesson.path:
            dock.index = k  # the panel follows, for when the lecture ends
            dock._show()
        presenter = getattr(self.view, "presenter", None)
        if presenter is not None and hasattr(presenter, "refresh"):
            presenter.refresh()
        self.view.update()
        return True

    def _lay_ink(self, stop: Stop) -> None:
        """The stop's prepared strokes onto the lecture ink of the page the stop shows (once:
        a stroke already there, or erased by the lecturer on this visit, is not laid again)."""
        if not stop.ink:
            return
        s = self.window.session
        page = (s.run.id, s.step, s.phase)
        if page in self._inked:
            return
        self._inked.add(page)
        have = s.ink.strokes(page)
        for stroke in as_strokes(stop.ink, len(s.spec.layers)):
            if stroke not in have:
                s.ink.add(page, stroke)

    def badge(self) -> str:
        return f"stop {self.index + 1}/{len(self.lesson.stops)}"

    def notes(self) -> str:
        return self.stop.notes

    def show_overview(self) -> ScriptOverview:
        if self.overview is None:
            self.overview = ScriptOverview(self)
        self.overview.open_at(self.index)
        return self.overview


def stop_scenes(lesson: Lesson, view) -> list[SceneState]:
    """Every stop's picture, through the one scene builder: each network trained (untraced, as
    the window would) to the stops' steps in its own runs, so the window's runs are untouched."""
    from nnviz.core.netfile import load
    from nnviz.core.runs import RunTree
    from nnviz.render.scene_builder import build_scene

    trees: dict[str, RunTree] = {}
    scenes = []
    for stop in lesson.stops:
        key = str(stop.network_path)
        if key not in trees:
            spec, base = load(key)
            trees[key] = RunTree(spec, base)
        run = trees[key].current
        missing = stop.step - run.n_steps
        if missing > 1:
            run.train(missing - 1)
        if missing >= 1:
            run.traced_step()
        trace = run.history.trace(stop.step) if stop.step else None
        ws, bs = run.history.parameters_after(0) if stop.step == 0 else ([], [])
        scenes.append(
            build_scene(
                run.spec,
                view,
                trace=trace,
                phase=stop.phase if stop.phase is not None and stop.step else -1,
                sample=stop.sample,
                selection=stop.select,
                weights=ws,
                biases=bs,
                dataset=run.engine.dataset,
            )
        )
    return scenes


class ScriptOverview(QWidget):
    """A grid of every stop (title and thumbnail) over the lecture view; arrows move, Enter or a
    click jumps, Esc closes."""

    def __init__(self, script: LectureScript) -> None:
        super().__init__(script.view)
        from nnviz.render.renderer import NetworkRenderer

        self.script = script
        self.renderer = NetworkRenderer()
        options = script.view.options.copy(
            zoom=1.0, pan=(0.0, 0.0), show_caption=False, legend_corner=False
        )  # thumbnails: the network and its numbers only
        self.scenes = stop_scenes(script.lesson, options)
        self.cursor = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def columns(self) -> int:
        return max(1, math.ceil(math.sqrt(len(self.scenes))))

    def open_at(self, k: int) -> None:
        self.cursor = k
        self.setGeometry(self.script.view.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def cell(self, k: int) -> QRectF:
        """Where stop ``k``'s thumbnail and title go."""
        cols = self.columns
        rows = max(1, math.ceil(len(self.scenes) / cols))
        w, h = self.width() / cols, self.height() / rows
        return QRectF((k % cols) * w, (k // cols) * h, w, h).adjusted(12, 12, -12, -12)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), QColor("#15171a"))
            font = QFont("DejaVu Sans")
            font.setPixelSize(max(14, int(self.height() / 45)))
            p.setFont(font)
            line = font.pixelSize() * 1.6
            for k, scene in enumerate(self.scenes):
                box = self.cell(k)
                picture = box.adjusted(0, 0, 0, -line)
                self.renderer.paint(p, picture, scene)
                title = f"{k + 1}. {self.script.lesson.stops[k].title}"
                p.setPen(QColor("#ffffff"))
                p.drawText(
                    QRectF(box.left(), box.bottom() - line, box.width(), line),
                    Qt.AlignmentFlag.AlignCenter,
                    title,
                )
                if k == self.cursor:
                    pen = QPen(QColor("#ffb000"))
                    pen.setWidth(6)
                    p.setPen(pen)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRect(box.adjusted(-6, -6, 6, 6))
        finally:
            p.end()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt name)
        return False  # arrows move the cursor; Tab moves no focus

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        key, n, cols = event.key(), len(self.scenes), self.columns
        moves = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Down: cols,
            Qt.Key.Key_Up: -cols,
        }
        if key in moves:
            self.cursor = min(max(self.cursor + moves[key], 0), n - 1)
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.jump(self.cursor)
        elif key in CLOSE_OVERVIEW:
            self.close_overview()
        else:
            event.ignore()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        for k in range(len(self.scenes)):
            if self.cell(k).contains(event.position()):
                self.jump(k)
                return

    def jump(self, k: int) -> None:
        self.close_overview()
        self.script.go_to(k)

    def close_overview(self) -> None:
        self.hide()
        self.script.view.setFocus()


def play_as_lecture(window, lesson: Lesson, index: int = 0) -> LectureScript:
    """Enter lecture mode (if not in it) playing ``lesson`` from stop ``index``."""
    import shiboken6

    view = getattr(window, "lecture", None)
    if view is None or not shiboken6.isValid(view) or not view.isVisible():
        window.toggle_lecture()
        view = window.lecture
    view.script = LectureScript(window, lesson, view)
    view.script.go_to(index)
    return view.script
