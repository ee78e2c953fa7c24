"""Opening a session file without freezing the window: the replay of its runs runs in short
timer slices on the GUI thread (the window paints and answers between them), reports its
progress and can be cancelled, keeping the steps replayed so far.

``ReplayMixin`` is part of :class:`nnviz.gui.session.Session`, which provides the runs, the
signals ``replay_progress`` and ``replay_finished`` and ``_replay_timer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from nnviz.core.runs_file import RunReplay
from nnviz.core.session_file import SessionData

REPLAY_SLICE_S = 0.03  # longest replay slice per timer tick


class ReplayMixin:
    """Session methods that replay a saved session (see the module's docstring)."""

    def open_session(
        self,
        data: SessionData,
        base_dir: Path | None,
        source: str,
        allow_outside_data: bool | None = None,
        *,
        background: bool = False,
    ) -> None:
        """Replay a saved session: the same runs, the same steps, the same position.

        The replay's time and memory are estimated first and refused beyond their limits
        (nothing shown changes). With ``background`` it runs in short timer slices, so the
        window stays responsive: ``replay_progress`` reports it, ``cancel_replay`` stops it
        where it is."""
        from nnviz.core.limits import check_memory, check_replay, history_bytes

        allow = self.allow_outside_data if allow_outside_data is None else allow_outside_data
        replay = RunReplay(data, base_dir, allow)  # the first run's engine: data checked
        first = replay.plan[0].spec
        engine = replay.tree.current.engine
        batch = min(first.batch_size, max(engine.dataset.n_train, 1))
        where = Path(source).name or None
        check_replay(first.layers, batch, replay.total, where)
        need = engine.needed_bytes() + sum(
            history_bytes(len(rd.spec.layers) - 1, rd.n_steps) for rd in replay.plan
        )
        check_memory(need, f"replaying {replay.total:,} steps", where)
        self._install(replay.tree, base_dir, source, allow)
        self.notes = dict(data.notes)
        self._replay = ReplayState(data, replay)
        if background:
            self._replay_timer.start(0)
            self.replay_progress.emit(0, replay.total)
        else:
            while self._replay is not None:
                self._replay_tick(budget_s=float("inf"))

    @property
    def replaying(self) -> bool:
        return self._replay is not None

    def cancel_replay(self) -> None:
        """Stop a background replay: the steps replayed so far stay, shown at the last one."""
        if self._replay is not None:
            self._finish_replay(complete=False)

    def _stop_replay(self) -> None:
        self._replay_timer.stop()
        self._replay = None

    def _replay_tick(self, budget_s: float = REPLAY_SLICE_S) -> None:
        """Replay for about ``budget_s`` seconds in chunks sized from the measured rate."""
        r = self._replay
        if r is None:
            return
        end = time.perf_counter() + budget_s
        while not r.replay.finished:
            t = time.perf_counter()
            k = r.replay.advance(r.chunk)
            spent = time.perf_counter() - t
            rate = max(k, 1) / max(spent, 1e-6)  # steps per second; a chunk takes half a slice
            r.chunk = max(1, int(min(1 << 20, rate * 0.5 * budget_s)))
            if time.perf_counter() >= end:
                break
        if r.replay.finished:
            self._finish_replay(complete=True)
            return
        self.replay_progress.emit(r.replay.done, r.replay.total)

    def _finish_replay(self, complete: bool) -> None:
        r = self._replay
        self._stop_replay()
        tree = r.replay.tree
        step = r.data.step if complete else min(r.data.step, tree.current.n_steps)
        self.ink = r.data.ink.remapped(r.replay.run_ids())  # lecture ink and notes: on the runs
        # made (a session file's run ids are given out again as its runs are replayed)
        ids = r.replay.run_ids()
        self.notes = {
            (ids[run], st, ph): t for (run, st, ph), t in self.notes.items() if run in ids
        }
        for note in (r.data.ink_note, r.data.notes_note):
            if note:
                self.message.emit(note)
        self.switch_run(tree.current, step)
        self.goto_step(step, r.data.phase)
        self.dirty = not complete
        if not complete:
            self.message.emit(
                f"Replay cancelled after {r.replay.done:,} of {r.replay.total:,} steps"
            )
        self._check_finite()
        self.replay_finished.emit(complete)


@dataclass
class ReplayState:
    """A session being replayed: its data, the replay of its runs, the chunk size."""

    data: SessionData
    replay: RunReplay
    chunk: int = 1
