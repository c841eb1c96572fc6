"""Base class of every response model: pydantic v2 with dict-style access, tolerant of odd types.

The documented SDK examples read results like dicts (``image["url"]``), so models accept
item access by attribute name, by wire (camelCase) name and for unknown fields kept from the
server (``extra="allow"``).

Tolerance: a response arrives after the work was done (and billed), so a known field with an
unexpected type must not fail the whole call. The shapes seen in the sources are normalised by
the field types of :mod:`._models` (ids, timestamps, ``error``, ``variables``); any other
mismatch is caught here: the attribute keeps its default, and the value as sent stays readable
through item access and :attr:`PictifyModel.unparsed`. A missing *required* field still fails.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel
from typing_extensions import Self

logger = logging.getLogger("pictify_ssg.client")

_MISSING = object()


def _input_keys(model: type[BaseModel]) -> dict[str, set[str]]:
    """Field name -> every key under which the field may arrive (name, alias, alias choices)."""
    keys: dict[str, set[str]] = {}
    for name, info in model.model_fields.items():
        names = {name}
        if info.alias:
            names.add(info.alias)
        if isinstance(info.validation_alias, str):
            names.add(info.validation_alias)
        elif isinstance(info.validation_alias, AliasChoices):
            names.update(c for c in info.validation_alias.choices if isinstance(c, str))
        keys[name] = names
    return keys


def _odd_fields(model: type[BaseModel], data: Mapping[str, Any], exc: ValidationError) -> set[str]:
    """Fields whose value has the wrong type; empty when something else is wrong too."""
    keys = _input_keys(model)
    odd: set[str] = set()
    for error in exc.errors():
        loc = error["loc"]
        if not loc or (len(loc) == 1 and error["type"] == "missing"):
            return set()  # a missing required field or a whole-model error: not ours to mend
        field = next((name for name, names in keys.items() if loc[0] in names), None)
        if field is None:
            return set()
        odd.add(field)
    return odd


class PictifyModel(BaseModel):
    """A wire object: snake_case attributes, camelCase aliases, unknown fields kept.

    ``model["url"]``, ``model["createdAt"]``, ``model["created_at"]`` and ``model.get("x")`` all
    work; ``model.to_dict()`` returns the camelCase wire form.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=False,
    )

    #: Extra item-access names mapped to field names (e.g. ``"id"`` -> ``"batch_id"``).
    item_aliases: ClassVar[dict[str, str]] = {}

    _unparsed: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _tolerate_odd_types(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        try:
            return handler(data)
        except ValidationError as exc:
            if not isinstance(data, Mapping):
                raise
            odd = _odd_fields(cls, data, exc)
            if not odd:
                raise
            keys = _input_keys(cls)
            dropped = {k for f in odd for k in keys[f]}
            sent = {f: data[k] for f in odd for k in keys[f] if k in data}
            try:
                instance = handler({k: v for k, v in data.items() if k not in dropped})
            except ValidationError:  # e.g. the odd field was required: report the first error
                raise exc from None
            instance._unparsed = sent
            logger.debug("%s: kept odd values as sent: %s", cls.__name__, sorted(sent))
            return instance

    @property
    def unparsed(self) -> dict[str, Any]:
        """Known fields whose value had an unexpected type, as sent (by attribute name).

        Their attributes hold the default instead; ``model[name]`` returns the value as sent.
        """
        return dict(self._unparsed)

    def _field_for(self, key: str) -> str | None:
        fields = type(self).model_fields
        if key in fields:
            return key
        for name, info in fields.items():
            if info.alias == key:
                return name
        return None

    def _lookup(self, key: str) -> Any:
        field = self._field_for(key)
        if field is not None:
            return self._unparsed.get(field, getattr(self, field))
        extra = self.model_extra or {}
        if key in extra:
            return extra[key]
        target = self.item_aliases.get(key)
        if target is not None:
            return self._lookup(target)
        return _MISSING

    def __getitem__(self, key: str) -> Any:
        value = self._lookup(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not _MISSING

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value for ``key`` (attribute, wire or extra name), else ``default``."""
        value = self._lookup(key)
        return default if value is _MISSING else value

    def to_dict(self) -> dict[str, Any]:
        """Return the wire (camelCase) form, without unset optional fields.

        Values kept as sent (:attr:`unparsed`) appear under their wire names.
        """
        wire = self.model_dump(by_alias=True, exclude_none=True)
        fields = type(self).model_fields
        for name, value in self._unparsed.items():
            wire[fields[name].alias or name] = value
        return wire
