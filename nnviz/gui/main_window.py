"""The explorer window: canvas, toolbar, timeline, inspector, menus and status bar."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from nnviz import __version__
from nnviz.core.errors import NnvizError, printable
from nnviz.core.netfile import load, preset_names
from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS, fmt
from nnviz.gui.canvas import NetworkCanvas, ask_value
from nnviz.gui.inspector import InspectorDock
from nnviz.gui.run_commands import make_run
from nnviz.gui.session import SPEEDS, Selection, Session
from nnviz.gui.timeline import Timeline
from nnviz.render.view import LABEL_CHOICES, ViewState

MAX_RECENT = 8


class MainWindow(QMainWindow):
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
        from nnviz.gui.runs_panel import RunsDock

        self.runs_dock = RunsDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.runs_dock)
        from nnviz.gui.plots import make_docks
        from nnviz.gui.setup_panel import SetupDock

        self.setup = SetupDock(session, self)
        self.setup.apply_requested.connect(self.apply_spec)
        self.setup.error.connect(lambda text: self.show_error("Setup", text))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.setup)
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
        self._restore_settings()
        self._network_changed()
        self._refresh()

    # ----- actions ----------------------------------------------------------------------------
    def _action(self, text: str, slot, keys=(), tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if keys:
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = QKeySequence(keys[0]).toString() if keys else ""
        act.setToolTip(f"{tip or text} ({shown})" if shown else (tip or text))
        act.setStatusTip(tip or text)
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        s = self.session
        self.act_next_phase = self._action(
            "Next phase",
            s.next_phase,
            ("Right", "Space", "PgDown", "J"),
            "Show the next phase of the step",
        )
        self.act_prev_phase = self._action(
            "Previous phase", s.prev_phase, ("Left", "PgUp", "K"), "Show the previous phase"
        )
        self.act_next_step = self._action(
            "Next step", s.next_step, ("Shift+Right", "Down"), "Train on the next batch"
        )
        self.act_prev_step = self._action(
            "Previous step", s.prev_step, ("Shift+Left", "Up"), "Go back one step"
        )
        self.act_first_phase = self._action("First phase", s.first_phase, ("Home",))
        self.act_last_phase = self._action("Last phase", s.last_phase, ("End",))
        self.act_next_epoch = self._action(
            "Next epoch", s.next_epoch, ("Ctrl+Right",), "Train to the end of the epoch"
        )
        self.act_play = self._action(
            "Play",
            self.toggle_play,
            ("P", "Ctrl+Space"),
            "Train continuously / pause",
            checkable=True,
        )
        self.act_reset = self._action(
            "Reset", self.reset, ("Ctrl+R",), "Back to the initial weights (clears the history)"
        )
        self.act_open = self._action(
            "Open…",
            self.open_dialog,
            (QKeySequence.StandardKey.Open,),
            "Open a network file or a saved session",
        )
        self.act_save_session = self._action(
            "Save session",
            self.save_session,
            (QKeySequence.StandardKey.Save,),
            "Save the network, the run and the position, to reopen exactly here",
        )
        self.act_save_session_as = self._action(
            "Save session as…", self.save_session_dialog, ("Ctrl+Shift+S",)
        )
        self.act_save_with_data = self._action(
            "Save session with its data…",
            lambda: self.save_session_dialog(embed=True),
            (),
            "A session file that holds its CSV data too, to send to a classmate",
        )
        self.act_save = self._action("Save network as…", self.save_network_dialog)
        self.act_export = self._action(
            "Export view as image…", self.export_image_dialog, ("Ctrl+E",)
        )
        self.act_export_trace = self._action(
            "Export trace…",
            self.export_trace_dialog,
            ("Ctrl+Shift+E",),
            "Export phases as PNG, SVG, a PDF handout or a GIF",
        )
        self.act_copy = self._action("Copy view", self.copy_image, (QKeySequence.StandardKey.Copy,))
        self.act_quit = self._action("Quit", self.close, (QKeySequence.StandardKey.Quit,))
        self.act_undo = self.undo_stack.createUndoAction(self, "Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "Redo")
        self.act_redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_edit = self._action("Edit selected value…", self._edit_selected, ("F2",))
        self.act_fit = self._action("Fit to window", self.canvas.fit, ("Ctrl+0",))
        self.act_zoom_in = self._action(
            "Zoom in", lambda: self.canvas.zoom_by(1.25), ("Ctrl++", "Ctrl+=")
        )
        self.act_zoom_out = self._action("Zoom out", lambda: self.canvas.zoom_by(0.8), ("Ctrl+-",))
        self.act_dark = self._action(
            "Dark theme", self._toggle_dark, ("Ctrl+Shift+D",), checkable=True
        )
        self.act_lecture = self._action(
            "Lecture mode",
            self.toggle_lecture,
            ("F5",),
            "Full screen, projection theme, slide-deck keys (Esc leaves)",
        )
        self.act_about = self._action("About nnviz", self.about)
        self.act_keys = self._action("Keys", self.show_keys, ("F1",))

    def _build_toolbar(self) -> None:
        bar = QToolBar("Stepping")
        bar.setObjectName("stepping")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (
            self.act_reset,
            self.act_prev_step,
            self.act_prev_phase,
            self.act_play,
            self.act_next_phase,
            self.act_next_step,
            self.act_next_epoch,
        ):
            bar.addAction(act)
        bar.addSeparator()
        self.speed = QComboBox()
        self.speed.addItems(list(SPEEDS))
        self.speed.setCurrentText("as fast as possible")
        self.speed.setToolTip("Play speed")
        self.speed.currentTextChanged.connect(self._speed_changed)
        bar.addWidget(QLabel(" Speed "))
        bar.addWidget(self.speed)
        bar.addSeparator()
        self.labels = QComboBox()
        self.labels.addItems(list(LABEL_CHOICES))
        self.labels.setCurrentText("Activation a")
        self.labels.setToolTip("Which number each neuron shows")
        self.labels.currentTextChanged.connect(self._labels_changed)
        bar.addWidget(QLabel(" Numbers "))
        bar.addWidget(self.labels)
        self.digits = QSpinBox()
        self.digits.setRange(MIN_DIGITS, MAX_DIGITS)
        self.digits.setValue(self.view.digits)
        self.digits.setToolTip("Significant figures of the numbers shown")
        self.digits.valueChanged.connect(self._digits_changed)
        bar.addWidget(QLabel(" Digits "))
        bar.addWidget(self.digits)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        file.addAction(self.act_open)
        self.presets_menu = file.addMenu("Open preset")
        for name in preset_names():
            self.presets_menu.addAction(name, lambda n=name: self.open_network(n))
        self.recent_menu = file.addMenu("Open recent")
        file.addAction(self.act_save_session)
        file.addAction(self.act_save_session_as)
        file.addAction(self.act_save_with_data)
        file.addAction(self.act_save)
        file.addSeparator()
        file.addAction(self.act_export_trace)
        file.addAction(self.act_export)
        file.addAction(self.act_copy)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = mb.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addAction(self.act_edit)
        view = mb.addMenu("&View")
        numbers = view.addMenu("Numbers")
        group = QActionGroup(self)
        self.label_actions = {}
        for text in LABEL_CHOICES:
            act = numbers.addAction(text)
            act.setCheckable(True)
            act.setActionGroup(group)
            act.triggered.connect(lambda _c=False, t=text: self.labels.setCurrentText(t))
            self.label_actions[text] = act
        view.addAction(self.act_dark)
        view.addAction(self.act_lecture)
        view.addSeparator()
        view.addAction(self.act_fit)
        view.addAction(self.act_zoom_in)
        view.addAction(self.act_zoom_out)
        view.addSeparator()
        view.addAction(self.inspector.toggleViewAction())
        view.addAction(self.runs_dock.toggleViewAction())
        view.addAction(self.setup.toggleViewAction())
        for dock in self.docks:
            view.addAction(dock.toggleViewAction())
        run = mb.addMenu("&Run")
        for act in (
            self.act_next_phase,
            self.act_prev_phase,
            self.act_first_phase,
            self.act_last_phase,
            self.act_next_step,
            self.act_prev_step,
            self.act_next_epoch,
            self.act_play,
            self.act_reset,
        ):
            run.addAction(act)
        run.addSeparator()
        run.addAction("Race…", self.race_dialog)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.act_keys)
        help_menu.addAction(self.act_about)
        self._rebuild_recent()

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

    def toggle_play(self) -> None:
        self.session.toggle_play(SPEEDS[self.speed.currentText()])

    def reset(self) -> None:
        """A new run from the initial weights (the runs so far stay; undo goes back)."""
        s = self.session
        make_run(self.undo_stack, s, "Restart from the initial weights", s.reset)

    def ask_race(self) -> str | None:
        """Which comparison to race ("optimizers", "rates", "activations"), or None. Tests
        patch this one call."""
        from PySide6.QtWidgets import QInputDialog

        texts = {
            "SGD, momentum and Adam": "optimizers",
            "three learning rates (η/10, η, 10η)": "rates",
            "hidden activations: sigmoid, tanh, ReLU": "activations",
        }
        text, ok = QInputDialog.getItem(
            self,
            "Race",
            "Train from the same initial weights, side by side:",
            list(texts),
            0,
            False,
        )
        return texts[text] if ok else None

    def race_dialog(self) -> None:
        compare = self.ask_race()
        if compare is not None:
            self.start_race(compare)

    def start_race(self, compare: str):
        """Lanes made from the shown run's settings, each from the first run's initial weights,
        trained together in a race window; they are runs of the session like any other."""
        from nnviz.core.race import start_race, variants
        from nnviz.gui.race_view import RaceWindow

        s = self.session
        s.pause()
        try:
            runs = start_race(s.runs, variants(s.spec, compare))
        except NnvizError as exc:
            self.show_error("Cannot start a race", str(exc))
            return None
        s.dirty = True
        for run in runs:
            s.set_compared(run, True)
        s.runs_changed.emit()
        self.race_window = RaceWindow(s, runs, self.view.theme)
        self.race_window.resize(1400, 860)
        self.race_window.show()
        return self.race_window

    def ask_unsaved(self, doing: str) -> str:
        """Save, Discard or Cancel before ``doing`` ("open another network", "quit") loses
        unsaved runs: "save", "discard" or "cancel". Tests patch this one call."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved runs")
        runs = len(self.session.runs.runs)
        steps = sum(r.n_steps for r in self.session.runs.runs.values())
        box.setText(f"Save the session before you {doing}?")
        box.setInformativeText(
            f"{runs} run{'s' if runs != 1 else ''} with {steps:,} steps have not been saved."
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def keep_work(self, doing: str) -> bool:
        """Whether ``doing`` may go on: nothing unsaved, or saved, or the user chose Discard
        (then the autosave goes too); False when the user cancelled or the save failed."""
        if not self.session.dirty:
            return True
        answer = self.ask_unsaved(doing)
        if answer == "save":
            self.save_session()
            return not self.session.dirty
        if answer == "discard":
            from nnviz.gui.autosave import clear_autosave

            clear_autosave()
            return True
        return False

    def show_error(self, title: str, text: str) -> None:
        """Tell the user something went wrong. Tests patch this one call."""
        QMessageBox.warning(self, title, text)

    # ----- editing ----------------------------------------------------------------------------
    def _edit_selected(self) -> None:
        sel = self.session.selection
        if sel is not None and (sel.kind == "edge" or sel.layer > 0):
            self.edit_value(sel)

    def edit_value(self, sel: Selection) -> None:
        if sel.kind == "edge":
            current = self.session.parameter_before(sel.layer, sel.row, sel.col)
            label = f"Weight from neuron {sel.col + 1} (layer {sel.layer}) to neuron {sel.row + 1}:"
        else:
            current = self.session.parameter_before(sel.layer - 1, sel.row, None)
            label = f"Bias of neuron {sel.row + 1} in layer {sel.layer}:"
        value = ask_value(self, "Edit value", label, current)
        if value is None or value == current:
            return
        self.set_value(sel, value)

    def set_value(self, sel: Selection, value: float) -> None:
        """Type ``value`` into a weight or bias going into the shown step: a run branches off
        there (undo shows the run before, with every step it had)."""
        layer = sel.layer if sel.kind == "edge" else sel.layer - 1
        what = "weight" if sel.kind == "edge" else "bias"
        make_run(
            self.undo_stack,
            self.session,
            f"Set {what} to {value:g}",
            lambda: self.session.set_parameter(layer, sel.row, sel.col, value),
        )

    # ----- structure ------------------------------------------------------------------------
    def structure_actions(self, sel: Selection | None) -> list[tuple[str, object]]:
        """The context menu's entries for a neuron: (text, function of (spec, params) → spec)."""
        from nnviz.core import restructure as rs
        from nnviz.core.activations import ACTIVATIONS

        if sel is None or sel.kind != "neuron":
            return []
        n_layers = len(self.session.spec.layers) - 1
        li, i = sel.layer, sel.row
        out: list[tuple[str, object]] = []
        if 1 <= li < n_layers:
            out.append((f"Add a neuron to layer {li}", lambda sp, pa: rs.add_neuron(sp, pa, li)))
            out.append(("Remove this neuron", lambda sp, pa: rs.remove_neuron(sp, pa, li, i)))
        if li < n_layers:
            out.append((f"Add a layer after layer {li}", lambda sp, pa: rs.add_layer(sp, pa, li)))
        if 1 <= li < n_layers:
            out.append((f"Remove layer {li}", lambda sp, pa: rs.remove_layer(sp, pa, li)))
        if li >= 1:
            for name in ACTIVATIONS:
                if name == self.session.spec.activations[li - 1]:
                    continue
                if name == "softmax" and li != n_layers:
                    continue
                out.append(
                    (
                        f"Activation ▸ {name}",
                        lambda sp, pa, n=name: rs.set_activation(sp, pa, li, n),
                    )
                )
        return out

    def show_context_menu(self, sel: Selection | None, global_pos) -> None:
        from PySide6.QtWidgets import QMenu

        entries = self.structure_actions(sel)
        if not entries:
            return
        menu = QMenu(self)
        sub = None
        for text, fn in entries:
            if text.startswith("Activation ▸ "):
                if sub is None:
                    menu.addSeparator()
                    sub = menu.addMenu(f"Activation of layer {sel.layer}")
                sub.addAction(text.split("▸ ")[1], lambda f=fn: self.restructure(f))
            else:
                menu.addAction(text, lambda f=fn: self.restructure(f))
        menu.popup(global_pos)

    def apply_spec(self, spec, restart: bool = False) -> bool:
        """Settings from the setup panel: a new run from the step shown (or, ``restart``, from
        the initial weights); the run shown keeps every step, and undo goes back to it. A
        data file chosen in the panel is the user's own choice, wherever it lies."""
        s = self.session
        text = "Restart with new settings" if restart else "Change settings"
        if spec.data != s.spec.data:
            s.runs.allow_outside_data = True
        try:
            make_run(self.undo_stack, s, text, lambda: s.apply_settings(spec, restart=restart))
        except NnvizError as exc:
            self.show_error("Cannot apply", str(exc))
            return False
        return True

    def restructure(self, change, text: str = "Change the network") -> bool:
        """A change of shape or activation, made to the weights shown now: a new run (the run
        shown keeps every step; undo goes back to it). A network beyond the memory budget is
        refused with a dialog."""
        s = self.session
        try:
            spec = change(s.spec, s.parameters())
            make_run(self.undo_stack, s, text, lambda: s.apply_settings(spec))
        except NnvizError as exc:
            self.show_error("Cannot change the network", str(exc))
            return False
        return True

    # ----- files ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open network or session",
            str(self.settings.value("last_dir", "")),
            "nnviz files (*.json *.nnviz);;All files (*)",
        )
        if path:
            self.open_network(path)

    def open_network(self, name_or_path: str, allow_outside_data: bool = False) -> bool:
        """Open a network file, a session file or a preset; on bad input show a dialog and keep
        the current session untouched. A data file outside the network file's folder is read
        only after the user agrees; a session replays in the background with progress."""
        from nnviz.core.errors import OutsideDataError
        from nnviz.core.netfile import in_file

        try:
            try:
                opened = self._open(name_or_path, allow_outside_data)
            except OutsideDataError as exc:
                if allow_outside_data or not self.confirm_outside_data(exc.path):
                    raise
                opened = self._open(name_or_path, True)
            if not opened:
                return False
        except NnvizError as exc:
            self.show_error("Cannot open", str(in_file(exc, name_or_path)))
            return False
        if Path(name_or_path).suffix in (".json", ".nnviz"):
            self._add_recent(str(Path(name_or_path).resolve()))
            self.settings.setValue("last_dir", str(Path(name_or_path).resolve().parent))
        self.settings.setValue("last_file", name_or_path)
        return True

    def _open(self, name_or_path: str, allow_outside: bool) -> bool:
        """Open a file (False: the user kept the unsaved runs instead)."""
        from nnviz.core import session_file
        from nnviz.core.netfile import read_json, resolve
        from nnviz.core.runs import RunTree

        path = resolve(name_or_path)
        doc = read_json(path)
        data = spec = base = None
        if session_file.is_session(doc):
            data = session_file.from_json(doc, where=path.name)
        else:
            spec, base = load(name_or_path)
            tree = RunTree(spec, base, allow_outside)  # data and size checked before any question
        if not self.keep_work("open another network"):  # asked once the file is good
            return False
        if data is not None:
            self.session.open_session(
                data, path.resolve().parent, str(path), allow_outside, background=True
            )
            self.session_path = path
            self._apply_view(data.view)
            self._show_replay_progress()
        else:
            self.session.load(spec, base, name_or_path, allow_outside, tree=tree)
            self.session_path = None
        return True

    def confirm_outside_data(self, path: str) -> bool:
        """Ask before a network file reads a data file outside its folder (tests patch this)."""
        from nnviz.core.errors import printable

        answer = QMessageBox.question(
            self,
            "Data file outside the network's folder",
            f"This network file reads its data from\n\n{printable(path, 200, keep_end=True)}\n\n"
            "which is outside the network file's own folder. Read it only if you trust where "
            "the network file came from. Read it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_replay_progress(self) -> None:
        """A progress dialog with Cancel while a session replays in the background."""
        from PySide6.QtWidgets import QProgressDialog

        s = self.session
        if not s.replaying:
            return
        total = s._replay.replay.total
        scale = max(1, -(-total // 1_000_000))  # QProgressDialog counts in int
        progress = QProgressDialog("Replaying the session…", "Cancel", 0, total // scale, self)
        progress.setWindowTitle("Open session")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        progress.canceled.connect(s.cancel_replay)

        def update(done: int, _total: int) -> None:
            progress.setLabelText(f"Replaying the session: step {done:,} of {total:,}")
            progress.setValue(done // scale)

        def finished(_complete: bool) -> None:
            s.replay_progress.disconnect(update)
            s.replay_finished.disconnect(finished)
            progress.canceled.disconnect(s.cancel_replay)
            progress.reset()
            progress.deleteLater()
            self.replay_dialog = None

        s.replay_progress.connect(update)
        s.replay_finished.connect(finished)
        self.replay_dialog = progress

    def save_session(self) -> None:
        if getattr(self, "session_path", None) is None:
            self.save_session_dialog()
        else:
            self.save_session_to(self.session_path)

    def save_session_dialog(self, embed: bool | None = None) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save session as",
            str(self.settings.value("last_dir", "")),
            "nnviz sessions (*.nnviz)",
        )
        if path:
            path = Path(path)
            self.save_session_to(path if path.suffix else path.with_suffix(".nnviz"), embed)

    def save_session_to(self, path: Path, embed: bool | None = None) -> bool:
        """Write the session atomically; a failure leaves any earlier file as it was. CSV data
        outside the session's folder (or all, with ``embed``) goes into the file."""
        from nnviz.core import session_file

        try:
            data = self.session.to_session_data(self._view_state(), Path(path).parent, embed)
            session_file.save(data, path)
        except (OSError, NnvizError) as exc:
            self.show_error("Cannot save", _write_failure(path, exc))
            return False
        self.session_path = path
        self.session.dirty = False
        self._add_recent(str(path.resolve()))
        self.statusBar().showMessage(f"Saved session {printable(path, 120, keep_end=True)}", 5000)
        return True

    def _view_state(self) -> dict:
        return self.view.to_dict()

    def _apply_view(self, view: dict) -> None:
        self.view.apply_dict(view)
        self.set_theme(self.view.theme)

    def save_network_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save network as",
            str(self.settings.value("last_dir", "")),
            "Network files (*.json)",
        )
        if path:
            self.save_network(Path(path))

    def save_network(self, path: Path) -> None:
        """Save the network with the weights shown now, keeping its data and settings."""
        from nnviz.core.csv_data import rebase_data
        from nnviz.core.netfile import save

        s = self.session
        ws, bs = s.parameters()
        try:
            spec = s.spec.with_changes(
                weights=tuple(ws),
                biases=tuple(bs),
                data=rebase_data(s.spec.data, s.base_dir, path.parent),
            )
            save(spec, path)
        except (OSError, NnvizError) as exc:
            self.show_error("Cannot save", _write_failure(path, exc))
            return
        self._add_recent(str(path.resolve()))
        self.statusBar().showMessage(f"Saved {printable(path, 120, keep_end=True)}", 5000)

    def _add_recent(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        self.settings.setValue("recent", [path, *recent][:MAX_RECENT])
        self._rebuild_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self.recent_menu.addAction(
                printable(path, 120, keep_end=True), lambda p=path: self.open_network(p)
            )
        self.recent_menu.setEnabled(bool(self._recent()))

    def export_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export view", "nnviz.png", "PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"
        )
        if path:
            self.export_image(Path(path))

    def export_image(self, path: Path, width: int = 1920, height: int = 1080) -> None:
        """Export the current view (same renderer, any size) as PNG, SVG or PDF."""
        from nnviz.render.export import save_pdf, save_png, save_svg

        scene = self.canvas.scene()
        suffix = path.suffix.lower()
        try:
            if suffix == ".svg":
                save_svg(scene, path, width, height)
            elif suffix == ".pdf":
                save_pdf([scene], path, width, height)
            else:
                path = path.with_suffix(".png") if suffix != ".png" else path
                save_png(scene, path, width, height)
        except (OSError, NnvizError) as exc:
            self.show_error("Cannot export", _write_failure(path, exc))
            return
        self.statusBar().showMessage(f"Exported {printable(path, 120, keep_end=True)}", 5000)

    def export_trace_dialog(self) -> None:
        from nnviz.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self.session, self, view=self.view)
        if dialog.exec():
            try:
                choices = dialog.choices()
            except NnvizError as exc:
                self.show_error("Cannot export", str(exc))
                return
            self.start_export(choices)

    def start_export(self, choices) -> None:
        """Run an export in timer slices with a progress dialog and Cancel."""
        from PySide6.QtWidgets import QProgressDialog

        from nnviz.gui.export_dialog import ExportJob

        self.session.pause()
        try:
            job = ExportJob(self.session, choices)
        except NnvizError as exc:  # beyond the memory budget: nothing traced, nothing written
            self.show_error("Cannot export", str(exc))
            return
        progress = QProgressDialog("Exporting…", "Cancel", 0, job.job.total, self)
        progress.setWindowTitle("Export trace")
        progress.setMinimumDuration(300)
        progress.canceled.connect(job.cancel)
        job.progress.connect(lambda done, total: progress.setValue(done))

        def finished(ok: bool, message: str) -> None:
            progress.reset()
            self.statusBar().showMessage(message, 10000)
            if not ok and not message.startswith("Export cancelled"):
                self.show_error("Export failed", message)  # a full or read-only disk

        job.finished.connect(finished)
        self.export_job = job
        job.start()

    def copy_image(self) -> None:
        from nnviz.render.export import render_image

        QGuiApplication.clipboard().setImage(render_image(self.canvas.scene(), 1920, 1080))
        self.statusBar().showMessage("View copied to the clipboard", 3000)

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
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        state = self.settings.value("window_state")
        if state is not None:
            self.restoreState(state)
        self.set_theme(str(self.settings.value("theme", "light")))
        labels = str(self.settings.value("labels", "Activation a"))
        if labels in LABEL_CHOICES:
            self.labels.setCurrentText(labels)
        self.label_actions[self.labels.currentText()].setChecked(True)

    def autosave_now(self) -> bool:
        """Save the session to the app-data folder (nothing when there is nothing to lose)."""
        from nnviz.core import session_file
        from nnviz.gui.autosave import autosave_path

        if not self.session.dirty or self.session.replaying:
            return False
        path = autosave_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = self.session.to_session_data(self._view_state(), embed=True)  # anywhere
            session_file.save(data, path)
        except (OSError, NnvizError) as exc:
            self.statusBar().showMessage(f"Autosave failed: {_write_failure(path, exc)}", 10000)
            return False
        return True

    def offer_restore(self, path: Path) -> bool:
        """Ask whether to restore an autosaved session. Tests patch this one call."""
        answer = QMessageBox.question(
            self,
            "Restore session",
            "nnviz did not close normally last time. Restore the autosaved session?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_autosave(self) -> bool:
        """Offer the autosave a crashed run left behind; True if it was restored."""
        from nnviz.gui.autosave import clear_autosave, pending_autosave

        path = pending_autosave()
        if path is None:
            return False
        # the autosave is nnviz's own file in the app-data folder: its data path is absolute
        restored = self.offer_restore(path) and self.open_network(str(path), True)
        if restored:
            self.session_path = None  # saving asks for a real file name
            self.session.dirty = True  # not saved anywhere of the user's yet
        else:
            clear_autosave()
        return restored

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
Export the view: Ctrl+E; copy it: Ctrl+C"""


def _write_failure(path: Path, exc: Exception) -> str:
    """One line saying why ``path`` could not be written (the error names it already, or not)."""
    if isinstance(exc, NnvizError):
        return str(exc)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{path}: {reason}"
