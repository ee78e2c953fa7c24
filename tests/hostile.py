"""A corpus of hostile inputs, made at test time: small files that declare huge work, files that
try to read or disclose other files, files that print escape sequences, and inputs that are
wrong but used to be accepted. ``make_corpus(folder)`` writes them and returns the cases; each is
run by ``tests/hostile_runner.py`` (all in one process under a memory limit) and must end with
exit status 2 and one short printable line, within the time and memory limits.

A case is ``{"name", "kind", "args", "expect"}``: kind ``cli`` runs ``nnviz <args>``, kind
``weights`` loads a weights file (no command reads them), ``expect`` is a word the message holds.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path


def _net(folder: Path, name: str, doc: dict | str) -> str:
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def _cli(name: str, args: list[str], expect: str) -> dict:
    return {"name": name, "kind": "cli", "args": args, "expect": expect}


def make_corpus(folder: Path) -> list[dict]:  # noqa: PLR0915 (one list of cases)
    folder.mkdir(parents=True, exist_ok=True)
    net = folder / "nets"
    net.mkdir(exist_ok=True)
    cases: list[dict] = []

    def trace(name: str, doc: dict | str, expect: str, *extra: str) -> None:
        path = _net(net, name, doc)
        cases.append(_cli(name, ["trace", path, "--json", os.devnull, *extra], expect))

    small = {"layers": [2, 2, 1], "activations": "sigmoid"}
    # --- small files declaring huge work (memory budget) ---
    trace(
        "wide-2048-4096-4096.json",
        {
            "layers": [2048, 4096, 4096],
            "activations": "tanh",
            "data": {"inputs": [[0] * 2048], "targets": [[0] * 4096]},
        },
        "memory",
    )
    trace(
        "class-indices-8192.json",
        {
            "layers": [2, 8192],
            "activations": "softmax",
            "loss": "cross_entropy",
            "data": {"inputs": [[0, 0]] * 12000, "targets": [8191] * 12000},
        },
        "memory",
    )
    trace(
        "batch-200000.json",
        {
            "layers": [2, 4096, 4096, 1],
            "activations": "tanh",
            "batch_size": 200000,
            "data": {"dataset": "spiral", "n": 200000},
        },
        "memory",
    )
    trace(
        "million-empty-rows.json",
        '{"layers": [8192, 1], "activations": "sigmoid", "data": {"inputs": ['
        + ",".join(["[]"] * 1_000_000)
        + '], "targets": [[0]]}}',
        "memory",
    )
    trace("too-many-parameters.json", {"layers": [8192] * 5, "activations": "tanh"}, "limit")
    trace(
        "generated-huge-net.json",
        {"layers": [2, 8192, 8192, 1], "activations": "relu", "data": {"dataset": "spiral"}},
        "memory",
    )
    cases.append(
        _cli(
            "trace-spiral-100000",
            ["trace", "spiral", "--steps", "100000", "--json", os.devnull],
            "limit",
        )  # fmt: skip
    )
    cases.append(
        _cli(
            "gif-8192",
            [
                "export",
                "xor",
                "--format",
                "gif",
                "--size",
                "8192x8192",
                "--steps",
                "3",
                "--out",
                str(folder / "gif-out"),
            ],
            "memory",
        )  # fmt: skip
    )
    cases.append(
        _cli(
            "export-huge-side",
            ["export", "xor", "--size", "99999x99999", "--out", str(folder / "x")],
            "--size",
        )  # fmt: skip
    )
    cases.append(_cli("trace-too-many-steps", ["trace", "xor", "--steps", "10000000",
                                               "--json", os.devnull], "--steps"))  # fmt: skip
    # --- parsing bombs ---
    bomb = net / "empty-lists.json"
    with bomb.open("w") as f:
        f.write("[" + "[]," * 9_000_000 + "[]]")
    cases.append(_cli("empty-lists.json", ["trace", str(bomb), "--json", os.devnull], "parsing"))
    trace("deep.json", "[" * 100_000 + "]" * 100_000, "nested")
    trace("long-int.json", '{"layers": [2, 1], "seed": 1' + "0" * 100_000 + "}", "limit")
    trace("huge-float.json", '{"layers": [2, 1], "activations": "tanh", "optimizer": '
          '{"name": "sgd", "lr": 1e400}}', "lr")  # fmt: skip
    trace("nan.json", '{"layers": [2, 1], "activations": "sigmoid", "seed": NaN}', "NaN")
    trace("duplicate-keys.json", '{"layers": [2, 1], "layers": [2, 1], "activations": "tanh"}',
          "duplicate")  # fmt: skip
    (net / "latin1.json").write_bytes(b'{"name": "\xff\xfe"}')
    cases.append(_cli("latin1.json", ["trace", str(net / "latin1.json"), "--json", os.devnull],
                      "UTF-8"))  # fmt: skip
    cases.append(_cli("dev-zero", ["trace", "/dev/zero", "--json", os.devnull], "regular"))
    fifo = net / "fifo.json"
    os.mkfifo(fifo)
    cases.append(_cli("fifo.json", ["trace", str(fifo), "--json", os.devnull], "regular"))
    cases.append(_cli("folder", ["trace", str(net), "--json", os.devnull], "regular"))
    # --- wrong but once accepted ---
    trace("nested-bias.json", {**small, "biases": [[[0.1], [0.2]], [0.3]]}, "list")
    trace("ragged-bias.json", {**small, "biases": [[[0.1], 0.2], [[0.1, [2]]]]}, "bias")
    trace(
        "bce-target-2.json",
        {**small, "loss": "bce", "data": {"inputs": [[0, 0], [1, 1]], "targets": [[2], [-1]]}},
        "between 0 and 1",
    )
    ce = {"layers": [2, 2], "activations": "softmax", "loss": "cross_entropy"}
    trace(
        "ce-target-negative.json",
        {**ce, "data": {"inputs": [[0, 0]], "targets": [[-0.2, 1.2]]}},
        "between 0 and 1",
    )
    trace(
        "ce-target-2.json",
        {**ce, "data": {"inputs": [[0, 0]], "targets": [[2, 0]]}},
        "between 0 and 1",
    )
    trace(
        "ce-row-sum.json",
        {**ce, "data": {"inputs": [[0, 0]], "targets": [[0.5, 0.7]]}},
        "sum to 1",
    )
    # --- reading other files, disclosure, escape sequences ---
    secret = folder / "secret.csv"
    secret.write_text("password,hunter2\n1,2\n")
    csv_net = {"layers": [1, 1], "activations": "sigmoid"}
    trace("csv-absolute.json", {**csv_net, "data": {"csv": "/proc/self/environ"}}, "outside")
    trace("csv-dotdot.json", {**csv_net, "data": {"csv": "../secret.csv"}}, "outside")
    os.symlink(secret, net / "link.csv")
    trace("csv-symlink.json", {**csv_net, "data": {"csv": "link.csv"}}, "outside")
    (net / "escape.csv").write_text("\x1b]0;pwned\x07\x1b[2J,b\u202e,y\n1,2,0\n3,4,1\n")
    trace("csv-escape-header.json",
          {**csv_net, "layers": [2, 1], "data": {"csv": "escape.csv", "inputs": ["nope", "b"]}},
          "no column")  # fmt: skip
    (net / "long-header.csv").write_text("a" * 3_000_000 + ",y\n1,0\n")
    trace("csv-3mb-header.json", {**csv_net, "data": {"csv": "long-header.csv"}}, "longer")
    (net / "one-line.csv").write_text("1," * 2_500_000 + "1\n")
    trace("csv-one-line.json", {**csv_net, "data": {"csv": "one-line.csv"}}, "longer")
    (net / "wide.csv").write_text(",".join(["1"] * 100_000) + "\n")
    trace("csv-100000-columns.json", {**csv_net, "data": {"csv": "wide.csv"}}, "columns")
    trace("csv-dev-zero.json", {**csv_net, "data": {"csv": "/dev/zero"}}, "outside")
    os.symlink("/dev/zero", net / "zero.csv")
    trace("csv-dev-zero-link.json", {**csv_net, "data": {"csv": "zero.csv"}}, "outside")
    (net / "cell.csv").write_text("a,y\n" + "1" * 200_000 + ",0\n")
    trace("csv-long-cell.json", {**csv_net, "data": {"csv": "cell.csv"}}, "field")
    weird = net / "evil\x1b]0;title\x07\nname.json"
    weird.write_text("{")
    cases.append(_cli("escape-file-name", ["trace", str(weird), "--json", os.devnull], "JSON"))
    # --- sessions ---
    session = {"nnviz_session": 1, "network": small, "steps": 10, "edits": [
        {"after_step": 0, "layer": 0, "row": 0, "col": 0, "value": 1.0}] * 100_001}  # fmt: skip
    path = _net(net, "many-edits.nnviz", session)
    cases.append(_cli("many-edits.nnviz", [path], "edits"))
    # --- weight files (read by nnviz.core.model_file.load_model only) ---
    cases.extend(_weights(folder))
    return cases


def _weights(folder: Path) -> list[dict]:
    import torch

    out = []

    def case(name: str, obj, expect: str) -> None:
        path = folder / name
        torch.save(obj, path)
        out.append({"name": name, "kind": "weights", "args": [str(path)], "expect": expect})

    zero = torch.zeros(1)
    case(
        "stride0.pt",
        {"0.weight": zero.expand(8192, 8192), "0.bias": zero.expand(8192),
         "1.weight": zero.expand(8192, 8192), "1.bias": zero.expand(8192)},
        "memory",
    )  # fmt: skip
    case("stride0-tall.pt", {"0.weight": zero.expand(10**6, 2), "0.bias": zero.expand(10**6)},
         "at most")  # fmt: skip
    case("sparse.pt", {"0.weight": torch.zeros(3, 2).to_sparse(), "0.bias": torch.zeros(3)},
         "dense")  # fmt: skip
    case("complex.pt", {"0.weight": torch.zeros(3, 2, dtype=torch.complex64),
                        "0.bias": torch.zeros(3)}, "real")  # fmt: skip
    case("nan.pt", {"0.weight": torch.full((3, 2), float("nan")), "0.bias": torch.zeros(3)},
         "finite")  # fmt: skip
    case("3d.pt", {"0.weight": torch.zeros(2, 2, 2), "0.bias": torch.zeros(2)}, "dimensions")
    # a deflate bomb: a small zip whose entry expands to 150 MB
    bomb = folder / "bomb.pt"
    torch.save({"0.weight": torch.zeros(1, 1), "0.bias": torch.zeros(1)}, bomb)
    with zipfile.ZipFile(bomb) as z:
        prefix = z.namelist()[0].split("/")[0]
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{prefix}/data/99", b"\0" * 150_000_000)
    out.append({"name": "bomb.pt", "kind": "weights", "args": [str(bomb)], "expect": "bomb"})
    return out
