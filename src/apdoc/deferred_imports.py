"""Modules a library imports as it starts but needs only in rare cases, imported when first used.

weasyprint imports fontTools' subsetter and its variable-font instancer as it starts: a third of
its import time, on the PDF's critical path. It calls them only for variable, colour or bitmap
fonts and where HarfBuzz cannot subset, none of which a TD's fonts need; when it does call them,
the real modules are imported then, and they work as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Deferred:
    # Imported on first use of any attribute (the standard library's LazyLoader).
    lazy: tuple[str, ...] = ()
    # Modules whose names are taken at import (`from m import f`): a stand-in whose functions
    # import the real module when called (a lazy module would be imported by the `from`).
    stand_ins: dict[str, tuple[str, ...]] = field(default_factory=dict)


# What each library imports as it starts and rarely needs. fontTools.varLib.instancer gets a
# stand-in: weasyprint takes its function at import, and its package (fontTools.varLib) is heavy.
RARELY_NEEDED = {
    "weasyprint": Deferred(lazy=("fontTools.subset",),
                           stand_ins={"fontTools.varLib.instancer": ("instantiateVariableFont",)}),
}


def defer_rarely_needed(library: str) -> None:
    """Put off what `library` imports as it starts but rarely needs until something uses it."""
    deferred = RARELY_NEEDED.get(library)
    if deferred is None:
        return
    for name in deferred.lazy:
        if name not in sys.modules:
            _lazy(name)
    for name, functions in deferred.stand_ins.items():
        if name not in sys.modules:
            sys.modules[name] = _stand_in(name, functions)


def _lazy(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    package, _, child = name.rpartition(".")
    setattr(sys.modules[package], child, module)


def _stand_in(name: str, functions: tuple[str, ...]) -> ModuleType:
    stand_in = ModuleType(name, f"Stands in for {name} until one of its functions is called.")
    for function in functions:
        setattr(stand_in, function, _calling_the_real(name, function))
    return stand_in


def _calling_the_real(name: str, function: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(name), function)(*args, **kwargs)

    call.__name__ = function
    return call


def _real(name: str) -> ModuleType:
    """The module itself, imported now in place of its stand-in."""
    module = sys.modules.get(name)
    if module is not None and module.__spec__ is not None:
        return module
    sys.modules.pop(name, None)
    return importlib.import_module(name)
