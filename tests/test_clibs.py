"""The PDF worker imports weasyprint with its C libraries found from one ldconfig listing
(apdoc.clibs), not a process per library name it tries."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apdoc import clibs

linux_with_ldconfig = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not os.path.exists(clibs.LDCONFIG), reason="ldconfig is Linux's")


@linux_with_ldconfig
def test_weasyprint_is_imported_with_one_process_started() -> None:
    """Asked as weasyprint asks (cffi → ctypes.util.find_library for each of ~20 names), the
    usual lookups ran ldconfig for each name and gcc and ld for each miss: ~60 processes."""
    probe = (
        "import subprocess, sys\n"
        "started = []\n"
        "class Counted(subprocess.Popen):\n"
        "    def __init__(self, args, *rest, **options):\n"
        "        started.append(args[0])\n"
        "        super().__init__(args, *rest, **options)\n"
        "subprocess.Popen = Counted\n"
        "from apdoc.clibs import import_module\n"
        "import_module('weasyprint')\n"
        "print(started)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LIBRARY_PATH")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr([clibs.LDCONFIG])


@linux_with_ldconfig
@pytest.mark.parametrize("name", ["gobject-2.0", "libgobject-2.0-0", "pango-1.0", "harfbuzz", "harfbuzz-subset",
                                  "harfbuzz-vector", "fontconfig-1", "fontconfig", "pangoft2-1.0", "c",
                                  "apdoc-no-such-library"])
def test_the_listing_answers_as_find_library_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LD_LIBRARY_PATH", "LIBRARY_PATH"):
        monkeypatch.delenv(variable, raising=False)
    finder = clibs._listed_library_finder()
    assert finder is not None
    assert finder(name) == ctypes.util.find_library(name)


def test_with_a_library_path_the_lookups_are_the_usual_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """gcc and ld may then find libraries ldconfig does not list."""
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/lib")
    assert clibs._listed_library_finder() is None


@linux_with_ldconfig
def test_a_library_only_the_usual_lookups_find_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """An import that fails with the listing (as weasyprint does, saying how to install the
    library) is done again the usual way, and says nothing of the first try."""
    stock = ctypes.util.find_library
    (tmp_path / "apdoc_clibs_probe").mkdir()
    (tmp_path / "apdoc_clibs_probe" / "__init__.py").write_text(
        "import ctypes.util\n"
        "from . import part\n"
        "if ctypes.util.find_library.__module__ != 'ctypes.util':\n"
        "    print('install the library')\n"
        "    raise OSError('cannot load library')\n"
        "found_by = ctypes.util.find_library.__module__\n")
    (tmp_path / "apdoc_clibs_probe" / "part.py").write_text("loads = globals().get('loads', 0) + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for variable in ("LD_LIBRARY_PATH", "LIBRARY_PATH"):
        monkeypatch.delenv(variable, raising=False)
    try:
        module = clibs.import_module("apdoc_clibs_probe")
        assert module.found_by == "ctypes.util" and module.part.loads == 1  # imported afresh
        assert ctypes.util.find_library is stock
        assert capsys.readouterr().out == ""
    finally:
        for name in ("apdoc_clibs_probe", "apdoc_clibs_probe.part"):
            sys.modules.pop(name, None)


def test_the_heap_s_free_pages_go_back_to_the_system() -> None:
    """A large tree freed leaves its memory in the C heap's free lists (lxml's nodes are small
    allocations); give_back_memory hands the free pages back, as the DOCX reader does after a
    read. In a process of its own, so that nothing else in the test run holds the heap."""
    probe = (
        "from pathlib import Path\n"
        "from lxml import etree\n"
        "from apdoc.clibs import give_back_memory\n"
        "def rss():\n"
        "    return int(Path('/proc/self/status').read_text().split('VmRSS:')[1].split()[0]) >> 10\n"
        "root = etree.Element('r')\n"
        "for n in range(300_000):\n"
        "    etree.SubElement(root, 'e', a=str(n)).text = 'x' * 20\n"
        "keep = etree.SubElement(etree.Element('k'), 'last')  # allocated after: the heap's top stays\n"
        "del root\n"
        "freed = rss()\n"
        "give_back_memory()\n"
        "print(freed, rss())\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    freed, trimmed = map(int, result.stdout.split())
    assert trimmed < freed - 50, (freed, trimmed)
