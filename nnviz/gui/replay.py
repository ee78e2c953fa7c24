"""Opening a session file without freezing the window: the replay of its steps runs in short
timer slices on the GUI thread (the window paints and answers between them), reports its
progress and can be cancelled, keeping the steps replayed so far.

``ReplayMixin`` is part of :class:`nnviz.gui.session.Session`, which provides the engine, the
history, the signals ``replay_progress`` and ``replay_finished`` and ``_replay_timer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from nnviz.core.engine import Engine
from nnviz.core.session_file import Edit, SessionData

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
        """Replay a saved session: same network, same edits, same steps, same position.

        The replay's time is estimated first and refused beyond REPLAY_MAX_SECONDS (nothing
        shown changes). With ``background`` it runs in short timer slices, so the window stays
        responsive: ``replay_progress`` reports it, ``cancel_replay`` stops it where it is."""
        from nnviz.core.limits import check_memory, check_replay, history_bytes

        allow = self.allow_outside_data if allow_outside_data is None else allow_outside_data
        engine = Engine(data.spec, base_dir=base_dir, allow_outside_data=allow)
        batch = min(data.spec.batch_size, max(engine.dataset.n_train, 1))
        where = Path(source).name or None
        check_replay(data.spec.layers, batch, data.n_steps, where)
        need = engine.needed_bytes() + history_bytes(len(data.spec.layers) - 1, data.n_steps)
        check_memory(need, f"replaying {data.n_steps:,} steps", where)
        self._install(engine, data.spec, base_dir, source, allow)
        self._replay = ReplayState(data, list(data.edits))
        if background:
            self._replay_timer.start(0)
            self.replay_progress.emit(0, data.n_steps)
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
        while True:
            while r.pending and r.pending[0].after_step == r.done:
                self._apply_edit(r.pending.pop(0))
            if r.done >= r.data.n_steps:
                self._finish_replay(complete=True)
                return
            target = min([r.data.n_steps] + [e.after_step for e in r.pending])
            k = max(1, min(target - r.done, r.chunk))
            t = time.perf_counter()
            self.history.run(k)
            spent = time.perf_counter() - t
            r.done += k
            rate = k / max(spent, 1e-6)  # steps per second; a chunk takes half a slice
            r.chunk = max(1, int(min(1 << 20, rate * 0.5 * budget_s)))
            if time.perf_counter() >= end:
                break
        self.replay_progress.emit(r.done, r.data.n_steps)

    def _finish_replay(self, complete: bool) -> None:
        r = self._replay
        self._stop_replay()
        self.history_grew.emit(self.n_steps)
        if complete:
            self.goto_step(r.data.step, r.data.phase)
        else:
            self.goto_step(min(r.data.step, self.n_steps), r.data.phase)
            self.message.emit(
                f"Replay cancelled after {self.n_steps:,} of {r.data.n_steps:,} steps"
            )
        self._check_finite()
        self.replay_finished.emit(complete)


@dataclass
class ReplayState:
    """A session being replayed: its data, edits still to apply, steps done, chunk size."""

    data: SessionData
    pending: list[Edit]
    done: int = 0
    chunk: int = 1
