"""The desktop bundle's spec and build helpers, checked on any platform: the Windows and macOS
outputs are judged by running packaging/nnviz.spec against stand-ins for PyInstaller's build
steps, and the icon files by reading them back with a decoder of their own."""

from __future__ import annotations

import platform
import plistlib
import struct
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_config  # noqa: E402
import glibc_floor  # noqa: E402
import icon_formats  # noqa: E402
import notices  # noqa: E402

# Apple's ICNS element types holding PNG data and their pixel sizes (from Apple's icns docs).
APPLE_ICNS_SIZES = {
    b"icp4": 16,
    b"icp5": 32,
    b"icp6": 64,
    b"ic07": 128,
    b"ic08": 256,
    b"ic09": 512,
    b"ic10": 1024,
    b"ic11": 32,
    b"ic12": 64,
    b"ic13": 256,
    b"ic14": 512,
}


def _decoded_size(data: bytes) -> tuple[int, int]:
    from PySide6.QtGui import QImage

    img = QImage.fromData(data)
    assert not img.isNull()
    return img.width(), img.height()


def test_ico_entries_are_the_shipped_pngs_at_their_sizes(tmp_path):
    ico, _ = icon_formats.write_platform_icons(tmp_path)
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1) and count == 6
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        image = data[offset : offset + length]
        assert len(image) == length and planes == 1 and bpp == 32
        side = w or 256  # 0 stands for 256 in an ICO directory
        assert _decoded_size(image) == (side, side) and h == w
        sizes.append(side)
    assert sizes == [16, 32, 48, 64, 128, 256]
    assert offset + length == len(data)


def test_ico_reads_back_through_qts_own_ico_reader(tmp_path):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImageReader

    if b"ico" not in [bytes(f) for f in QImageReader.supportedImageFormats()]:
        pytest.skip("this Qt has no ICO reader")
    ico, _ = icon_formats.write_platform_icons(tmp_path)
    buf = QBuffer()
    buf.setData(QByteArray(ico.read_bytes()))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf, b"ico")
    widths = []
    for _ in range(reader.imageCount()):
        widths.append(reader.read().width())
        reader.jumpToNextImage()
    assert sorted(widths) == [16, 32, 48, 64, 128, 256]


def test_icns_elements_hold_pngs_of_the_sizes_apple_assigns_them(tmp_path):
    _, icns = icon_formats.write_platform_icons(tmp_path)
    data = icns.read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    pos, seen = 8, []
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        side = APPLE_ICNS_SIZES[kind]
        assert _decoded_size(data[pos + 8 : pos + length]) == (side, side)
        seen.append(kind)
        pos += length
    assert pos == len(data)
    assert {b"ic07", b"ic08", b"ic09", b"icp4", b"icp5"} <= set(seen)


class _Recorder:
    """Stand-ins for PyInstaller's build steps, recording what the spec asks of them."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.calls: dict[str, list] = {}

    def namespace(self, spec: Path, work: Path) -> dict:
        rec = self

        class Analysis:
            def __init__(self, scripts, **kw):
                rec.calls.setdefault("Analysis", []).append(kw)
                self.scripts = [("bundle_main", scripts[0], "PYSOURCE")]
                self.pure = [
                    (m, f"/x/{m}.py", "PYMODULE")
                    for m in ("torch", "numpy", "PySide6", "shiboken6", "pyqtgraph", "nnviz.cli")
                ]
                self.binaries = [
                    ("torch/lib/libtorch_cpu.so", "/x/libtorch_cpu.so", "BINARY"),
                    ("torch/lib/libtorchbind_test.so", "/x/libtorchbind_test.so", "BINARY"),
                    ("torch/lib/libjitbackend_test.so", "/x/libjitbackend_test.so", "BINARY"),
                    ("torch/bin/test_api", "/x/test_api", "BINARY"),
                    ("torch/bin/torch_shm_manager", "/x/torch_shm_manager", "BINARY"),
                    ("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY"),
                ]
                self.datas = [("torch/bin/test_interpreter_async.pt", "/x/t.pt", "DATA")]

        def step(name):
            def call(*args, **kw):
                rec.calls.setdefault(name, []).append((args, kw))
                if name == "COLLECT":
                    (rec.dist / kw["name"]).mkdir(parents=True, exist_ok=True)
                return name

            return call

        return {
            "SPECPATH": str(spec.parent),
            "DISTPATH": str(self.dist),
            "workpath": str(work),
            "Analysis": Analysis,
            **{n: step(n) for n in ("PYZ", "EXE", "COLLECT", "BUNDLE")},
        }


def _run_spec(tmp_path, monkeypatch, plat: str) -> _Recorder:
    import sysconfig

    sysconfig.get_config_vars()  # read for this platform first: a pretended one has no data
    monkeypatch.setattr(sys, "platform", plat)
    spec = PACKAGING / "nnviz.spec"
    rec = _Recorder(tmp_path / "dist")
    code = compile(spec.read_text(encoding="utf-8"), str(spec), "exec")
    exec(code, rec.namespace(spec, tmp_path / "work"))  # noqa: S102 (the spec is Python)
    return rec


def test_spec_on_windows_makes_a_windowed_exe_and_a_console_one_with_an_ico(tmp_path, monkeypatch):
    rec = _run_spec(tmp_path, monkeypatch, "win32")
    exes = {kw["name"]: kw for _, kw in rec.calls["EXE"]}
    assert exes["nnviz"]["console"] is False and exes["nnviz-cli"]["console"] is True
    icon = Path(exes["nnviz"]["icon"])
    assert icon.suffix == ".ico" and icon.read_bytes()[:4] == b"\0\0\1\0"
    assert "BUNDLE" not in rec.calls
    assert (tmp_path / "dist" / "nnviz" / "LICENSE").read_text().startswith("MIT License")


def test_spec_on_macos_makes_an_app_owning_the_session_type(tmp_path, monkeypatch):
    rec = _run_spec(tmp_path, monkeypatch, "darwin")
    [(args, exe)] = rec.calls["EXE"]
    assert exe["console"] is False and exe["argv_emulation"] is True
    [(_, app)] = rec.calls["BUNDLE"]
    assert app["name"] == "nnviz.app" and Path(app["icon"]).read_bytes()[:4] == b"icns"
    metainfo = ET.parse(ROOT / "resources" / "desktop" / "org.nnviz.nnviz.metainfo.xml")
    assert app["bundle_identifier"] == metainfo.findtext("id")
    plist = plistlib.loads(plistlib.dumps(app["info_plist"]))  # only plist types inside
    assert plist["CFBundleShortVersionString"] == app["version"] == bundle_config.version()
    [session_type] = plist["UTExportedTypeDeclarations"]
    assert session_type["UTTypeTagSpecification"]["public.filename-extension"] == ["nnviz"]
    owner = [d for d in plist["CFBundleDocumentTypes"] if d["LSHandlerRank"] == "Owner"]
    assert owner[0]["LSItemContentTypes"] == [session_type["UTTypeIdentifier"]]
    json_types = [
        d for d in plist["CFBundleDocumentTypes"] if "public.json" in d["LSItemContentTypes"]
    ]
    assert all(d["LSHandlerRank"] == "Alternate" for d in json_types)  # never JSON's default


def test_spec_on_linux_keeps_the_kernel_source_drops_torch_tests_and_adds_notices(
    tmp_path, monkeypatch
):
    rec = _run_spec(tmp_path, monkeypatch, "linux")
    [analysis] = rec.calls["Analysis"]
    assert analysis["module_collection_mode"]["nnviz.core.kernel"] == "pyz+py"
    ((_, collect_kw),) = rec.calls["COLLECT"]
    args = rec.calls["COLLECT"][0][0]
    binaries, datas = args[-2], args[-1]
    names = {entry[0] for entry in binaries} | {entry[0] for entry in datas}
    assert "torch/lib/libtorch_cpu.so" in names and "torch/bin/torch_shm_manager" in names
    assert not any("test" in n for n in names if n.startswith("torch/"))
    assert {"THIRD-PARTY-NOTICES.txt", "LICENSE"} <= names
    by_name = {entry[0]: Path(entry[1]) for entry in datas}
    lgpl = by_name["licenses/PySide6_Essentials/LGPL-3.0.txt"].read_text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3" in lgpl
    summary = by_name["THIRD-PARTY-NOTICES.txt"].read_text(encoding="utf-8")
    for dist in ("torch", "numpy", "PySide6_Essentials", "shiboken6", "pyqtgraph", "Python"):
        assert f"\n{dist} " in summary
    out = tmp_path / "dist" / "nnviz"
    assert "glibc" in (out / "README-BUNDLE.txt").read_text()
    assert (out / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8") == summary


def test_notices_copy_each_distributions_own_licence_text(tmp_path):
    from importlib import metadata

    notices.write_notices(tmp_path, {"torch", "numpy", "pyqtgraph"})
    for name in ("torch", "numpy", "pyqtgraph"):
        dist = metadata.distribution(name)
        main = next(f for f in dist.files if "dist-info/licenses/" in str(f))
        inner = str(main).split(".dist-info/", 1)[1].removeprefix("licenses/")
        copied = tmp_path / "licenses" / dist.metadata["Name"] / inner
        assert copied.read_bytes() == Path(dist.locate_file(main)).read_bytes()


def test_glibc_floor_is_the_highest_version_an_elf_file_names(tmp_path):
    (tmp_path / "lib.so").write_bytes(b"\x7fELF" + b"\0GLIBC_2.17\0x\0GLIBC_2.34\0GLIBC_2.3.4\0")
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_2.99\0")  # not an ELF file: ignored
    version, path = glibc_floor.glibc_floor(tmp_path)
    assert version == (2, 34, 0) and path.name == "lib.so"
    assert glibc_floor.describe(version) == "2.34"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF and glibc are Linux's")
def test_glibc_floor_of_this_python_is_at_most_the_running_glibc():
    lib, running = platform.libc_ver()
    if lib != "glibc":
        pytest.skip("not a glibc system")
    found = glibc_floor.needed_versions(Path(sys.executable).resolve())
    have = tuple(int(x) for x in running.split("."))
    assert found and max(found)[:2] <= have[:2]


def test_sdist_holds_what_its_test_suite_and_bundle_need(tmp_path):
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip("needs setuptools 77 or newer (licence files)")
    import subprocess

    res = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import setuptools.build_meta as b; b.build_sdist({str(tmp_path)!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    [sdist] = tmp_path.glob("nnviz-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = {
        "LICENSE",
        "README.md",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/reference.py",
    }
    for folder in ("tests", "tests/data", "packaging", "packaging/licenses", "resources/desktop"):
        wanted |= {
            str(p.relative_to(ROOT))
            for p in (ROOT / folder).iterdir()
            if p.is_file() and not p.name.endswith(".pyc")
        }
    assert wanted <= names, sorted(wanted - names)


def test_ci_runs_the_readme_test_command_as_written():
    """The README's second set-up command is what CI runs, word for word, and it installs the
    CPU build of PyTorch from PyTorch's own index before nnviz (a plain requirement would pull
    the multi-GB CUDA build on Linux)."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set-up") : readme.index("## Install")]
    blocks = [b.split("\n", 2)[2].split("```")[0].strip() for b in setup.split("```bash")[1:]]
    install, test = blocks
    assert install.endswith("&& nnviz") and test.endswith("&& python -m pytest")
    for command in (install, test):
        assert "python3 -m venv .venv && . .venv/bin/activate" in command
        cpu = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu && "
        assert cpu in command
        assert command.index(cpu) < command.index("pip install -e")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci
