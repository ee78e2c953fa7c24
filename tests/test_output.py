"""Output never replaces what it is written to: regular files are replaced atomically; device
nodes, FIFOs and sockets are written in place; links are followed (or refused); stdout streams.

Device nodes are private ones made in a temporary folder (the real /dev/null is never a target);
making them needs root, as CI runs, so those tests skip for other users."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nnviz.core.output import (
    TEMP_MARK,
    OutputError,
    open_output,
    remove_stale_temps,
    write_bytes,
    write_json,
)

NNVIZ = [sys.executable, "-m", "nnviz"]
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making device nodes needs root"
)


def nnviz(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*NNVIZ, *args], capture_output=True, text=True, timeout=120, env=ENV, **kw
    )


def char_device(path: Path, minor: int) -> Path:
    """A private node of the memory devices (1, 3 = null; 1, 7 = full)."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


def leftovers(folder: Path) -> list[str]:
    return [p for p in os.listdir(folder) if TEMP_MARK in p]


def test_new_and_existing_regular_files_are_replaced_whole(tmp_path):
    target = tmp_path / "out.json"
    write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    target.chmod(0o640)
    write_json(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # permissions kept
    assert leftovers(tmp_path) == []


def test_a_failure_mid_write_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "session.nnviz"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_temporary_names_are_unpredictable(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    for _ in range(3):
        write_bytes(tmp_path / "x.png", b"png")
    assert len(set(seen)) == 3
    assert all(name.startswith(".x.png" + TEMP_MARK) for name in seen)


def test_a_planted_temporary_link_is_never_followed(tmp_path, monkeypatch):
    """A link planted where the temporary file will go is not written through (O_EXCL)."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    planted = tmp_path / ".x.json.nnviz-tmp-fixed"
    planted.symlink_to(victim)
    names = iter([planted, tmp_path / ".x.json.nnviz-tmp-other"])
    monkeypatch.setattr("nnviz.core.output.temp_name", lambda target: next(names))
    write_json(tmp_path / "x.json", [1])
    assert victim.read_text() == "precious"
    assert json.loads((tmp_path / "x.json").read_text()) == [1]


def test_missing_folder_and_folder_target_are_clear_errors(tmp_path):
    with pytest.raises(OutputError, match="the folder does not exist"):
        write_bytes(tmp_path / "nope" / "x.json", b"{}")
    with pytest.raises(OutputError, match="is a folder"):
        write_bytes(tmp_path, b"{}")


def test_read_only_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            write_bytes(folder / "x.json", b"{}")
    finally:
        folder.chmod(0o700)


@needs_root
def test_a_device_node_stays_a_device(tmp_path):
    node = char_device(tmp_path / "null", 3)
    write_json(node, {"steps": [1, 2, 3]})
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert leftovers(tmp_path) == []


@needs_root
def test_cli_trace_into_a_device_node_leaves_it_a_device(tmp_path):
    node = char_device(tmp_path / "null", 3)
    r = nnviz("trace", "xor", "--steps", "3", "--json", str(node))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.listdir(tmp_path) == ["null"]


@needs_root
def test_a_full_device_is_exit_2_and_one_line(tmp_path):
    node = char_device(tmp_path / "full", 7)
    r = nnviz("trace", "xor", "--json", str(node))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "No space left on device" in r.stderr
    assert "Traceback" not in r.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_fifo_reader_receives_the_whole_document(tmp_path):
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = nnviz("trace", "two-two-two", "--steps", "40", "--json", str(fifo))
    reader.join(timeout=60)
    assert r.returncode == 0, r.stderr
    doc = json.loads(got[0])
    assert len(doc["steps"]) == 40
    assert doc["steps"][0]["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["trace.fifo"]


def test_a_unix_socket_receives_the_document(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
        got.append(b"".join(chunks))
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    write_json(path, {"x": list(range(10000))})
    t.join(timeout=30)
    server.close()
    assert json.loads(got[0]) == {"x": list(range(10000))}
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_link_keeps_pointing_where_it_did(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    target = course / "trace.json"
    target.write_text("old")
    link = tmp_path / "trace.json"
    link.symlink_to(target)
    r = nnviz("trace", "xor", "--json", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["steps"][0]["step"] == 1
    assert leftovers(tmp_path) == [] and leftovers(course) == []


def test_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "real.json")
    write_json(link, [1])
    assert link.is_symlink()
    assert json.loads((tmp_path / "real.json").read_text()) == [1]


def test_links_are_refused_where_output_must_not_follow_them(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "step001-01-forward-L1.png"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_bytes(link, b"png", follow_links=False)
    assert victim.read_text() == "precious"


def test_export_force_does_not_write_through_a_planted_link(tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "step001-01-forward-L1.png").symlink_to(victim)
    r = nnviz("export", "xor", "--out", str(out), "--force")
    # --force removes an earlier export's files, a link of that name included (the link, never
    # what it points to), then writes a regular file in its place
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "precious"
    assert not (out / "step001-01-forward-L1.png").is_symlink()


def test_stdout_streams_a_whole_document():
    r = nnviz("trace", "xor", "--steps", "5", "--json", "-")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["steps"]) == 5


def test_closed_stdout_is_exit_2_and_one_line():
    r = subprocess.run(
        [*NNVIZ, "trace", "xor", "--json", "-"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env=ENV,
        preexec_fn=lambda: os.close(1),
    )
    assert r.returncode == 2
    assert r.stderr == "nnviz: standard output is closed\n"


def test_failing_stdout_is_exit_2_and_one_line():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [*NNVIZ, "trace", "xor", "--steps", "50", "--json", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=ENV,
        )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "No space left on device" in r.stderr


def test_a_reader_that_goes_away_ends_quietly():
    proc = subprocess.Popen(
        [*NNVIZ, "trace", "spiral", "--steps", "3000", "--json", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()  # the reader (head, less) stops reading
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == b""


def test_stale_temporaries_are_swept(tmp_path):
    old = tmp_path / f".a.nnviz{TEMP_MARK}0123456789abcdef"
    new = tmp_path / f".b.nnviz{TEMP_MARK}fedcba9876543210"
    mine = tmp_path / "keep.nnviz"
    for p in (old, new, mine):
        p.write_text("x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    os.utime(mine, (past, past))
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(os.listdir(tmp_path)) == sorted([new.name, mine.name])
