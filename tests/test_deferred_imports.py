"""What weasyprint imports as it starts and rarely needs (fontTools' subsetter and variable-font
instancer) is imported when first used: the PDF process starts sooner, the PDF is the same, and
the deferred modules work when something does use them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str) -> str:
    """Run `code` in a fresh interpreter (nothing imported yet) and return what it prints."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_weasyprint_leaves_the_subsetter_and_the_instancer_for_later() -> None:
    out = _python("""
        import sys
        from apdoc.clibs import import_module
        import_module("weasyprint")
        subset = sys.modules["fontTools.subset"]
        print("varLib" if "fontTools.varLib" in sys.modules else "no varLib",
              type(subset).__name__, sys.modules["fontTools.varLib.instancer"].__spec__ is None)
    """)
    assert out.split() == ["no", "varLib", "_LazyModule", "True"]


def test_the_deferred_modules_work_when_weasyprint_uses_them() -> None:
    """weasyprint's own names for them: the subsetter subsets a real font, and the instancer's
    function is the real one's (it refuses a font that is not variable as the real one does)."""
    font = subprocess.run(["fc-match", "-f", "%{file}", "sans"], capture_output=True, text=True,
                          check=True).stdout
    out = _python("""
        import sys
        from apdoc.clibs import import_module
        import_module("weasyprint")
        from weasyprint.pdf import fonts
        from fontTools.ttLib import TTFont
        font = TTFont(sys.argv[1])
        subsetter = fonts.subset.Subsetter(fonts.subset.Options())
        subsetter.populate(text="TD")
        subsetter.subset(font)
        print(len(font.getGlyphOrder()) < 10)
        def refusal(instantiate):
            try:
                instantiate(font, {"wght": 400})
            except Exception as error:
                return f"{type(error).__name__}: {error}"
        through_weasyprint = refusal(fonts.instantiateVariableFont)
        from fontTools.varLib.instancer import instantiateVariableFont
        print(through_weasyprint == refusal(instantiateVariableFont), through_weasyprint is not None)
    """, font)
    assert out.split() == ["True", "True", "True"]


def test_the_pdf_is_the_same_with_the_modules_deferred(tmp_path: Path) -> None:
    code = """
        import sys
        import apdoc.deferred_imports as deferred
        if sys.argv[1] == "all at once":
            deferred.RARELY_NEEDED.clear()
        from apdoc.clibs import import_module
        import_module("weasyprint")
        from apdoc.layout.render import render_html
        from apdoc.plan.load import load_plan
        from apdoc.writers.pdf import write_pdf
        from pathlib import Path
        Path(sys.argv[2]).write_bytes(write_pdf(render_html(load_plan(Path("plan")))))
    """
    deferred, at_once = tmp_path / "deferred.pdf", tmp_path / "at-once.pdf"
    _python(code, "deferred", str(deferred))
    _python(code, "all at once", str(at_once))
    assert deferred.read_bytes() == at_once.read_bytes()
