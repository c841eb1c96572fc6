"""How helpers are declared: a decorator that reads each function's signature once.

A helper is a plain Python function. Its required positional parameters are the template's
required arguments, its optional parameters may also be given as ``key=value`` hash arguments, and
a ``*values`` parameter makes it variadic. The parser checks every call against this at compile
time, so a template with a wrong number of arguments fails before rendering anything.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["REGISTRY", "HelperSpec", "helper"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class HelperSpec:
    """A safelisted helper and the calls it accepts.

    Attributes:
        name: The template name (``padStart``).
        func: The implementation; receives template values, returns a template value.
        params: Names of the positional parameters, in order.
        required: How many leading positional arguments are required.
        variadic: Whether any number of further arguments is accepted.
        summary: The first line of the function's docstring, for error messages and docs.
    """

    name: str
    func: Callable[..., Any]
    params: tuple[str, ...]
    required: int
    variadic: bool
    summary: str

    @property
    def options(self) -> tuple[str, ...]:
        """The optional parameters, which may also be passed as ``key=value``."""
        return self.params[self.required :]

    def check_call(self, nargs: int, keys: Sequence[str]) -> str | None:
        """Say what is wrong with a call of ``nargs`` positional and ``keys`` hash arguments.

        Returns:
            None when the call is fine, else a message for a compile error.
        """
        usage = self.usage()
        for key in keys:
            if key not in self.options:
                return f"helper '{self.name}' has no option '{key}' (usage: {usage})"
            if self.params.index(key) < nargs:
                return f"helper '{self.name}' got '{key}' twice (usage: {usage})"
        if nargs < self.required:
            return f"helper '{self.name}' needs {self.required} argument(s) (usage: {usage})"
        if nargs > len(self.params) and not self.variadic:
            return f"helper '{self.name}' takes at most {len(self.params)} (usage: {usage})"
        return None

    def usage(self) -> str:
        """A one-line call pattern such as ``truncate text length [suffix]``."""
        words = [self.name, *self.params[: self.required]]
        words += [f"[{name}]" for name in self.options]
        if self.variadic:
            words.append("...")
        return " ".join(words)


REGISTRY: dict[str, HelperSpec] = {}
"""Every registered helper by template name; filled as the helper modules are imported."""


def helper(name: str) -> Callable[[F], F]:
    """Register a function as the safelisted helper ``name``.

    Args:
        name: The name templates call it by.

    Returns:
        A decorator that records the function and returns it unchanged.
    """

    def register(func: F) -> F:
        params: list[str] = []
        required = 0
        variadic = False
        for param in inspect.signature(func).parameters.values():
            if param.kind is inspect.Parameter.VAR_POSITIONAL:
                variadic = True
            elif param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
                params.append(param.name)
                if param.default is inspect.Parameter.empty:
                    required += 1
            else:  # pragma: no cover - a programming error, caught by the registry test
                raise TypeError(f"helper {name}: unsupported parameter {param.name}")
        summary = (inspect.getdoc(func) or "").split("\n", 1)[0]
        REGISTRY[name] = HelperSpec(name, func, tuple(params), required, variadic, summary)
        return func

    return register
