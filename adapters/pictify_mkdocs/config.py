"""The plugin's ``mkdocs.yml`` options, generated from the core settings model.

The core's :class:`~pictify_ssg.core.Settings` is the one place where an option is named, typed,
documented and validated. Declaring every option a second time by hand (``c.Type(str, ...)``)
would let the two lists drift apart, so the schema below is built from ``Settings.model_fields``:
MkDocs sees one option per field with the field's default, and the values go through unchanged
to ``Settings.from_mapping`` in ``on_config``, which names a bad field and says how to fix it.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.base import BaseConfigOption, Config, PlainConfigSchema

from pictify_ssg.core import Settings
from pictify_ssg.core.settings import field_descriptions

#: Options whose default must not be computed when MkDocs builds its config.
SECRET_OPTIONS = frozenset({"api_key"})


class SettingOption(BaseConfigOption[Any]):
    """One core setting, declared to MkDocs and passed through as written.

    Validation is left to the core model on purpose: it knows the cross-field rules and gives
    one error message format for MkDocs and Pelican alike.
    """

    def __init__(self, name: str, default: Any) -> None:
        super().__init__()
        self.name = name
        self.default = default

    @property
    def description(self) -> str:
        """The option's documentation (read on demand: no build needs it)."""
        return field_descriptions()[self.name]

    def run_validation(self, value: object, /) -> Any:
        return value


def setting_options() -> PlainConfigSchema:
    """One :class:`SettingOption` per field of the core settings model, in declaration order."""
    schema: list[tuple[str, BaseConfigOption[Any]]] = []
    for name, field in Settings.model_fields.items():
        # The key's default is read from the environment when the core validates; calling its
        # factory here would copy the key into MkDocs' config, where a dump could show it.
        default = None if name in SECRET_OPTIONS else field.get_default(call_default_factory=True)
        schema.append((name, SettingOption(name, default)))
    return tuple(schema)


# MkDocs leaves Config.__init_subclass__ unannotated; mypy --strict flags the implicit call.
class PictifyConfig(Config):  # type: ignore[no-untyped-call]
    """Options of ``plugins: - pictify: {...}``: exactly the fields of the core settings model.

    ``!ENV`` tags are resolved by MkDocs' YAML loader before any option sees them, so
    ``api_key: !ENV PICTIFY_API_KEY`` and ``enabled: !ENV [CI, false]`` work for every option.
    """

    # Config.__init_subclass__ starts from an inherited or class-level ``_schema``; defining it
    # here is the supported way to declare options that are not class attributes.
    _schema = setting_options()
