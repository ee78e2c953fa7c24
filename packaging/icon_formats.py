"""Windows ``.ico`` and macOS ``.icns`` files from the shipped PNG icons, in plain Python.

Both formats may hold PNG images as they are (ICO since Windows Vista, ICNS since OS X 10.7), so
no image library is needed: PyInstaller is handed ready files and never asks for Pillow. The
bundle spec calls :func:`write_platform_icons` at build time; run it by hand with
``python packaging/icon_formats.py OUTDIR``.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIZES = (16, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (the @2x types reuse the larger images).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", data[16:24])


def load_pngs(folder: Path = ICONS) -> dict[int, bytes]:
    """The square ``nnviz-<size>.png`` icons, by size, checked against their headers."""
    pngs = {}
    for path in folder.glob("nnviz-*.png"):
        data = path.read_bytes()
        w, h = png_size(data)
        if w != h or f"nnviz-{w}.png" != path.name:
            raise ValueError(f"{path.name} is {w}x{h}")
        pngs[w] = data
    return pngs


def make_ico(pngs: dict[int, bytes], sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """An ICO file with one PNG-compressed entry per size (256 is written as 0, as the format
    asks)."""
    chosen = [s for s in sizes if s in pngs]
    if not chosen:
        raise ValueError("no icon sizes for the .ico")
    header = struct.pack("<HHH", 0, 1, len(chosen))
    offset = len(header) + 16 * len(chosen)
    entries, images = [], []
    for size in chosen:
        data = pngs[size]
        dim = 0 if size >= 256 else size
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        images.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(images)


def make_icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file with a PNG element for every type whose size is available."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES
        if size in pngs
    )
    if not body:
        raise ValueError("no icon sizes for the .icns")
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_platform_icons(outdir: Path) -> tuple[Path, Path]:
    """Write ``nnviz.ico`` and ``nnviz.icns`` into ``outdir``; returns their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    pngs = load_pngs()
    ico, icns = outdir / "nnviz.ico", outdir / "nnviz.icns"
    ico.write_bytes(make_ico(pngs))
    icns.write_bytes(make_icns(pngs))
    return ico, icns


if __name__ == "__main__":
    for written in write_platform_icons(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(written)
