"""Field types that bring the known variants of a wire value to one normal form.

The sources disagree on a few shapes (wire notes §1, §6.14): ids are strings but mocks and other
backends send numbers; timestamps are ISO-8601 text but some servers send epoch numbers; an
item's ``error`` is a string but the error envelopes are objects ``{message, code}``. Each
normaliser returns anything it does not recognise unchanged, so the model's tolerance (see
:mod:`._model_base`) keeps such a value as sent instead of failing the call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator

#: Epoch values at or above this are milliseconds: 10**11 seconds is the year 5138.
_MILLIS_FLOOR = 1e11


def id_text(value: Any) -> Any:
    """An id sent as a whole number becomes its decimal text (``123`` -> ``"123"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def timestamp_text(value: Any) -> Any:
    """A timestamp sent as epoch seconds or milliseconds becomes ISO-8601 UTC text.

    The form is JavaScript's ``toISOString()`` (``2026-01-01T00:00:00.000Z``), what the
    hosted backend (Node, MongoDB dates) sends.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if not math.isfinite(value):
        return value
    seconds = value / 1000 if abs(value) >= _MILLIS_FLOOR else value
    try:
        when = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return value
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def split_error(data: Any) -> Any:
    """Turn an object ``error`` into its message, keeping the code and the object beside it.

    ``{"error": {"message": "Boom", "code": "E1"}}`` becomes ``{"error": "Boom",
    "errorCode": "E1", "errorDetails": {...}}`` (an ``errorCode`` already sent wins).
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("error"), Mapping):
        return data
    detail = dict(data["error"])
    out = dict(data)
    message = next(
        (detail[k] for k in ("message", "error", "detail") if isinstance(detail.get(k), str)),
        None,
    )
    out["error"] = message if message is not None else str(detail)
    code = detail.get("code")
    if code is not None and not any(k in data for k in ("errorCode", "error_code")):
        out["errorCode"] = code
    out["errorDetails"] = detail
    return out


#: An id: text; a number is turned into its text; anything else is kept as sent.
WireId = Annotated[str, BeforeValidator(id_text)]
#: A timestamp: ISO-8601 text; an epoch number is turned into that text.
Timestamp = Annotated[str, BeforeValidator(timestamp_text)]
