"""Writing output without ever replacing what it is written to.

Every file nnviz writes (trace JSON, network, session and weight files, the autosave, every
export format, the window's saves) goes through :func:`open_output`, which treats each kind of
target as it must be treated:

- a regular file, or a path that does not exist yet, is written **atomically**: a temporary file
  with an unpredictable name is created beside it (``O_EXCL | O_NOFOLLOW``), written, flushed to
  disk, renamed over the target, and the folder is flushed, so a crash leaves the old file or
  the new one, never a mixture, and never replaces anything but the file named;
- a character device (``/dev/null``, a terminal), a FIFO or a Unix socket is written **in place**,
  streaming, and is never renamed over or removed;
- a symbolic link is followed and its final target written as above, so the link still points
  where it did (or refused, with ``follow_links=False``, where output must not go through links);
- ``-`` is standard output, streamed; a closed or failing standard output raises
  :class:`OutputError`, a reader that went away raises :class:`BrokenPipeError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from nnviz.core.errors import NnvizError

STDOUT = "-"
TEMP_MARK = ".nnviz-tmp-"
"""Temporary files are named ``.{target name}.nnviz-tmp-{random}`` in the target's folder."""
STALE_TEMP_SECONDS = 3600


class OutputError(NnvizError):
    """Output that cannot be written: the message names the target and the reason."""


def describe(exc: OSError) -> str:
    """A short reason for a failed write, e.g. 'No space left on device'."""
    return exc.strerror or exc.__class__.__name__


@contextlib.contextmanager
def open_output(
    target: str | os.PathLike[str], *, follow_links: bool = True
) -> Iterator[IO[bytes]]:
    """A binary stream to ``target`` (see the module's docstring for what each kind of target
    gets). The output takes effect when the ``with`` block ends normally; if it raises, a
    regular target keeps its old content and the temporary file is removed."""
    if str(target) == STDOUT:
        with _stdout() as out:
            yield out
        return
    path = Path(target)
    where = str(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not follow_links:
            raise OutputError("is a symbolic link; refusing to write through it", where)
        path = Path(os.path.realpath(path))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None  # a dangling link: its target is created
        except OSError as exc:
            raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    if info is None or stat.S_ISREG(info.st_mode):
        with _atomic(path, info, where) as out:
            yield out
    elif stat.S_ISDIR(info.st_mode):
        raise OutputError("is a folder, not a file", where)
    elif stat.S_ISSOCK(info.st_mode):
        with _socket(path, where) as out:
            yield out
    else:  # character or block device, FIFO: written where it is
        with _in_place(path, where) as out:
            yield out


def write_bytes(target: str | os.PathLike[str], data: bytes, *, follow_links: bool = True) -> None:
    """Write ``data`` to ``target`` as :func:`open_output` does."""
    with open_output(target, follow_links=follow_links) as out:
        out.write(data)


def write_text(target: str | os.PathLike[str], text: str, *, follow_links: bool = True) -> None:
    """Write ``text`` as UTF-8 to ``target`` as :func:`open_output` does."""
    write_bytes(target, text.encode("utf-8"), follow_links=follow_links)


def write_json(
    target: str | os.PathLike[str], obj: Any, *, indent: int | None = 1, follow_links: bool = True
) -> None:
    """Write ``obj`` as UTF-8 JSON (no NaN or Infinity) with a final newline."""
    text = json.dumps(obj, indent=indent, allow_nan=False) + "\n"
    write_text(target, text, follow_links=follow_links)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems and platforms cannot sync a folder
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """An unpredictable temporary path beside ``target``."""
    return target.with_name(f".{target.name}{TEMP_MARK}{secrets.token_hex(8)}")


@contextlib.contextmanager
def _atomic(path: Path, info: os.stat_result | None, where: str) -> Iterator[IO[bytes]]:
    folder = path.parent
    if not folder.is_dir():
        raise OutputError("the folder does not exist", str(folder))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        tmp = temp_name(path)
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    else:  # pragma: no cover - 16 collisions of 64 random bits
        raise OutputError("cannot create a temporary file beside it", where)
    done = False
    try:
        if info is not None:
            with contextlib.suppress(OSError, AttributeError):
                os.fchmod(fd, stat.S_IMODE(info.st_mode))  # keep the file's permissions
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        done = True
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(folder)


@contextlib.contextmanager
def _in_place(path: Path, where: str) -> Iterator[IO[bytes]]:
    try:
        out = open(path, "wb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    try:
        with out:
            yield out
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None


@contextlib.contextmanager
def _socket(path: Path, where: str) -> Iterator[IO[bytes]]:
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None
    try:
        with sock, sock.makefile("wb") as out:
            yield out
    except OSError as exc:
        raise OutputError(f"cannot be written: {describe(exc)}", where) from None


@contextlib.contextmanager
def _stdout() -> Iterator[IO[bytes]]:
    stream = sys.stdout
    if stream is None or getattr(stream, "closed", True):
        raise OutputError("standard output is closed")
    try:
        stream.flush()
        out = stream.buffer
        yield out
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {describe(exc)}") from None
    except (AttributeError, ValueError):
        raise OutputError("standard output is closed") from None


def remove_stale_temps(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove temporary files an interrupted save left in ``folder`` (regular files of ours,
    untouched for ``older_than`` seconds); returns how many were removed."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if TEMP_MARK not in entry.name or not entry.name.startswith("."):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


class JsonArrayStream:
    """A JSON object whose one array member is written element by element (see
    :func:`open_json_stream`): memory holds one element, never the document."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self.count = 0
        self.tail: dict[str, Any] = {}
        """Members written after the array, when the stream closes (known only at the end)."""

    def add(self, obj: Any) -> None:
        """Append one element (no NaN or Infinity)."""
        text = json.dumps(obj, allow_nan=False)
        self._out.write(((", " if self.count else "") + text).encode())
        self._out.flush()  # on disk as it comes, not in a buffer
        self.count += 1


@contextlib.contextmanager
def open_json_stream(
    target: str | os.PathLike[str], head: dict, key: str, *, follow_links: bool = True
) -> Iterator[JsonArrayStream]:
    """``{…head, key: [elements…], …tail}`` written to ``target`` as :func:`open_output` does,
    one element at a time: a regular file appears only when the block ends normally."""
    with open_output(target, follow_links=follow_links) as out:
        opening = json.dumps(head, allow_nan=False)[:-1]
        out.write((opening + (", " if head else "") + json.dumps(key) + ": [").encode())
        stream = JsonArrayStream(out)
        yield stream
        rest = json.dumps(stream.tail, allow_nan=False)[1:] if stream.tail else "}"
        out.write(("]" + (", " if stream.tail else "") + rest + "\n").encode())
