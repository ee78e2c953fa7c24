"""The ``nnviz`` command: no sub-command opens the window; ``trace``, ``presets``, … run headless.

Heavy imports (torch, Qt) happen inside the branch that needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from nnviz._version import __version__
from nnviz.core.limits import TRACE_MAX_STEPS

MAX_TRACE_STEPS = TRACE_MAX_STEPS
COMMANDS = ("trace", "presets", "export", "race", "lesson")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def _window_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="nnviz",
        description="Step a neural network's forward pass, loss, backward pass and update.",
        epilog="Headless commands: nnviz trace … , nnviz presets, nnviz lesson check … "
        "(see `nnviz trace --help`).",
    )
    p.add_argument("network", nargs="?", help="network file (.json) or preset name; default xor")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument(
        "--verbose", action="store_true", help="with --version: PyTorch, Qt, the training kernel"
    )
    p.add_argument(
        "--install-desktop",
        action="store_true",
        help="install the launcher, icons, .nnviz file type and metadata for this user (Linux)",
    )
    p.add_argument(
        "--uninstall-desktop", action="store_true", help="remove what --install-desktop installed"
    )
    add_outside_flag(p)
    return p


def add_outside_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-outside-data",
        action="store_true",
        help="read a data (CSV) file the network file names outside its own folder",
    )


def _trace_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="nnviz trace", description="Run training steps and write every number as JSON."
    )
    p.add_argument("network", help="network file (.json) or preset name")
    p.add_argument("--steps", type=int, default=1, help="number of steps (batches) to run")
    p.add_argument("--device", choices=("cpu", "cuda", "auto"), help="override the file's device")
    p.add_argument("--dtype", choices=("float32", "float64"), help="override the file's dtype")
    p.add_argument("--json", required=True, metavar="OUT", help="output file, or - for stdout")
    add_outside_flag(p)
    return p


def _presets_parser() -> argparse.ArgumentParser:
    return _Parser(prog="nnviz presets", description="List the presets shipped with nnviz.")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "trace":
            return _trace(_trace_parser().parse_args(args[1:]))
        if args and args[0] == "presets":
            _presets_parser().parse_args(args[1:])
            return _presets()
        if args and args[0] == "export":
            from nnviz.export_cli import run_export

            return run_export(args[1:])
        if args and args[0] == "race":
            from nnviz.race_cli import run_race

            return run_race(args[1:])
        if args and args[0] == "lesson":
            from nnviz.lesson_cli import run_lesson

            return run_lesson(args[1:])
        ns = _window_parser().parse_args(args)
        if ns.version:
            from nnviz.about import version_line, version_report

            print(version_report() if ns.verbose else version_line())
            return 0
        if ns.install_desktop or ns.uninstall_desktop:
            from nnviz import desktop

            return desktop.install() if ns.install_desktop else desktop.uninstall()
        from nnviz.gui import app

        if ns.network:
            from nnviz.core.errors import NnvizError
            from nnviz.core.session_file import check_openable

            try:
                check_openable(ns.network)  # a bad file is reported here, before any window opens
            except NnvizError as exc:
                print(f"nnviz: {exc}", file=sys.stderr)
                if app.wants_dialog():  # started from a launcher: nobody reads stderr
                    app.show_error_dialog(str(exc))
                return 2
        problem = app.display_problem()
        if problem:
            print(f"nnviz: {problem}", file=sys.stderr)
            return 2
        return app.run_app(ns.network, allow_outside_data=ns.allow_outside_data)
    except KeyboardInterrupt:
        print("nnviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()  # the reader went away: stop quietly, as Unix tools do
        return 141
    except Exception as exc:
        from nnviz.core.errors import NnvizError

        if isinstance(exc, NnvizError):
            print(f"nnviz: {exc}", file=sys.stderr)
            return 2
        raise


def _silence_stdout() -> None:
    """Point standard output at the null device so the interpreter's final flush of a broken
    pipe cannot print a traceback."""
    import os

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, AttributeError, ValueError):
        pass


def _presets() -> int:
    from nnviz.core.netfile import load, preset_names

    for name in preset_names():
        spec, _ = load(name)
        sizes = "-".join(map(str, spec.layers))
        print(f"{name:16} {sizes:24} {spec.name}")
    return 0


def _trace(ns: argparse.Namespace) -> int:
    from nnviz.core.errors import NnvizError

    if not 1 <= ns.steps <= MAX_TRACE_STEPS:
        raise NnvizError(f"--steps must be between 1 and {MAX_TRACE_STEPS}, found {ns.steps}")
    from nnviz.core.netfile import load
    from nnviz.core.output import open_output
    from nnviz.core.spec import to_dict

    spec, base = load(ns.network)
    engine = headless_engine(spec, base, ns)
    check_trace_size(engine, ns.steps, ns.network, "the trace's JSON")
    head = {
        "nnviz": __version__,
        "network": to_dict(spec),
        "device": str(engine.device),
        "dtype": engine.dtype_name,
        "phases": _phases(len(spec.layers) - 1),
    }
    # Steps are written as they are computed, so memory does not grow with --steps; a regular
    # file appears (atomically) only once the document is whole.
    with open_output(ns.json) as out:
        out.write(json.dumps(head, allow_nan=False)[:-1].encode() + b', "steps": [')
        for k in range(ns.steps):
            step = json.dumps(engine.step().to_json(), allow_nan=False)
            out.write(((", " if k else "") + step).encode())
        out.write(b"]}\n")
    return 0


def check_trace_size(engine, steps: int, where: str, what: str) -> None:
    """Refuse a trace whose JSON would not fit the budgets: one step encoded at a time (memory)
    and all of them written (TRACE_MAX_OUTPUT_BYTES), both estimated from the sizes."""
    from nnviz.core.errors import BudgetError
    from nnviz.core.limits import (
        TRACE_MAX_OUTPUT_BYTES,
        check_memory,
        json_step_bytes,
        size_text,
        trace_output_bytes,
    )

    layers = engine.spec.layers
    batch = min(engine.spec.batch_size, max(engine.dataset.n_train, 1))
    check_memory(engine.needed_bytes() + json_step_bytes(layers, batch), f"{what}, one step", where)
    out = trace_output_bytes(layers, batch, steps)
    if out > TRACE_MAX_OUTPUT_BYTES:
        raise BudgetError(
            f"{what} for {steps:,} steps would be about {size_text(out)}, more than the limit "
            f"of {size_text(TRACE_MAX_OUTPUT_BYTES)}; ask for fewer steps",
            where,
        )


def headless_engine(spec, base, ns: argparse.Namespace):
    """The engine for a command-line run: data errors name the network file, device notes go
    to stderr."""
    from nnviz.core.engine import Engine
    from nnviz.core.errors import NnvizError
    from nnviz.core.netfile import in_file, resolve

    try:
        engine = Engine(
            spec,
            base_dir=base,
            device=ns.device,
            dtype=ns.dtype,
            allow_outside_data=getattr(ns, "allow_outside_data", False),
        )
    except NnvizError as exc:
        raise in_file(exc, str(resolve(ns.network))) from None
    for note in engine.notes:
        print(f"nnviz: {note}", file=sys.stderr)
    return engine


def _phases(n_layers: int) -> list[str]:
    from nnviz.core.phases import phase_names

    return phase_names(n_layers)


if __name__ == "__main__":
    sys.exit(main())
