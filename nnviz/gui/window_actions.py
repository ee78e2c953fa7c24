"""The main window's actions, toolbar and menus, built once from the window's methods."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSpinBox,
    QToolBar,
)

from nnviz.core.netfile import preset_names
from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS
from nnviz.gui.keymap import WINDOW_LECTURE_KEYS
from nnviz.gui.mistake_controls import mistake_menu
from nnviz.gui.session import SPEEDS
from nnviz.render.view import LABEL_CHOICES


class ActionsMixin:
    """Part of MainWindow: its QActions (with keys and tips), the toolbar and the menus."""

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
            WINDOW_LECTURE_KEYS,  # F5, and Shift+F5: what some presentation clickers send
            "Full screen, projection theme, slide-deck keys (Esc leaves)",
        )
        self.act_reset_layout = self._action(
            "Reset layout",
            self.reset_layout,
            (),
            "Every dock shown again, where it was first put, and the window on its screen",
        )
        self.act_about = self._action("About nnviz", self.about)
        self.act_keys = self._action("Keys", self.show_keys, ("F1",))
        self.act_glossary = self._action(
            "Glossary", lambda: self.show_glossary(), (), "Every symbol nnviz shows, explained"
        )

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
        self.mistake_actions = mistake_menu(view, self.set_mistake)
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
        view.addSeparator()
        view.addAction(self.act_reset_layout)
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
        help_menu.addAction(self.act_glossary)
        help_menu.addAction(self.act_about)
        from nnviz.gui import learn_menu

        learn_menu.install(self, mb, help_menu)  # Learn menu; Help → Welcome…, Tour
        self._rebuild_recent()
