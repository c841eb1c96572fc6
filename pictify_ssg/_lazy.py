"""The one way this package defers imports: public names loaded on first attribute access.

MkDocs and Pelican import every installed plugin at start-up, so a package's ``__init__``
names its public objects without importing the modules that define them::

    __getattr__, __dir__ = lazy_exports(__name__, {"Pipeline": "pictify_ssg.core.pipeline"})

Type checkers and IDEs see the names through ``if TYPE_CHECKING:`` imports beside it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``.

    Args:
        package: The package's ``__name__``.
        homes: Each public name and the module defining it.

    Returns:
        ``__getattr__`` imports the defining module on first access and keeps the value in
        the package, so later accesses are plain lookups; ``__dir__`` lists the public names.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
