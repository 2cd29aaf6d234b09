"""Importing a library that opens C libraries by name (weasyprint: pango, harfbuzz, fontconfig…)
without starting processes for every name it tries.

weasyprint asks cffi for each of its C libraries under several names (Windows' and macOS' among
them), and cffi asks `ctypes.util.find_library` for each name. On Linux that function runs
/sbin/ldconfig for every name and, for a name ldconfig does not list, gcc and ld as well (ctypes'
documentation says so): importing weasyprint on a machine with a compiler starts about sixty
processes, on the PDF's critical path (its process imports weasyprint while the plan is laid
out). `import_module` answers those lookups from one ldconfig listing, as find_library's own
first step does. Where gcc and ld could find more than ldconfig lists (with
LD_LIBRARY_PATH or LIBRARY_PATH set), or elsewhere than on Linux, the import is the usual one.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .deferred_imports import defer_rarely_needed

LDCONFIG = "/sbin/ldconfig"
# ldconfig's name for this machine's ABI, as ctypes.util reads its listing.
_ABI = {"x86_64": "libc6,x86-64", "ppc64": "libc6,64bit", "sparc64": "libc6,64bit", "s390x": "libc6,64bit",
        "ia64": "libc6,IA-64"}


def import_module(name: str) -> ModuleType:
    """`importlib.import_module(name)`, with C libraries found from one ldconfig listing, and
    what the library imports but rarely needs put off until used (apdoc.deferred_imports)."""
    if name in sys.modules:
        return sys.modules[name]
    defer_rarely_needed(name)
    finder = _listed_library_finder()
    if finder is None:
        return importlib.import_module(name)
    import ctypes.util

    stock = ctypes.util.find_library
    ctypes.util.find_library = finder
    try:
        # weasyprint prints how to install a library it cannot open before it raises: not yet.
        with contextlib.redirect_stdout(io.StringIO()):
            return importlib.import_module(name)
    except OSError:  # a library the listing lacks: forget the half-imported modules, ask as usual
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]
    finally:
        ctypes.util.find_library = stock
    return importlib.import_module(name)


def _listed_library_finder() -> Callable[[str], str | None] | None:
    """find_library answered from one `ldconfig -p`, or None where that could answer otherwise."""
    if not sys.platform.startswith("linux") or os.environ.get("LD_LIBRARY_PATH") or os.environ.get("LIBRARY_PATH"):
        return None
    try:
        listing = subprocess.run([LDCONFIG, "-p"], stdin=subprocess.DEVNULL, capture_output=True, check=True,
                                 env={"LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    machine = os.uname().machine if sys.maxsize > 2**32 else ""
    abi = re.escape(_ABI.get(machine, "libc6"))

    def find_library(name: str) -> str | None:
        found = re.search(rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), os.fsencode(abi)), listing)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


def give_back_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).
    After a large tree is freed (a DOCX's document part), its memory sits in the C heap's free
    lists, where Python's own objects (allocated in arenas of their own) cannot take it: what
    comes after the read grows the process on top of it."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's malloc_trim, looked up once: a CDLL made per call is cyclic garbage of its own,
    left after the collection that comes before a trim (read_docx)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
