"""Pacing of play: how long each training slice on the GUI thread may run and when the views
are told to draw a new frame.

Play alternates training (timer ticks of at most ``PLAY_SLICE_S``, so a key press or a timer
waits at most that plus one frame) with frames: a traced step, then the views refresh and
repaint. Frames come at most every ``FRAME_INTERVAL_S``; when drawing one takes longer than
that, training still gets ``TRAIN_SHARE`` of the time, so a big network or a slow moment costs
frame rate and training speed alike instead of stopping either. Steps are trained in chunks
sized from the measured rate, so a slice overshoots its end by at most about one chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PLAY_SLICE_S = 0.008  # longest training slice per tick
FRAME_INTERVAL_S = 1 / 40  # frames at most this often
TRAIN_SHARE = 0.2  # least share of the time spent training while frames are slow to draw
MAX_CHUNK = 4096  # steps per engine call
START_RATE = 200.0  # steps per second assumed until measured (a first chunk of a step or two)


class Pacer:
    """Training time, chunk sizes and frame times of one play run."""

    def __init__(
        self, frame_interval: float = FRAME_INTERVAL_S, train_share: float = TRAIN_SHARE
    ) -> None:
        self.frame_interval = frame_interval
        self.train_share = train_share
        self.rate = START_RATE  # steps per second, updated from every chunk
        self.trace_cost = 0.002  # seconds of the traced step that ends each frame
        self.draw_cost = 0.02  # seconds from telling the views to the next tick
        self.train_from = 0.0  # when training for the coming frame began
        self.last_frame = 0.0  # when the views were last told to draw
        self._sent = False  # a frame was sent and its drawing not yet timed
        self.stale = False  # steps were trained since the views last drew

    def start(self) -> None:
        """Play (re)starts: training for the first frame begins now, in small chunks until the
        rate of this network is known."""
        self.train_from = self.last_frame = time.perf_counter()
        self._sent = False
        self.rate = START_RATE

    def begin_tick(self, now: float) -> None:
        """A timer tick starts; the first after a frame times how long drawing it took."""
        if self._sent:
            self._sent = False
            self.draw_cost = 0.5 * self.draw_cost + 0.5 * (now - self.last_frame)
            self.train_from = now

    def training_time(self) -> float:
        """Seconds of training before the next frame: what the frame interval leaves, but at
        least ``train_share`` of each frame's period."""
        drawing = self.draw_cost + self.trace_cost
        share = self.train_share / (1.0 - self.train_share)
        return max(self.frame_interval - drawing, share * drawing)

    def frame_due(self, now: float) -> bool:
        """Whether the traced step that ends the next frame should run now."""
        return now >= self.train_from + self.training_time()

    def interval_passed(self, now: float) -> bool:
        """Whether a frame may be drawn now, for play at a set number of steps per second."""
        return now - self.last_frame >= self.frame_interval

    def slice_end(self, now: float) -> float:
        """When this tick's training stops: at the next frame, or after ``PLAY_SLICE_S``."""
        return min(now + PLAY_SLICE_S, self.train_from + self.training_time())

    def train(self, run: Callable[[int], object], limit: int, end: float) -> int:
        """Call ``run(k)`` in chunks until ``end`` or ``limit`` steps; returns the steps run."""
        done = 0
        t = time.perf_counter()
        while done < limit and t < end:
            k = max(1, min(int((end - t) * self.rate), MAX_CHUNK, limit - done))
            run(k)
            now = time.perf_counter()
            if now > t:
                self.rate = max(100.0, 0.5 * self.rate + 0.5 * k / (now - t))
            done += k
            t = now
        return done

    def traced(self, seconds: float) -> None:
        """The traced step that ends a frame took this long."""
        self.trace_cost = 0.5 * self.trace_cost + 0.5 * seconds

    def drawn(self, now: float) -> None:
        """The views are told to draw now."""
        self.last_frame = now
        self._sent = True
        self.stale = False
