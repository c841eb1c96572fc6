"""Phase 5, report: the build's warnings, its summary line, and the error ``on_error: fail``
raises."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pictify_ssg.core.build_report import BuildReport
from pictify_ssg.core.errors import BuildError
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.publish import Published
from pictify_ssg.core.phases.render import Renders

#: The build's summary line, on its own logger so adapters recognise it by the record's logger
#: name instead of by its wording. A child of ``pictify_ssg``: it still propagates there, so
#: an adapter forwarding ``pictify_ssg`` (MkDocs) shows it like before.
summary_log = logging.getLogger("pictify_ssg.summary")


def report(published: Published, renders: Renders, ctx: BuildContext) -> BuildReport:
    """The build's report; warns about large cards and failed pages (once per problem).

    Raises:
        BuildError: Cards failed and ``on_error`` is ``"fail"``.
    """
    result = BuildReport(
        cards=dict(published.cards),
        outcomes=dict(published.outcomes),
        batches=renders.batches,
        direct_renders=renders.direct,
        failed=[(key, failure.reason) for key, failure in published.failed],
        warnings=ctx.warn.seen,
        backend=ctx.choice.kind,
    )
    service = ctx.opener.service
    if service is not None:
        result.api_calls.update(service.calls)
        service.calls.clear()
    _warn_oversized(published.oversized, ctx)
    return result


def conclude(
    result: BuildReport, failed: tuple[tuple[str, Failure], ...], ctx: BuildContext
) -> None:
    """Log the summary line, then warn once per distinct failure, or raise for ``on_error:
    fail``.

    Raises:
        BuildError: Cards failed and ``on_error`` is ``"fail"``.
    """
    # The message is exactly the summary line (no arguments): adapters that show it their
    # own way take record.getMessage() as is.
    summary_log.info(result.summary_line)
    # One line per distinct problem: a bad template or key must not print a line per page.
    by_reason: dict[str, list[str]] = {}
    for key, failure in failed:
        by_reason.setdefault(failure.reason, []).append(key)
    lines = []
    for reason, keys in by_reason.items():
        shown = ", ".join(f"'{k}'" for k in keys[:3]) + (", ..." if len(keys) > 3 else "")
        pages = f"page {shown}" if len(keys) == 1 else f"{len(keys)} pages ({shown})"
        lines.append((pages, reason))
    if failed and ctx.settings.on_error == "fail":
        listing = "\n".join(f"  - {pages}: {reason}" for pages, reason in lines)
        raise BuildError(
            f"pictify: {len(failed)} card(s) could not be made (on_error: fail):\n{listing}",
            result.failed,
        )
    for pages, reason in lines:
        ctx.warn(f"pictify: no new card for {pages}: {reason}")


def _warn_oversized(sizes: Mapping[str, int], ctx: BuildContext) -> None:
    if not sizes:
        return
    # One line per build, not one per card, naming the pages.
    large = sorted(sizes, key=lambda key: (-sizes[key], key))
    shown = ", ".join(f"'{key}' ({sizes[key] // 1024} KB)" for key in large[:5])
    more = f" and {len(large) - 5} more" if len(large) > 5 else ""
    ctx.warn(
        f"pictify: {len(large)} card(s) are over {ctx.settings.size_warning_kb} KB: "
        f"{shown}{more}; some platforms show no preview for large images, and "
        "'format: jpeg' or a flatter design makes much smaller files "
        "(size_warning_kb: 0 silences this)"
    )
