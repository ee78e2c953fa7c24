"""The explorer window: canvas, timeline, docks and status bar, put together. What it does is
in small parts: its actions and menus (window_actions.py), the changes that make runs
(window_runs.py) and its files (window_files.py)."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import (
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nnviz import __version__
from nnviz.core.errors import printable
from nnviz.core.numfmt import fmt
from nnviz.gui.canvas import NetworkCanvas
from nnviz.gui.inspector import InspectorDock
from nnviz.gui.screenfit import clamp_to_screen, first_geometry
from nnviz.gui.session import SPEEDS, Session
from nnviz.gui.timeline import Timeline
from nnviz.gui.window_actions import ActionsMixin
from nnviz.gui.window_files import FilesMixin
from nnviz.gui.window_runs import RunControlMixin
from nnviz.render.view import LABEL_CHOICES, ViewState

SHORT_WINDOW = 760  # logical pixels: shorter windows open with the Setup form partly folded


class MainWindow(ActionsMixin, RunControlMixin, FilesMixin, QMainWindow):
    """The main window. Holds one Session; every widget is a view of it."""

    def __init__(self, session: Session, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or QSettings("nnviz", "nnviz")
        self.undo_stack = QUndoStack(self)
        self.view = ViewState()
        self.view.subscribe(self._on_view)
        self.canvas = NetworkCanvas(session, self.view)
        self.canvas.edit_requested.connect(self.edit_value)
        self.canvas.menu_requested.connect(self.show_context_menu)
        self.timeline = Timeline(session)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.inspector = InspectorDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector)
        self.inspector.mistake_chosen.connect(self.set_mistake)
        self.inspector.glossary_requested.connect(self.show_glossary)
        self.glossary = None
        from nnviz.gui.runs_panel import RunsDock

        self.runs_dock = RunsDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.runs_dock)
        from nnviz.gui.plots import make_docks
        from nnviz.gui.setup_panel import SetupDock

        self.setup = SetupDock(session, self)
        self.setup.apply_requested.connect(self.apply_spec)
        self.setup.error.connect(lambda text: self.show_error("Setup", text))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.setup)
        # the Setup form takes the window's whole height; the bottom docks sit beside it
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.docks = make_docks(session, self)
        for dock in self.docks:
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        for dock in self.docks[1:]:
            self.tabifyDockWidget(self.docks[0], dock)
        self.docks[0].raise_()
        self.resizeDocks([self.docks[0]], [260], Qt.Orientation.Vertical)
        self.status = QLabel()
        self.statusBar().addPermanentWidget(self.status)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        session.changed.connect(self._refresh)
        session.network_changed.connect(self._network_changed)
        session.opened.connect(self.undo_stack.clear)
        session.playing_changed.connect(self._playing_changed)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        session.diverged.connect(self._diverged)
        from PySide6.QtCore import QTimer

        from nnviz.gui.autosave import AUTOSAVE_INTERVAL_MS

        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start(AUTOSAVE_INTERVAL_MS)
        from nnviz.gui.predict_panel import install as install_predict

        self.predict = install_predict(self)
        self._restore_settings()
        self._network_changed()
        self._refresh()

    # ----- slots --------------------------------------------------------------------------------
    def _refresh(self) -> None:
        s = self.session
        tr = s.trace()
        loss = f" · loss {fmt(tr.loss, 4)}" if tr is not None and s.loss_known() else ""
        self.status.setText(
            f"{s.engine.device.type.upper()} · {s.engine.dtype_name} · "
            f"{'-'.join(map(str, s.spec.layers))} · phase {s.phase_name()}{loss}"
        )
        self.act_prev_phase.setEnabled(s.step > 0)
        self.act_prev_step.setEnabled(s.step > 0)

    def _network_changed(self) -> None:
        s = self.session
        title = s.spec.name or (Path(s.source).stem if s.source else "network")
        self.setWindowTitle(f"{printable(title)} — nnviz")  # a name from a file: escaped

    def _playing_changed(self, playing: bool) -> None:
        self.act_play.setChecked(playing)
        self.act_play.setText("Pause" if playing else "Play")

    def _diverged(self, step: int) -> None:
        self.statusBar().showMessage(
            f"Training diverged at step {step} (NaN or Inf): step back to step {step - 1}, "
            "lower the learning rate and Apply to continue from there."
        )

    def _speed_changed(self, text: str) -> None:
        if self.session.playing:
            self.session.play(SPEEDS[text])

    def _labels_changed(self, text: str) -> None:
        self.view.label_mode = LABEL_CHOICES[text]
        self.settings.setValue("labels", text)

    def _digits_changed(self, value: int) -> None:
        self.view.digits = value

    def _toggle_dark(self, dark: bool) -> None:
        self.set_theme("dark" if dark else "light")

    def set_theme(self, name: str) -> None:
        """The window's theme: light or dark (a projection theme maps to its window twin)."""
        self.view.theme = "dark" if "dark" in name else "light"
        self._on_view("theme", self.view.theme)  # also when unchanged: palette and docks follow

    def _on_view(self, name: str, value: object) -> None:
        """Keep the widgets that show a view choice in step with the view state."""
        if name == "label_mode":
            text = {v: k for k, v in LABEL_CHOICES.items()}[str(value)]
            if self.labels.currentText() != text:
                self.labels.setCurrentText(text)
            self.label_actions[text].setChecked(True)
        elif name == "digits":
            if self.digits.value() != value:
                self.digits.setValue(int(value))  # type: ignore[call-overload]
            self.inspector.digits = max(int(value), 2)  # type: ignore[call-overload]
            self.inspector.refresh()
        elif name == "mistake":
            self.inspector.set_mistake(str(value))
            self.mistake_actions[str(value)].setChecked(True)
        elif name == "theme":
            from nnviz.gui.style import apply_palette

            dark = value == "dark"
            self.act_dark.setChecked(dark)
            apply_palette(str(value))
            for dock in getattr(self, "docks", []):
                dock.set_dark(dark)
            self.settings.setValue("theme", value)

    def toggle_lecture(self) -> None:
        """Enter lecture mode full screen on this window's screen, or leave it."""
        from nnviz.gui.lecture import LectureView

        view = getattr(self, "lecture", None)
        if view is not None and shiboken6.isValid(view) and view.isVisible():
            view.leave()
            return
        self.session.pause()
        self.lecture = LectureView(self.session, self.settings, view=self.view)
        self.lecture.closed.connect(self._lecture_closed)
        screen = self.screen()
        if screen is not None:
            self.lecture.setGeometry(screen.geometry())
        self.lecture.showFullScreen()
        self.lecture.activateWindow()
        self.lecture.setFocus()

    def _lecture_closed(self) -> None:
        self.lecture = None  # the view deletes itself; keep no wrapper of it
        self.activateWindow()

    # ----- classic mistakes and the glossary ----------------------------------------------------
    def set_mistake(self, key: str) -> None:
        """Show classic mistake ``key`` beside the right numbers ("" for none)."""
        self.view.mistake = key

    def show_glossary(self, key: str = ""):
        """Help → Glossary, at the entry ``key`` when given."""
        from nnviz.gui.glossary import GlossaryDialog

        if self.glossary is None:
            self.glossary = GlossaryDialog(self, "dark" if "dark" in self.view.theme else "light")
        self.glossary.show()
        if key:
            self.glossary.show_entry(key)
        return self.glossary

    # ----- help and settings ------------------------------------------------------------------
    def show_keys(self) -> None:
        QMessageBox.information(self, "Keys", KEYS_HELP)

    def about(self) -> None:
        import torch
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        QMessageBox.about(
            self,
            "About nnviz",
            f"<b>nnviz {__version__}</b><br>A visual backpropagation explorer.<br><br>"
            f"PyTorch {torch.__version__}<br>Qt {qVersion()} (PySide6 {pyside_version})<br>"
            f"Device in use: {self.session.engine.device}",
        )

    def _restore_settings(self) -> None:
        self.default_state = self.saveState()  # the docks as built: what Reset layout restores
        geometry = self.settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.setGeometry(first_geometry(self.screen()))
        else:  # saved on another screen or at another scale: keep it on this one
            clamp_to_screen(self)
        if self.height() < SHORT_WINDOW:  # a laptop screen: the Training section folded away
            self.setup.sections[-1].set_expanded(False)
        state = self.settings.value("window_state")
        if state is not None:
            self.restoreState(state)
        self.set_theme(str(self.settings.value("theme", "light")))
        labels = str(self.settings.value("labels", "Activation a"))
        if labels in LABEL_CHOICES:
            self.labels.setCurrentText(labels)
        self.label_actions[self.labels.currentText()].setChecked(True)

    def reset_layout(self) -> None:
        """Every dock back where it was first put and shown, the window on its screen."""
        self.restoreState(self.default_state)
        for dock in [self.inspector, self.runs_dock, self.setup, *self.docks]:
            dock.setFloating(False)
            dock.show()
        self.docks[0].raise_()
        clamp_to_screen(self)

    def closeEvent(self, event) -> None:  # noqa: N802
        from nnviz.gui.autosave import clear_autosave

        if not self.keep_work("quit"):
            event.ignore()
            return
        self.autosave_timer.stop()
        clear_autosave()  # saved, discarded or nothing to lose: nothing to restore next time
        self.session.pause()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        super().closeEvent(event)


KEYS_HELP = """Next phase: → Space PgDn J
Previous phase: ← PgUp K
First / last phase of the step: Home / End
Next / previous step: Shift+→ ↓ / Shift+← ↑
Next epoch: Ctrl+→
Play / pause: P or Ctrl+Space
Reset to the initial weights: Ctrl+R
Edit the selected weight or bias: F2 or double-click; undo Ctrl+Z
Zoom: wheel, Ctrl++ / Ctrl+-; fit: Ctrl+0; pan: drag the background
Export the view: Ctrl+E; copy it: Ctrl+C
Predict, then reveal (View menu): R reveals the phase"""
