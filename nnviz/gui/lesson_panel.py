"""The lesson panel: a lesson file played stop by stop beside the network, with its text, a
question to answer and Back/Next; and the chooser of the shipped lessons.

Each stop puts the window where the lesson wants it (``lesson_stop.apply_stop``: network, step,
phase, sample, selection, numbers, zoom) and frames the parts of the window it talks about
(``highlight.Highlights``). Progress is remembered per lesson file (``lesson_progress``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.errors import NnvizError, printable
from nnviz.core.lesson import Lesson, load_lesson
from nnviz.core.numfmt import fmt
from nnviz.core.predict import check, parse_answer, within
from nnviz.gui.highlight import Highlights
from nnviz.gui.lesson_progress import Progress
from nnviz.gui.lesson_stop import apply_stop, hide_for_question, shows_network
from nnviz.gui.predict_panel import predict_on, reveal

RIGHT_COLOUR, WRONG_COLOUR = "#1a7f37", "#cf222e"


def shipped_lessons_dir() -> Path:
    """The folder of the lessons nnviz ships (``resources/lessons``; it may be missing)."""
    from nnviz.resources_path import resources_dir

    return resources_dir() / "lessons"


class LessonDock(QDockWidget):
    """Plays one lesson in its window: ``open_lesson``, ``go_to``, ``next``, ``back``, ``check``."""

    stop_changed = Signal(int)

    def __init__(self, window) -> None:
        super().__init__("Lesson", window)
        self.setObjectName("lesson")
        self.window_ = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.progress: Progress | None = None
        self._run = None  # a LessonRun computing metric answers (nnviz.core.lesson_answers)
        self.highlights = Highlights(window)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.lesson_title = QLabel()
        self.lesson_title.setWordWrap(True)
        self.stop_title = QLabel()
        self.stop_title.setWordWrap(True)
        f = self.stop_title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.stop_title.setFont(f)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.answer = QLineEdit()
        self.answer.setPlaceholderText("your answer, e.g. 0,25 or −1.3e-4")
        self.answer.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check)
        self.hint_button = QPushButton("Hint")
        self.hint_button.clicked.connect(self.show_hint)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer, 1)
        answer_row.addWidget(self.check_button)
        answer_row.addWidget(self.hint_button)
        self.back_button = QPushButton("◀ Back")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next ▶")
        self.next_button.clicked.connect(self.next)
        self.counter = QLabel()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.counter, 1)
        nav.addWidget(self.next_button)
        self.restart_button = QPushButton("Restart lesson")
        self.restart_button.clicked.connect(self.restart)
        self.lecture_button = QPushButton("Play as lecture")
        self.lecture_button.setToolTip("Lecture mode on this lesson's stops (PgDn: next stop)")
        self.lecture_button.clicked.connect(self.play_as_lecture)
        extra = QHBoxLayout()
        extra.addWidget(self.restart_button)
        extra.addWidget(self.lecture_button)
        for w in (self.lesson_title, self.stop_title):
            lay.addWidget(w)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.question)
        lay.addLayout(answer_row)
        lay.addWidget(self.hint)
        lay.addWidget(self.verdict)
        lay.addLayout(nav)
        lay.addLayout(extra)
        self.setWidget(body)
        self._show()

    # ----- lessons and stops --------------------------------------------------------------------
    @property
    def stop(self):
        return self.lesson.stops[self.index] if self.lesson else None

    def open_lesson(self, path: str | Path, at: int | None = None) -> bool:
        """Read a lesson file and go to its remembered stop (or ``at``); a dialog says why a
        file cannot be used, and the lesson shown before stays."""
        try:
            lesson = load_lesson(path)
        except NnvizError as exc:
            self.window_.show_error("Cannot open lesson", str(exc))
            return False
        progress = Progress(self.window_.settings, lesson.path)
        start = progress.stop if at is None else at
        previous = (self.lesson, self.progress, self.index)
        self.lesson, self.progress = lesson, progress
        if not self.isVisible():  # the text and the question get half the side's height
            predict_on(self.window_)  # its dock opens first, so the sizes below hold
            self._make_room()
            self.show()
            height = max(self.window_.height() // 2, 300)
            self.window_.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self.raise_()
        if not self.go_to(min(max(start, 0), len(lesson.stops) - 1)):
            self.lesson, self.progress, self.index = previous
            self._show()
            return False
        return True

    def _make_room(self) -> None:
        """The Runs dock goes behind the inspector as a tab while a lesson is open, so the
        lesson's text, the inspector and the Predict dock share the side."""
        w = self.window_
        runs, inspector = getattr(w, "runs_dock", None), getattr(w, "inspector", None)
        if runs is None or inspector is None or runs.isFloating() or inspector.isFloating():
            return
        if (
            runs.isVisible()
            and inspector.isVisible()
            and w.dockWidgetArea(runs) == w.dockWidgetArea(inspector)
        ):
            w.tabifyDockWidget(inspector, runs)
            inspector.raise_()

    def go_to(self, k: int) -> bool:
        """Put the window at stop ``k`` (the same stop again puts it back there, should the
        learner have moved); False (nothing changed) when the user cancelled."""
        if self.lesson is None or not 0 <= k < len(self.lesson.stops):
            return False
        stop = self.lesson.stops[k]
        if not apply_stop(self.window_, stop):
            return False
        predict_on(self.window_)  # lessons ask before they show
        hide_for_question(self.window_, stop)
        self.index = k
        if self.progress is not None:
            self.progress.stop = k
        self.highlights.show(stop.highlight)
        self._show()
        self.stop_changed.emit(k)
        return True

    def next(self) -> bool:
        return self.go_to(self.index + 1)

    def back(self) -> bool:
        return self.go_to(self.index - 1)

    def restart(self) -> None:
        """Forget this lesson's progress and go back to its first stop."""
        if self.progress is not None:
            self.progress.restart()
        self.go_to(0)

    def play_as_lecture(self) -> None:
        from nnviz.gui.lecture_script import play_as_lecture

        if self.lesson is not None:
            play_as_lecture(self.window_, self.lesson, self.index)

    # ----- questions ----------------------------------------------------------------------------
    def check(self) -> bool | None:
        """Check the typed answer against the engine's number, to the precision typed (the
        predict mode's checker): True right, False wrong (too large or too small, and the first
        wrong intermediate where a usual slip explains it), None when nothing could be checked
        (the verdict line says why)."""
        stop = self.stop
        if stop is None or not stop.question:
            return None
        typed = self.answer.text()
        try:
            if stop.answer is None:  # a metric of the network after the stop's step
                true = self._metric_answer(stop)
                number = parse_answer(typed).value
                right, diagnosis = within(parse_answer(typed), true), ""
            else:
                s = self.window_.session
                ours = shows_network(self.window_, stop)
                trace = s.history.trace(stop.step) if ours and 0 < stop.step <= s.n_steps else None
                if trace is None:
                    self._verdict(
                        "The window has moved on from this stop's network: go to the stop again.",
                        None,
                    )
                    return None
                v = check(trace, stop.answer, typed, stop.sample)
                true, number, right, diagnosis = v.value, v.typed, v.right, str(v.diagnosis)
        except ValueError as exc:  # not a number (predict.AnswerError), or no such number
            self._verdict(str(exc), None)
            return None
        if right:
            if self.progress is not None:
                self.progress.answered_right(self.index)
            if stop.answer is not None:
                reveal(self.window_.session)  # answered: the phase's numbers are shown
            self._verdict(f"Right: the engine has {fmt(true, 6)}.", True)
        else:
            side = "too large" if number > true else "too small"
            why = f" {diagnosis}" if diagnosis else " Try again, or ask for the hint."
            self._verdict(f"Not quite: {typed.strip()} is {side}.{why}", False)
        return right

    def _metric_answer(self, stop) -> float:
        """A metric question's answer, computed by the engine for the stop (kept per lesson)."""
        if self._run is None or self._run.lesson is not self.lesson:
            from nnviz.core.lesson_answers import LessonRun

            self._run = LessonRun(self.lesson)
        answer = self._run.answer(stop)
        if answer is None:
            raise ValueError("this stop's question has no answer to check against")
        return answer.value

    def show_hint(self) -> None:
        stop = self.stop
        self.hint.setText(f"Hint: {stop.hint}" if stop and stop.hint else "No hint for this one.")
        self.hint.show()

    def _verdict(self, text: str, right: bool | None) -> None:
        colour = {True: RIGHT_COLOUR, False: WRONG_COLOUR}.get(right)  # type: ignore[arg-type]
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self.verdict.setText(text)
        self.verdict.show()

    # ----- showing ------------------------------------------------------------------------------
    def _show(self) -> None:
        lesson, stop = self.lesson, self.stop
        has_q = bool(stop and stop.question)
        for w in (self.question, self.answer, self.check_button, self.hint_button):
            w.setVisible(has_q)
        self.hint_button.setEnabled(bool(stop and stop.hint))
        self.hint.hide()
        self.verdict.hide()
        self.answer.clear()
        for w in (self.restart_button, self.lecture_button):
            w.setEnabled(lesson is not None)
        if lesson is None or stop is None:
            self.lesson_title.setText("No lesson open: Learn → Lessons…")
            self.stop_title.clear()
            self.text.clear()
            self.counter.clear()
            self.back_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        n = len(lesson.stops)
        self.setWindowTitle(f"Lesson — {printable(lesson.title, 60)}")
        self.lesson_title.setText(printable(lesson.title, 120))
        self.stop_title.setText(printable(stop.title, 120))
        self.text.setMarkdown(stop.text)
        self.question.setText(stop.question)
        if has_q and self.progress is not None and self.index in self.progress.right:
            self._verdict("You answered this one right before.", True)
        self.counter.setText(f"stop {self.index + 1} of {n}")
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < n - 1)


class LessonChooser(QDialog):
    """The shipped lessons with their number of stops and the progress in each; Open, Open
    lesson file…, Restart. ``chosen`` is the path picked (None: cancelled)."""

    def __init__(self, parent, settings, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lessons")
        self.settings = settings
        self.chosen: Path | None = None
        self.restart_chosen = False
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Choose a lesson:"))
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _i: self._open())
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.clicked.connect(self._open)
        self.restart_button = buttons.addButton(
            "Restart lesson", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restart_button.clicked.connect(self._restart)
        file_button = buttons.addButton("Open lesson file…", QDialogButtonBox.ButtonRole.ActionRole)
        file_button.clicked.connect(self._file)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.fill(folder if folder is not None else shipped_lessons_dir())
        self.resize(560, 380)

    def fill(self, folder: Path) -> None:
        self.list.clear()
        files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        for path in files:
            try:
                lesson = load_lesson(path)
            except NnvizError as exc:
                item = QListWidgetItem(f"{path.name}: cannot be used ({printable(exc.detail, 80)})")
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(item)
                continue
            n_q = sum(1 for s in lesson.stops if s.question)
            done = Progress(self.settings, path).summary(len(lesson.stops), n_q)
            n = len(lesson.stops)
            item = QListWidgetItem(
                f"{printable(lesson.title, 80)}  ·  {n} stop{'s' if n != 1 else ''}  ·  {done}"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)
        if not files:
            self.list.addItem(QListWidgetItem("No lessons installed: open a lesson file."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole):
                self.list.setCurrentRow(row)
                break

    def _selected(self) -> Path | None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(data) if data else None

    def _open(self) -> None:
        self.chosen = self._selected()
        if self.chosen is not None:
            self.accept()

    def _restart(self) -> None:
        self.chosen = self._selected()
        if self.chosen is not None:
            self.restart_chosen = True
            self.accept()

    def _file(self) -> None:
        path = open_lesson_dialog(self, self.settings)
        if path is not None:
            self.chosen = path
            self.accept()


def open_lesson_dialog(parent, settings) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        "Open lesson file",
        str(settings.value("last_lesson_dir", "")),
        "Lesson files (*.toml);;All files (*)",
    )
    if not path:
        return None
    settings.setValue("last_lesson_dir", str(Path(path).resolve().parent))
    return Path(path)
