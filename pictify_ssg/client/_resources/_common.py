"""Helpers shared by every resource module."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pictify_ssg.client._model_base import PictifyModel

M = TypeVar("M", bound=PictifyModel)

MAX_VARIABLE_SETS = 100


def model_parser(model: type[M], envelope: str | None = None) -> Callable[[Any], M]:
    """Parse a body into ``model``, first unwrapping ``{envelope: {...}}`` when present."""

    def parse(data: Any) -> M:
        body = data if isinstance(data, Mapping) else {}
        if envelope is not None and isinstance(body.get(envelope), Mapping):
            body = body[envelope]
        return model.model_validate(body)

    return parse


def one_of(**sources: Any) -> None:
    """Require exactly one non-``None`` source argument (``html``/``url``/``template``)."""
    given = [name for name, value in sources.items() if value is not None]
    if len(given) != 1:
        names = ", ".join(f"{n}=" for n in sources)
        raise ValueError(f"pass exactly one of {names} (got {len(given)})")


def check_variable_sets(variable_sets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate 1..100 variable sets client-side (the API rejects more per request)."""
    if not variable_sets:
        raise ValueError("variable_sets must contain at least one set")
    if len(variable_sets) > MAX_VARIABLE_SETS:
        raise ValueError(
            f"variable_sets holds {len(variable_sets)} sets; the API accepts at most "
            f"{MAX_VARIABLE_SETS} per request: split them into several calls"
        )
    return [dict(s) for s in variable_sets]


def output_format(value: str | None, *, allowed: frozenset[str], param: str) -> str | None:
    """Check an image format before sending it; ``jpg`` becomes ``jpeg``.

    The hosted ``/image`` route renders an unknown ``fileExtension`` as PNG without a word
    (wire notes §6.1), and the batch route rejects ``jpg`` (conflict C13); ``jpeg`` is in every
    route's list, so it is the one spelling sent.

    Args:
        value: The caller's format (any case, a leading dot allowed), or ``None``.
        allowed: The formats the route accepts (lower case, ``jpeg`` rather than ``jpg``).
        param: The argument's name, for the error message.

    Raises:
        ValueError: For a format the route does not accept, naming ``param``.
    """
    if value is None:
        return None
    fmt = str(value).strip().lower().lstrip(".")
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt not in allowed:
        choices = ", ".join(sorted(allowed | ({"jpg"} if "jpeg" in allowed else set())))
        raise ValueError(f"{param}={value!r} is not a supported format; use one of: {choices}")
    return fmt


#: ``fileExtension`` values of ``/image`` and ``/image/canvas`` (``jpg`` is sent as ``jpeg``).
IMAGE_FORMATS = frozenset({"png", "jpeg", "webp"})
#: Names under which callers pass the image format through ``**options`` (the wire name,
#: snake-cased or not); without this they were overwritten by ``format=None`` and silently
#: dropped.
_FORMAT_ALIASES = ("file_extension", "fileExtension")


def image_format(format: str | None, options: dict[str, Any]) -> str | None:
    """``format=`` or its wire name ``file_extension=`` (removed from ``options``), checked."""
    chosen = output_format(format, allowed=IMAGE_FORMATS, param="format")
    for alias in _FORMAT_ALIASES:
        given = output_format(options.pop(alias, None), allowed=IMAGE_FORMATS, param=alias)
        if given is None:
            continue
        if chosen is not None and given != chosen:
            raise ValueError(f"pass format= or {alias}=, not both")
        chosen = given
    return chosen
