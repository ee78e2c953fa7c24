"""MP4 video (H.264) through PyAV, FFmpeg's maintained Python binding, an optional extra
(``pip install nnviz[video]``). Frames are encoded as they come; the file goes through
nnviz.core.output, so it appears whole on ``close()`` and ``abort()`` drops it."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.output import open_output

INSTALL_HINT = "MP4 export needs PyAV: pip install 'nnviz[video]' (or pip install av)"
CRF = 18  # visually lossless for flat-colour diagrams; the frames are mostly unchanged


def available() -> bool:
    """Whether PyAV can be imported (its wheels bring FFmpeg with an H.264 encoder; MPEG-4
    is used where a build lacks it)."""
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Refuse MP4 export, naming how to install it, where PyAV is missing."""
    if not available():
        raise NnvizError(INSTALL_HINT)


class Mp4Stream:
    """An MP4 written frame by frame, each frame shown ``delay_ms``: an odd width or height is
    padded by one pixel (H.264's 4:2:0 colour needs even sides)."""

    def __init__(self, path: Path, width: int, height: int, *, follow_links: bool = True) -> None:
        require()
        import av

        self.width, self.height = width, height
        self.frames = 0
        self._pts = 0
        self._stack = contextlib.ExitStack()
        out = self._stack.enter_context(open_output(path, follow_links=follow_links))
        try:
            self._box = self._stack.enter_context(av.open(out, mode="w", format="mp4"))
            codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
            self._stream = self._box.add_stream(codec, rate=1000)
            self._stream.width, self._stream.height = width + width % 2, height + height % 2
            self._stream.pix_fmt = "yuv420p"
            self._stream.time_base = Fraction(1, 1000)
            if codec == "libx264":
                self._stream.options = {"crf": str(CRF), "preset": "medium"}
        except BaseException:
            self.abort()
            raise

    def add(self, frame: np.ndarray, delay_ms: int) -> None:
        """Append an RGB frame [H, W, 3] (uint8) shown for ``delay_ms`` milliseconds."""
        import av

        if frame.shape != (self.height, self.width, 3):
            raise ValueError(f"frame of shape {frame.shape}, expected {self.height}x{self.width}")
        if self.width % 2 or self.height % 2:
            frame = np.pad(frame, ((0, self.height % 2), (0, self.width % 2), (0, 0)), "edge")
        vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
        vf.pts, vf.time_base = self._pts, Fraction(1, 1000)
        try:
            for packet in self._stream.encode(vf):
                packet.duration = max(int(delay_ms), 1)  # the last frame too is shown that long
                self._box.mux(packet)
        except BaseException:
            self.abort()
            raise
        self._pts += max(int(delay_ms), 1)
        self._delay = max(int(delay_ms), 1)
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and finish the file (it appears now)."""
        if not self.frames:
            self.abort()
            raise ValueError("no frames to write")
        try:
            for packet in self._stream.encode(None):
                packet.duration = self._delay
                self._box.mux(packet)
        except BaseException:
            self.abort()
            raise
        self._stack.close()

    def abort(self) -> None:
        """Drop the file: a regular target keeps what it held before."""
        err = RuntimeError("video export stopped")
        with contextlib.suppress(Exception):
            self._stack.__exit__(RuntimeError, err, None)
