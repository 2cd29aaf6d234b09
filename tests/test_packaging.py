"""The wheel: a non-editable install, with no checkout at hand, builds every format alike.

The templates live at the top of the repository (templates/), outside src/; setup.py maps
them into the wheel as apdoc/templates/. A package or template missing from the wheel
fails here, not on a user's machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEED_PLAN


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(folder)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"pip wheel failed:\n{done.stderr}")
        pytest.skip(f"pip cannot build a wheel here (offline?): {done.stderr.strip().splitlines()[-1:]}")
    return next(folder.glob("apdoc-*.whl"))


def test_the_wheel_holds_every_module_and_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"apdoc/{p.relative_to(ROOT / 'src' / 'apdoc').as_posix()}"
               for p in (ROOT / "src" / "apdoc").rglob("*.py")}
    templates = {f"apdoc/templates/{p.name}" for p in (ROOT / "templates").iterdir() if p.is_file()}
    assert templates >= {"apdoc/templates/td.html.j2", "apdoc/templates/td.css", "apdoc/templates/styles.xml"}
    assert modules - names == set() and templates - names == set()


def test_an_installed_apdoc_builds_every_format_as_the_checkout_does(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import apdoc.defaults as d; print(d.PACKAGED_TEMPLATES)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == site / "apdoc" / "templates"  # the installed copy, not this checkout
    work = tmp_path / "empty"  # no templates/ beside the plan: only the packaged look
    shutil.copytree(SEED_PLAN, work / "plan")
    installed = subprocess.run([sys.executable, "-m", "apdoc", "build", "--format", "all", "-o", "out/"],
                               cwd=work, env=env,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    from apdoc.build import BuildRequest, build_formats
    from apdoc.writers import WRITERS

    checkout = build_formats(BuildRequest(work / "plan", dict.fromkeys(WRITERS),  # dated alike
                                          folder=tmp_path / "checkout"))
    assert sorted(p.name for p in (work / "out").iterdir()) == sorted(p.name for p in checkout)
    for path in checkout:
        assert (work / "out" / path.name).read_bytes() == path.read_bytes(), path.name
