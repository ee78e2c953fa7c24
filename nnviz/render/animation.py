"""Animated GIF, WebP and APNG exports, encoded by Pillow and written frame by frame.

Pillow's own multi-frame savers keep every frame until the end, so an export of many steps
would hold all of them. Here Pillow encodes one frame at a time (the rectangle that changed
since the previous frame, as a one-image GIF, PNG or WebP) and the frame's encoded data is
moved into the animation's container, whose layout the format's specification fixes:

- GIF: each frame has its own adaptive 256-colour palette (a local colour table) and is
  drawn over the previous one; the file streams out as frames come.
- APNG: lossless RGB frames; the frame count is written first, so it is given up front.
- WebP: lossless frames; the RIFF header holds the file's size, so the (compressed) frames
  are kept until ``close()`` — the file's own size, never raw frames.

Every file goes through :func:`nnviz.core.output.open_output`: it appears whole on
``close()`` and ``abort()`` (or a failure) drops it.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from nnviz.core.output import open_output

FORMATS = ("gif", "webp", "apng")
EXTENSIONS = {"gif": "gif", "webp": "webp", "apng": "png"}


def _changed_box(prev: np.ndarray | None, frame: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the pixels that differ from ``prev`` (the whole frame at first; a
    single pixel when nothing changed, as every container needs a non-empty frame)."""
    h, w = frame.shape[:2]
    if prev is None:
        return 0, 0, w, h
    diff = (prev != frame).any(axis=-1)
    rows, cols = np.nonzero(diff.any(axis=1))[0], np.nonzero(diff.any(axis=0))[0]
    if not len(rows):
        return 0, 0, 1, 1
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _chunks(data: bytes, start: int, size_fmt: str) -> list[tuple[bytes, bytes]]:
    """(type, payload) of the chunks of a PNG (``>I``, type after size) or RIFF (``<I``)."""
    out, pos = [], start
    while pos + 8 <= len(data):
        if size_fmt == ">I":
            (size,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
            out.append((kind, data[pos + 8 : pos + 8 + size]))
            pos += 12 + size  # CRC
        else:
            kind, (size,) = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])
            out.append((kind, data[pos + 8 : pos + 8 + size]))
            pos += 8 + size + (size & 1)
    return out


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")


def _gif_table_len(flags: int) -> int:
    return 3 * (2 << (flags & 7)) if flags & 0x80 else 0


def _gif_image(data: bytes) -> tuple[bytes, int, bytes]:
    """The colour table, its size bits and the image data (LZW code size, sub-blocks and
    their terminator) of a one-image GIF as Pillow writes it; the table becomes the frame's
    local one."""
    table_len = _gif_table_len(data[10])
    table, bits, pos = data[13 : 13 + table_len], data[10] & 7, 13 + table_len
    while data[pos] == 0x21:  # extensions: skipped
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    if data[pos] != 0x2C:
        raise ValueError("unexpected GIF layout from Pillow")
    flags, pos = data[pos + 9], pos + 10
    if flags & 0x80:  # a local table of its own
        table_len = _gif_table_len(flags)
        table, bits, pos = data[pos : pos + table_len], flags & 7, pos + table_len
    if not table:
        raise ValueError("a GIF image without a colour table from Pillow")
    end = pos + 1
    while data[end]:
        end += data[end] + 1
    return table, bits, data[pos : end + 1]


def _u24(v: int) -> bytes:
    return struct.pack("<I", v)[:3]


class AnimationStream:
    """An animation written frame by frame: only the previous frame is kept (to find what
    changed). ``frames_total`` is needed by APNG (its header counts the frames)."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        width: int,
        height: int,
        *,
        frames_total: int | None = None,
        loop: bool = True,
        follow_links: bool = True,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown animation format {fmt!r}")
        if fmt == "apng" and not frames_total:
            raise ValueError("an APNG needs its frame count up front")
        self.fmt, self.width, self.height = fmt, width, height
        self.frames_total, self.loop = frames_total, loop
        self.frames = 0
        self._prev: np.ndarray | None = None
        self._seq = 0  # APNG sequence numbers
        self._held: list[bytes] = []  # WebP: the encoded frames until the size is known
        self._stack = contextlib.ExitStack()
        self._out = self._stack.enter_context(open_output(path, follow_links=follow_links))
        if fmt == "gif":
            self._write(self._gif_head())
        elif fmt == "apng":
            self._write(self._apng_head())

    def _write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BaseException:
            self.abort()
            raise

    def add(self, frame: np.ndarray, delay_ms: int) -> None:
        """Append an RGB frame [H, W, 3] (uint8) shown for ``delay_ms`` milliseconds."""
        if frame.shape != (self.height, self.width, 3):
            raise ValueError(f"frame of shape {frame.shape}, expected {self.height}x{self.width}")
        if self.frames_total is not None and self.frames >= self.frames_total:
            raise ValueError(f"more than the {self.frames_total} frames announced")
        frame = np.ascontiguousarray(frame, dtype=np.uint8)
        box = _changed_box(self._prev, frame)
        try:
            if self.fmt == "gif":
                self._write(self._gif_frame(frame, box, delay_ms))
            elif self.fmt == "apng":
                self._write(self._apng_frame(frame, box, delay_ms))
            else:
                self._held.append(self._webp_frame(frame, box, delay_ms))
        except BaseException:
            self.abort()
            raise
        self._prev = frame
        self.frames += 1

    def close(self) -> None:
        """Finish the file (it appears now)."""
        if not self.frames or (self.frames_total is not None and self.frames != self.frames_total):
            self.abort()
            raise ValueError(
                f"{self.frames} frames written, {self.frames_total or 'some'} expected"
            )
        if self.fmt == "gif":
            self._write(b"\x3b")
        elif self.fmt == "apng":
            self._write(_png_chunk(b"IEND", b""))
        else:
            self._write(self._webp_file())
        self._stack.close()

    def abort(self) -> None:
        """Drop the file: a regular target keeps what it held before."""
        self._held.clear()
        err = RuntimeError("animation export stopped")
        self._stack.__exit__(RuntimeError, err, None)

    # GIF ---------------------------------------------------------------------------------
    def _gif_head(self) -> bytes:
        head = b"GIF89a" + struct.pack("<HHBBB", self.width, self.height, 0, 0, 0)  # no GCT
        if self.loop:
            head += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
        return head

    def _gif_frame(self, frame: np.ndarray, box: tuple[int, int, int, int], delay_ms: int) -> bytes:
        x0, y0, x1, y1 = box
        part = Image.fromarray(frame[y0:y1, x0:x1])
        pal = part.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        pal.save(buf, "GIF", interlace=False, optimize=False)
        table, bits, body = _gif_image(buf.getvalue())
        delay = max(round(delay_ms / 10), 2)
        gce = struct.pack("<BBBBHBB", 0x21, 0xF9, 4, 0x04, delay, 0, 0)  # drawn over, kept
        desc = struct.pack("<BHHHHB", 0x2C, x0, y0, x1 - x0, y1 - y0, 0x80 | bits)  # local table
        return gce + desc + table + body

    # APNG --------------------------------------------------------------------------------
    def _apng_head(self) -> bytes:
        ihdr = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        actl = struct.pack(">II", self.frames_total, 0 if self.loop else 1)
        return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"acTL", actl)

    def _apng_frame(
        self, frame: np.ndarray, box: tuple[int, int, int, int], delay_ms: int
    ) -> bytes:
        x0, y0, x1, y1 = box
        buf = io.BytesIO()
        Image.fromarray(frame[y0:y1, x0:x1]).save(buf, "PNG", compress_level=9)
        idat = b"".join(p for k, p in _chunks(buf.getvalue(), 8, ">I") if k == b"IDAT")
        fctl = struct.pack(
            ">IIIIIHHBB", self._seq, x1 - x0, y1 - y0, x0, y0, max(delay_ms, 0), 1000, 0, 0
        )
        out = _png_chunk(b"fcTL", fctl)
        self._seq += 1
        if self.frames == 0:  # the first frame is the default image
            return out + _png_chunk(b"IDAT", idat)
        out += _png_chunk(b"fdAT", struct.pack(">I", self._seq) + idat)
        self._seq += 1
        return out

    # WebP --------------------------------------------------------------------------------
    def _webp_frame(
        self, frame: np.ndarray, box: tuple[int, int, int, int], delay_ms: int
    ) -> bytes:
        x0, y0, x1, y1 = box
        x0, y0 = x0 - x0 % 2, y0 - y0 % 2  # WebP frame offsets are even
        buf = io.BytesIO()
        Image.fromarray(frame[y0:y1, x0:x1]).save(buf, "WEBP", lossless=True, method=4)
        parts = _chunks(buf.getvalue(), 12, "<I")
        image = b"".join(_riff_chunk(k, p) for k, p in parts if k in (b"ALPH", b"VP8 ", b"VP8L"))
        head = _u24(x0 // 2) + _u24(y0 // 2) + _u24(x1 - x0 - 1) + _u24(y1 - y0 - 1)
        head += _u24(min(max(delay_ms, 0), 0xFFFFFF)) + bytes([0x02])  # no blending, kept
        return _riff_chunk(b"ANMF", head + image)

    def _webp_file(self) -> bytes:
        vp8x = bytes([0x02, 0, 0, 0]) + _u24(self.width - 1) + _u24(self.height - 1)
        anim = struct.pack("<IH", 0xFFFFFFFF, 0 if self.loop else 1)
        body = b"WEBP" + _riff_chunk(b"VP8X", vp8x) + _riff_chunk(b"ANIM", anim)
        body += b"".join(self._held)
        self._held.clear()
        return b"RIFF" + struct.pack("<I", len(body)) + body


def write_animation(
    path: Path,
    fmt: str,
    frames: list[np.ndarray],
    delays_ms: list[int],
    loop: bool = True,
    *,
    follow_links: bool = True,
) -> None:
    """Write RGB frames [H, W, 3] (uint8, same size) as an animation of ``fmt``."""
    if not frames:
        raise ValueError("no frames to write")
    h, w = frames[0].shape[:2]
    anim = AnimationStream(
        path, fmt, w, h, frames_total=len(frames), loop=loop, follow_links=follow_links
    )
    for frame, delay in zip(frames, delays_ms, strict=True):
        anim.add(frame, delay)
    anim.close()
