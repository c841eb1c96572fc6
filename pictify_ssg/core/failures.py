"""Why a card could not be made, as a value: its kind, its reason, and whether trying again helps.

Failures travel through the build as :class:`Failure` values, never as bare strings, so no
code has to guess from a message what went wrong. The client's exceptions say what kind of
error they are (`PictifyError.kind`); :meth:`Failure.from_error` maps that onto the build's
kinds, adding which side of the card (template or page) a refused request was about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pictify_ssg.core.errors import PageError

FailureKind = Literal["account", "template", "page", "service", "transient"]
"""``account``: the key or plan (stops every render); ``template``: the card design was
refused or cannot be read; ``page``: this page's content or front matter; ``service``: the
renderer failed or cannot be reached; ``transient``: a rate limit, a timeout, a card whose
result is unknown this build."""

Subject = Literal["template", "page"]


@dataclass(frozen=True)
class Failure:
    """One card's failure.

    Attributes:
        kind: What failed (see :data:`FailureKind`).
        reason: One line for the user, without the page's name (warnings group pages by it).
        retryable: Whether the next build may succeed without the user changing anything.
    """

    kind: FailureKind
    reason: str
    retryable: bool = False

    @classmethod
    def page(cls, reason: str) -> Failure:
        """A problem of the page itself (front matter, a variable): fixed by editing it."""
        return cls("page", reason)

    @classmethod
    def transient(cls, reason: str) -> Failure:
        """Nothing wrong with the page or the design: the next build tries again."""
        return cls("transient", reason, retryable=True)

    @classmethod
    def from_error(cls, exc: BaseException, *, subject: Subject = "page") -> Failure:
        """The failure an exception stands for.

        Args:
            exc: What the client, the store or the template code raised.
            subject: What a refused request was about: the card ``template`` (uploading or
                reading it) or the ``page`` (rendering its card).
        """
        from pictify_ssg.client import exceptions as errors

        if isinstance(exc, PageError):
            return cls(subject, exc.reason)
        reason = explain_error(exc)
        if not isinstance(exc, errors.PictifyError):
            # A download that failed, an answer without an image: the service's side.
            return cls("service", reason, retryable=True)
        if exc.kind in ("request", "not_found"):
            return cls(subject, reason)
        if isinstance(exc, errors.APIConnectionError) and subject == "template":
            # The template is the first thing sent: where an unreachable service shows first.
            reason = (
                f"{reason}; check that the service is running and that base_url "
                "(or PICTIFY_BASE_URL) points at it"
            )
        kind: FailureKind = exc.kind if exc.kind in ("account", "transient") else "service"
        return cls(kind, reason, retryable=exc.retryable)


def explain_error(exc: BaseException) -> str:
    """One line about a failed call, saying what to do when the cause is the user's to fix.

    A refused key comes back from Pictify as ``[401] Invalid Request``, which names neither
    the key nor a remedy.
    """
    from pictify_ssg.client import exceptions as errors

    text = str(exc) or type(exc).__name__
    if len(text) > 300:
        text = text[:297] + "..."
    if isinstance(exc, errors.AuthenticationError):
        return (
            f"the service refused the API key ({text}): check PICTIFY_API_KEY (or the api_key "
            "option) and base_url"
        )
    if isinstance(exc, errors.PermissionDeniedError):
        return f"the API key is not allowed to do this ({text}): check the account and its plan"
    if isinstance(exc, errors.QuotaExceededError):
        return f"the account's render quota is used up ({text}): wait for it to reset or upgrade"
    return text
