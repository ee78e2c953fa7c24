"""The main window's files: opening networks and sessions (with the replay's progress), saving,
recent files, exporting images and traces, the autosave and its restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QMessageBox,
)

from nnviz.core.errors import NnvizError, printable
from nnviz.core.netfile import load

MAX_RECENT = 8


class FilesMixin:
    """Part of MainWindow: everything that reads or writes a file."""

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
            if choices is not None:  # None: an existing HTML file the user keeps
                self.start_export(choices)

    def start_export(self, choices) -> None:
        """Run an export on a worker thread with a progress dialog and Cancel."""
        from PySide6.QtWidgets import QProgressDialog

        from nnviz.gui.export_dialog import ExportJob

        self.session.pause()
        try:
            job = ExportJob(self.session, choices)
        except NnvizError as exc:  # beyond the memory budget: nothing traced, nothing written
            self.show_error("Cannot export", str(exc))
            return
        progress = QProgressDialog("Exporting…", "Cancel", 0, job.total, self)
        progress.setWindowTitle("Export trace")
        progress.setMinimumDuration(300)
        progress.canceled.connect(job.cancel)
        job.progress.connect(lambda done, total: progress.setValue(done))

        def finished(ok: bool, message: str) -> None:
            progress.reset()
            self.statusBar().showMessage(message, 10000)
            if not ok and not job.cancelled:
                self.show_error("Export failed", message)  # a full or read-only disk

        job.finished.connect(finished)
        self.export_job = job
        job.start()

    def copy_image(self) -> None:
        from nnviz.render.export import render_image

        QGuiApplication.clipboard().setImage(render_image(self.canvas.scene(), 1920, 1080))
        self.statusBar().showMessage("View copied to the clipboard", 3000)

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


def _write_failure(path: Path, exc: Exception) -> str:
    """One line saying why ``path`` could not be written (the error names it already, or not)."""
    if isinstance(exc, NnvizError):
        return str(exc)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{path}: {reason}"
