"""Which template a card uses, named before it is read: a uid, a file or a built-in layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TemplateRef:
    """Which template a card uses, before it is read.

    Attributes:
        kind: ``"uid"`` (a template on the service), ``"file"`` (an HTML file) or
            ``"layout"`` (a built-in layout).
        value: The uid, the file's absolute path, or the layout's name.
        what: The setting or page entry asking for it, for messages.
        page_named: A file the page named: read under the untrusted-content rules.
    """

    kind: str
    value: str
    what: str
    page_named: bool = False

    @property
    def key(self) -> str:
        """Identifies the template within the build (pages sharing it share one read)."""
        return f"{self.kind}:{self.value}"

    @property
    def label(self) -> str:
        """The design, as the gallery names it."""
        if self.kind == "file":
            return Path(self.value).name
        return f"{self.kind if self.kind == 'layout' else 'template'} {self.value}"
