"""Runs hostile cases (see tests/hostile.py) in this one process and prints one JSON line per
case: exit status, what went to stderr, seconds, and the process's peak RSS so far.

Usage: python tests/hostile_runner.py CASES.json. Start it under a memory limit
(RLIMIT_AS): a regression then fails with MemoryError instead of exhausting the machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
import traceback


def run_case(case: dict) -> dict:
    from nnviz.cli import main
    from nnviz.core.errors import NnvizError
    from nnviz.core.model_file import load_model

    err = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            if case["kind"] == "cli":
                rc = main(case["args"])
            else:
                try:
                    load_model(case["args"][0], activations=["tanh", "tanh"])
                    rc = 0
                except NnvizError as exc:
                    print(f"nnviz: {exc}", file=sys.stderr)
                    rc = 2
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 (a traceback is what the test looks for)
            traceback.print_exc()
            rc = -1
    return {
        "name": case["name"],
        "rc": rc,
        "stderr": err.getvalue(),
        "seconds": time.perf_counter() - start,
        "peak_rss": peak_rss(),
    }


def peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM, which starts afresh at exec (the
    rusage figure would start from the parent's peak at fork, e.g. a big pytest process)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import nnviz.cli  # noqa: F401 (imports are not the cases' memory)
    import nnviz.core.engine  # noqa: F401

    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        print(json.dumps(run_case(case)), flush=True)


if __name__ == "__main__":
    main()
