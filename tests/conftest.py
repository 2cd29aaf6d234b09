from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PLAN = ROOT / "plan"
MINI_PLAN = Path(__file__).resolve().parent / "plans" / "mini"
# The seed document as plain text (a copy of shared/seed/, so the fidelity tests run anywhere).
SEED_TEXT = Path(__file__).resolve().parent / "fixtures" / "seed" / "000_0969e196f05934e3.txt"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the tests that open TDs in LibreOffice must run, not skip: `make test` installs it."""
    if os.environ.get("CI") == "true":
        uno = shutil.which("python3", path="/usr/bin") and os.path.exists("/usr/lib/python3/dist-packages/uno.py")
        if shutil.which("soffice") is None or not uno:
            pytest.exit("CI=true but LibreOffice (soffice) or python3-uno is missing: `make test` installs "
                        "libreoffice-writer-nogui and python3-uno; run it as root or install them", returncode=1)


def require_libreoffice(uno: bool = True) -> None:
    """The real-editor tests run, they never skip: `make test` installs LibreOffice (soffice) and
    its Python bridge (python3-uno); where they are missing these tests fail, saying so."""
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    has_uno = system_python is not None and subprocess.run(
        [system_python, "-c", "import uno"], capture_output=True).returncode == 0
    if shutil.which("soffice") is None or (uno and not has_uno):
        pytest.fail("LibreOffice (soffice)" + (" with python3-uno" if uno else "") + " is missing: `make test` "
                    "installs libreoffice-writer-nogui and python3-uno (run it as root, or install them)")


@pytest.fixture
def libreoffice() -> None:
    """For a test that edits or resolves a TD in LibreOffice through UNO."""
    require_libreoffice()


@pytest.fixture
def soffice() -> None:
    """For a test that converts a TD with soffice alone."""
    require_libreoffice(uno=False)


@pytest.fixture(scope="session")
def td(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed TD as `apdoc build` writes it, from a copy of plan/ (bytes: no test can change it)."""
    where = tmp_path_factory.mktemp("td")
    shutil.copytree(SEED_PLAN, where / "plan")
    code, _out, err = run_cli("build", "--plan", str(where / "plan"), "-o", str(where / "TD.docx"))
    assert code == 0, err
    return (where / "TD.docx").read_bytes()


@pytest.fixture
def mini_plan(tmp_path: Path) -> Path:
    """A writable copy of the small test plan."""
    target = tmp_path / "plan"
    shutil.copytree(MINI_PLAN, target)
    return target


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A writable copy of the seed plan."""
    target = tmp_path / "plan"
    shutil.copytree(SEED_PLAN, target)
    return target


@pytest.fixture
def seed_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two writable copies of the seed plan, (earlier, now), for a test that edits one and compares."""
    pair = tmp_path / "earlier", tmp_path / "now"
    for target in pair:
        shutil.copytree(SEED_PLAN, target)
    return pair


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run apdoc in-process: (exit code, stdout, stderr); no input may end in a traceback."""
    from click.testing import CliRunner

    from apdoc.cli import cli

    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """Replace one exact piece of text in a plan file (the test fails if it is not there)."""

    def _edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return _edit


def modules_after(*argv: str) -> set[str]:
    """The top-level packages imported by a whole `apdoc` run (it must succeed)."""
    probe = ("import runpy, sys\n"
             f"sys.argv = ['apdoc', '-q', *{list(argv)!r}]\n"
             "try:\n    runpy.run_module('apdoc', run_name='__main__')\nexcept SystemExit as exit:\n"
             "    assert not exit.code, exit.code\n"
             "print(' '.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work beside the build is forked even where `can_fork` would say no (one core): slower
    there, but forking is what the tests that ask for this fixture are about, so they never skip."""
    import apdoc.background
    import apdoc.build

    for module in (apdoc.background, apdoc.build):
        monkeypatch.setattr(module, "can_fork", lambda: True)
