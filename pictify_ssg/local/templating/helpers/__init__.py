"""The 45 safelisted Pictify helpers, by name. Importing this package registers them all.

Rules shared by every helper (details in each module and function docstring):

* Called as ``{{name arg ...}}`` or ``(name arg ...)``; optional parameters may also be given as
  ``key=value`` (``{{truncate title 60 suffix="..."}}``). Wrong counts and unknown options are
  compile errors; a bare ``{{name}}`` is always a variable, never a helper call.
* Helpers never fail on odd data: text helpers print their input as the template would
  (``uppercase 5`` -> ``5``), number helpers give ``undefined`` (printed as nothing) for
  non-numbers, date helpers print a value they cannot read unchanged.
* A helper used as a block (``{{#isEmpty tags}}...{{else}}...{{/isEmpty}}``) renders its main
  branch when the result is truthy, keeping the current context.

=============  ==========================================================================
Module         Helpers
=============  ==========================================================================
``checks``     isEmpty isNotEmpty isDefined isUndefined isArray isString isNumber isBoolean
               isObject default coalesce
``lists``      length contains indexOf first last slice join
``strings``    lowercase uppercase capitalize titleCase trim truncate padStart padEnd replace
               split startsWith endsWith
``numbers``    round floor ceil abs min max sum average currency number percent
``dates``      date time
``data``       json parseJson
=============  ==========================================================================
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from . import checks, data, dates, lists, numbers, strings
from .registry import REGISTRY, HelperSpec

__all__ = ["HELPERS", "HelperSpec"]

# The modules are imported for their registrations; naming them keeps linters from pruning them.
_MODULES: Final = (checks, data, dates, lists, numbers, strings)

HELPERS: Final = MappingProxyType(REGISTRY)
"""Every safelisted helper by template name."""
