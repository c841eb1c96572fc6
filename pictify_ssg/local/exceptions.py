"""Exceptions the local server raises to its Python callers (HTTP errors live in `errors`).

This module imports nothing heavy, so callers can catch these without loading the server.
"""

from __future__ import annotations


class LocalServerError(RuntimeError):
    """The local Pictify server cannot start or serve."""


class ChromiumNotFoundError(LocalServerError):
    """No usable Chromium executable was found; the message says what to install or fix.

    Raised by `LocalServer.start` (and ``pictify-ssg serve``) before anything is bound, so a
    build fails once and at once instead of answering every render with a 503.
    """


class DataDirError(LocalServerError):
    """The data directory (or the database in it) cannot be created or opened.

    The message names the directory and the reason, e.g. ``Permission denied``.
    """
