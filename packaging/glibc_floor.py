"""The oldest glibc a Linux bundle runs on: the highest ``GLIBC_2.x`` symbol version any of its
ELF files asks for. A bundle built on a newer distribution needs that distribution's glibc or
newer (build on the oldest one you want to support). ``python packaging/glibc_floor.py DIR``."""

from __future__ import annotations

import mmap
import re
import sys
from pathlib import Path

VERSION = re.compile(rb"GLIBC_2\.(\d+)(?:\.(\d+))?\x00")


def needed_versions(path: Path) -> set[tuple[int, int, int]]:
    """Every ``GLIBC_2.x[.y]`` version named in an ELF file's string tables (empty for other
    files)."""
    try:
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                return set()
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return {(2, int(m[1]), int(m[2] or 0)) for m in VERSION.finditer(data)}
    except (OSError, ValueError):
        return set()


def glibc_floor(folder: Path) -> tuple[tuple[int, int, int], Path] | None:
    """The highest glibc version needed by a file under ``folder``, and that file."""
    best = None
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            for version in needed_versions(path):
                if best is None or version > best[0]:
                    best = (version, path)
    return best


def describe(version: tuple[int, int, int]) -> str:
    return ".".join(str(v) for v in (version if version[2] else version[:2]))


if __name__ == "__main__":
    found = glibc_floor(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/nnviz"))
    if found is None:
        print("no ELF file names a glibc version")
        sys.exit(1)
    print(f"glibc >= {describe(found[0])} (needed by {found[1].name})")
