"""A small animated-GIF writer (GIF89a) for exported traces; numpy only.

Colours are mapped to a fixed 6×7×6 colour cube plus greys, and pixels are written as literal
LZW codes (a clear code every 254 codes keeps every code 9 bits wide), which any GIF reader
decodes. Each frame after the first stores only the rectangle that changed.
"""

from __future__ import annotations

import contextlib
import struct
from pathlib import Path

import numpy as np

from nnviz.core.output import open_output

_R, _G, _B = 6, 7, 6


def _palette() -> np.ndarray:
    r = np.repeat(np.linspace(0, 255, _R), _G * _B)
    g = np.tile(np.repeat(np.linspace(0, 255, _G), _B), _R)
    b = np.tile(np.linspace(0, 255, _B), _R * _G)
    cube = np.stack([r, g, b], axis=1)
    greys = np.repeat(np.linspace(32, 224, 256 - len(cube))[:, None], 3, axis=1)
    return np.round(np.concatenate([cube, greys])).astype(np.uint8)


PALETTE = _palette()


def quantize(rgb: np.ndarray) -> np.ndarray:
    """Palette indices [H, W] for an RGB image [H, W, 3] (uint8): nearest cube colour, or the
    nearest grey where the pixel is grey and a grey is closer."""
    rgb = rgb.astype(np.int32)
    ri = (rgb[..., 0] * (_R - 1) + 127) // 255
    gi = (rgb[..., 1] * (_G - 1) + 127) // 255
    bi = (rgb[..., 2] * (_B - 1) + 127) // 255
    idx = (ri * _G + gi) * _B + bi
    cube = PALETTE[idx].astype(np.int32)
    err_cube = np.abs(cube - rgb).sum(axis=-1)
    n_grey = 256 - _R * _G * _B
    mean = rgb.mean(axis=-1)
    gi2 = np.clip(np.round((mean - 32) / (192 / (n_grey - 1))), 0, n_grey - 1).astype(np.int32)
    grey = PALETTE[_R * _G * _B + gi2].astype(np.int32)
    err_grey = np.abs(grey - rgb).sum(axis=-1)
    return np.where(err_grey < err_cube, _R * _G * _B + gi2, idx).astype(np.uint8)


def _lzw_literal(indices: np.ndarray) -> bytes:
    """LZW data for 8-bit indices using only literal 9-bit codes and periodic clear codes."""
    clear, end = 256, 257
    flat = indices.reshape(-1).astype(np.uint16)
    n = len(flat)
    per = 254
    chunks = -(-n // per)
    codes = np.full(chunks * (per + 1) + 1, clear, dtype=np.uint16)
    body = np.full(chunks * per, 0xFFFF, dtype=np.uint16)
    body[:n] = flat
    codes[: chunks * (per + 1)].reshape(chunks, per + 1)[:, 1:] = body.reshape(chunks, per)
    codes = codes[codes != 0xFFFF]
    codes = np.append(codes[:-1] if codes[-1] == clear else codes, end).astype(np.uint32)
    # pack 9-bit codes little-endian
    bits = ((codes[:, None] >> np.arange(9, dtype=np.uint32)) & 1).astype(np.uint8).reshape(-1)
    pad = (-len(bits)) % 8
    bits = np.concatenate([bits, np.zeros(pad, np.uint8)])
    data = np.packbits(bits.reshape(-1, 8), axis=1, bitorder="little").reshape(-1).tobytes()
    out = bytearray()
    for i in range(0, len(data), 255):
        block = data[i : i + 255]
        out.append(len(block))
        out += block
    out.append(0)
    return bytes(out)


class GifStream:
    """An animated GIF written frame by frame: only the previous frame's palette indices are
    kept, so an export of any length holds one frame in memory. The file goes through
    nnviz.core.output (atomic for a regular file) and appears when ``close()`` is called;
    ``abort()`` drops it."""

    def __init__(
        self, path: Path, width: int, height: int, loop: bool = True, *, follow_links: bool = True
    ) -> None:
        self.width, self.height = width, height
        self._stack = contextlib.ExitStack()
        self._out = self._stack.enter_context(open_output(path, follow_links=follow_links))
        self._prev: np.ndarray | None = None
        self.frames = 0
        head = bytearray(b"GIF89a")
        head += struct.pack("<HHBBB", width, height, 0xF7, 0, 0)  # global colour table, 256
        head += PALETTE.tobytes()
        if loop:
            head += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
        self._write(bytes(head))

    def _write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BaseException:
            self.abort()
            raise

    def add(self, frame: np.ndarray, delay_cs: int) -> None:
        """Append an RGB frame [H, W, 3] (uint8); ``delay_cs`` in 1/100 s."""
        idx = quantize(frame)
        w, h = self.width, self.height
        x0, y0, x1, y1 = 0, 0, w, h
        if self._prev is not None:
            diff = idx != self._prev
            if diff.any():
                ys, xs = np.nonzero(diff.any(axis=1))[0], np.nonzero(diff.any(axis=0))[0]
                y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
            else:
                x0, y0, x1, y1 = 0, 0, 1, 1
        out = bytearray(struct.pack("<BBBBHBB", 0x21, 0xF9, 4, 0x04, max(int(delay_cs), 2), 0, 0))
        out += struct.pack("<BHHHHB", 0x2C, x0, y0, x1 - x0, y1 - y0, 0)
        out.append(8)
        out += _lzw_literal(idx[y0:y1, x0:x1])
        self._write(bytes(out))
        self._prev = idx
        self.frames += 1

    def close(self) -> None:
        """Finish the file (it appears now)."""
        if not self.frames:
            self.abort()
            raise ValueError("no frames to write")
        self._write(b"\x3b")
        self._stack.close()

    def abort(self) -> None:
        """Drop the file: a regular target keeps what it held before."""
        err = RuntimeError("GIF export stopped")
        self._stack.__exit__(RuntimeError, err, None)


def write_gif(
    path: Path,
    frames: list[np.ndarray],
    delays_cs: list[int],
    loop: bool = True,
    *,
    follow_links: bool = True,
) -> None:
    """Write RGB frames [H, W, 3] (uint8, same size) as an animated GIF; delays in 1/100 s."""
    if not frames:
        raise ValueError("no frames to write")
    h, w = frames[0].shape[:2]
    gif = GifStream(path, w, h, loop, follow_links=follow_links)
    for frame, delay in zip(frames, delays_cs, strict=True):
        gif.add(frame, delay)
    gif.close()


def count_frames(path: Path) -> int:
    """Number of image descriptors in a GIF written by ``write_gif`` (for tests and checks)."""
    data = Path(path).read_bytes()
    pos, n = 13 + 768, 0
    while pos < len(data):
        tag = data[pos]
        if tag == 0x3B:
            break
        if tag == 0x21:
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif tag == 0x2C:
            n += 1
            pos += 10 + 1
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        else:
            raise ValueError(f"unexpected byte {tag:#x} at {pos}")
    return n
