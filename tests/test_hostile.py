"""The hostile corpus (tests/hostile.py) in CI: every input ends with exit status 2 and one
short printable line (no traceback), each within 20 s, the whole run under 1 GB peak RSS, the
process held to an address-space limit so a regression cannot exhaust the machine."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import make_corpus

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_LIMIT = 6 * 2**30  # torch alone reserves ~0.7 GB of address space
PEAK_RSS_LIMIT = 2**30
CASE_SECONDS = 20


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> tuple[list[dict], dict[str, dict]]:
    folder = tmp_path_factory.mktemp("hostile")
    cases = make_corpus(folder)
    (folder / "cases.json").write_text(json.dumps(cases))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "hostile_runner.py"), str(folder / "cases.json")],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit,
        cwd=folder,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "NNVIZ_MEMORY_BUDGET": ""},
    )
    got = {r["name"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert len(got) == len(cases), proc.stderr[-3000:]
    return cases, got


def test_corpus_is_big_enough(results):
    cases, _ = results
    assert len(cases) >= 40


def test_every_hostile_input_gets_one_printable_line(results):
    cases, got = results
    bad = []
    for case in cases:
        r = got[case["name"]]
        lines = r["stderr"].splitlines()
        ok = (
            r["rc"] == 2
            and len(lines) == 1
            and lines[0].isprintable()
            and len(lines[0]) <= 600
            and "Traceback" not in r["stderr"]
            and case["expect"].lower() in lines[0].lower()
            and r["seconds"] < CASE_SECONDS
        )
        if not ok:
            bad.append((case["name"], r["rc"], round(r["seconds"], 1), r["stderr"][-400:]))
    assert not bad, "\n".join(map(repr, bad))


def test_hostile_corpus_stays_under_a_gigabyte(results):
    _, got = results
    peak = max(r["peak_rss"] for r in got.values())
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / 2**20:.0f} MiB"


def test_no_disclosure_of_other_files(results):
    _, got = results
    for name in ("csv-absolute.json", "csv-dotdot.json", "csv-symlink.json"):
        line = got[name]["stderr"]
        assert "hunter2" not in line and "password" not in line and "PATH=" not in line


def test_escape_sequences_are_shown_escaped(results):
    _, got = results
    for name in ("csv-escape-header.json", "escape-file-name"):
        line = got[name]["stderr"]
        assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
        assert "\\x1b" in line
