"""Base class of every response model: pydantic v2 with dict-style access.

The documented SDK examples read results like dicts (``image["url"]``), so models accept
item access by attribute name, by wire (camelCase) name and for unknown fields kept from the
server (``extra="allow"``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

_MISSING = object()


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

    def _lookup(self, key: str) -> Any:
        fields = type(self).model_fields
        if key in fields:
            return getattr(self, key)
        for name, info in fields.items():
            if info.alias == key:
                return getattr(self, name)
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
        """Return the wire (camelCase) form, without unset optional fields."""
        return self.model_dump(by_alias=True, exclude_none=True)
