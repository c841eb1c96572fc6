"""Errors the core raises. User mistakes get a clear message, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence


class PictifySSGError(Exception):
    """Base class of every error the core raises on purpose."""


class SettingsError(PictifySSGError, ValueError):
    """The plugin settings are invalid.

    ``str()`` lists every problem on its own line, names the option and says what to do.

    Attributes:
        problems: One message per problem, without the heading line.
        source: Where the settings came from, e.g. ``"mkdocs.yml plugins.pictify"``.
    """

    def __init__(self, problems: Sequence[str], *, source: str = "settings") -> None:
        self.problems = list(problems)
        self.source = source
        lines = [f"invalid pictify settings in {source}:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class BuildError(PictifySSGError):
    """A build stopped because cards failed and ``on_error`` is ``"fail"``.

    Attributes:
        failed: ``(page key, message)`` for every page whose card could not be made.
    """

    def __init__(self, message: str, failed: Sequence[tuple[str, str]] = ()) -> None:
        self.failed = list(failed)
        super().__init__(message)


class PageError(PictifySSGError):
    """One page (or the template it asks for) cannot get a card: bad front matter, a variable
    expression failing, a template file that cannot be read...

    ``str()`` is the whole message, naming the page when there is one.

    Attributes:
        reason: The message without the page's name, so a reason shared by many pages can be
            reported once for all of them.
        page: The page's key, when the problem is one page's.
    """

    def __init__(self, reason: str, *, page: str | None = None) -> None:
        self.reason = reason
        self.page = page
        super().__init__(f"page '{page}': {reason}" if page is not None else reason)


class StoreError(PictifySSGError):
    """The card cache cannot be used."""


class UnsafeCacheRowError(StoreError):
    """A cache row is not in our JSON/bytes format (for example a pickle): refused, never loaded."""
