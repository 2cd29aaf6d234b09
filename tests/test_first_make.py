"""The first `make`: it prints what it does, not setuptools' or pip's notices, and it leaves apdoc's
bytecode compiled (shells that set PYTHONDONTWRITEBYTECODE would otherwise recompile it at every start).

The Makefile's install step runs for real in a copy of the repository, with a venv of its own; only
apdoc's dependencies are left out (PIP_NO_DEPS: the step's pip and setuptools work is all there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_install_step_prints_its_commands_and_nothing_else(tmp_path: Path) -> None:
    copy = tmp_path / "apdoc"
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    env = {**os.environ, "PIP_NO_DEPS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(["make", "--no-print-directory", f"PYTHON={sys.executable}", ".venv/.installed-stamp"],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = (done.stdout + done.stderr).splitlines()
    assert all(line.startswith(".venv/bin/python -m ") for line in printed), "\n".join(printed)
    assert len(printed) == 3  # pip, apdoc, bytecode
    compiled = {path.name.split(".")[0] for path in (copy / "src/apdoc/__pycache__").glob("*.pyc")}
    assert {"cli", "build"} <= compiled


def test_a_failed_install_still_says_why(tmp_path: Path) -> None:
    """-qq hides warnings, not errors: a requirement that cannot be met is named and stops make."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (tmp_path / "Makefile").write_text(makefile, encoding="utf-8")
    project = '[project]\nname = "broken"\nversion = "0"\ndependencies = ["apdoc-no-such-package-i24==0"]\n'
    (tmp_path / "pyproject.toml").write_text(project, encoding="utf-8")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path)}
    done = subprocess.run(["make", "--no-print-directory", f"PYTHON={sys.executable}", ".venv/.installed-stamp"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "ERROR: " in done.stderr
    assert not (tmp_path / ".venv/.installed-stamp").exists()
