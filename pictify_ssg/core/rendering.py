"""Rendering the missing cards: direct calls with bounded concurrency, or batch jobs.

Batch results of the hosted API carry no image URLs (wire notes, conflict C3); the local
server can mimic either shape. In ``auto`` mode the first build that wants a batch on a
service sends a one-item batch and remembers in the store whether items carried URLs. When
they do not, cards are rendered with direct calls, instead of a batch followed by a second,
direct render of every item just to learn its URL.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pictify_ssg.core import cache_keys
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.render_schedule import CardJob, RenderMode, Schedule, chunk, schedule_renders
from pictify_ssg.core.service import Rendered, Service
from pictify_ssg.core.store import Store

log = logging.getLogger("pictify_ssg")

_TERMINAL = frozenset({"completed", "partial", "failed", "cancelled"})


@dataclass(frozen=True)
class RenderOptions:
    """The settings rendering needs."""

    format: str
    quality: float
    width: int
    height: int
    mode: RenderMode
    direct_threshold: int
    batch_size: int
    concurrency: int
    timeout: float
    download: bool
    """Fetch the card bytes (``hosting: site``)."""


#: Stores one rendered card (its bytes, optimised, into the cache) as soon as it arrives, so
#: cards are encoded while the service renders the next ones and no build holds every card's
#: bytes at once. Returns ``None`` when stored, else why the card could not be kept.
KeepCard = Callable[[str, Rendered], Awaitable["str | None"]]


async def _keep_nothing(fingerprint: str, card: Rendered) -> str | None:
    return None


@dataclass
class RenderOutcome:
    """What happened to the distinct cards of one build."""

    done: dict[str, Rendered] = field(default_factory=dict)
    """Cards rendered and kept, by fingerprint (their bytes already handed to ``keep``)."""
    failed: dict[str, Failure] = field(default_factory=dict)
    """Why each card that could not be made failed, by fingerprint."""
    batches: int = 0
    direct: int = 0
    warnings: list[str] = field(default_factory=list)
    gone_templates: set[str] = field(default_factory=set)
    """Template keys the service answered 404 for (deleted remotely)."""


def known_batch_urls(store: Store, service: str) -> bool | None:
    """Whether batch results on ``service`` carry URLs, if an earlier build found out."""
    value = store.get_json(cache_keys.service_caps(service))
    if isinstance(value, dict) and isinstance(value.get("batch_urls"), bool):
        return bool(value["batch_urls"])
    return None


def _remember_batch_urls(store: Store, service: str, value: bool) -> None:
    store.set_json(cache_keys.service_caps(service), {"batch_urls": value})


#: Downloads of a rendered card before it counts as failed, and the first pause between them
#: (doubling): 0.5 + 1 + 2 s rides out a service restart without rendering the card again.
DOWNLOAD_ATTEMPTS = 4
DOWNLOAD_RETRY_PAUSE_S = 0.5

#: Seconds between cancelling a batch that took too long and reading its results, so items
#: that were rendering at the cancel are collected rather than rendered a second time.
CANCEL_GRACE_S = 2.0

#: Identical service-side failures, with no success in between, after which the service is
#: taken as down for this build (each was already retried by the client).
BREAKER_THRESHOLD = 3


def _may_have_rendered(exc: BaseException) -> bool:
    """Whether a failed render request may still have made (and billed) the card.

    The client already retried every failure that certainly left the work undone; what
    reaches us after a dropped connection, a read timeout or a 5xx without ``Retry-After``
    may have been rendered, so rendering it again could pay for the card twice. Such a card
    fails for this build (the page keeps its previous card or the fallback) and is rendered
    by the next one. The rule is the client's own (`PictifyError.outcome_unknown`).
    """
    from pictify_ssg.client import exceptions as errors

    return isinstance(exc, errors.PictifyError) and exc.outcome_unknown


def _is_not_found(exc: BaseException) -> bool:
    from pictify_ssg.client import exceptions as errors

    return isinstance(exc, errors.NotFoundError)


class CardRenderer:
    """Renders one plan on one service.

    Args:
        service: Where to render.
        store: For the C3 capability record.
        uids: Template key -> Pictify uid.
        options: What to render.
        progress: Called with the number of cards finished (success or failure).
        keep: Stores each card as it arrives (see :data:`KeepCard`).
    """

    def __init__(
        self,
        service: Service,
        store: Store,
        uids: Mapping[str, str],
        options: RenderOptions,
        progress: Callable[[int], None] = lambda n: None,
        keep: KeepCard = _keep_nothing,
    ) -> None:
        self.service = service
        self.keep = keep
        self.store = store
        self.uids = uids
        self.options = options
        self.progress = progress
        self.outcome = RenderOutcome()
        self._stop: Failure | None = None  # set by an account error: no further requests
        # Breaker: a renderer that cannot start (say, no Chromium) answers 503 to every card;
        # without it, 400 pages would take 400 x (client retries + our retry) before failing.
        self._down: tuple[str, int] = ("", 0)
        self._succeeded = False
        # Cards of batches the service accepted, or may have (the submission timed out): the
        # batch renders them whatever became of our request, so they are never sent again.
        self._unsure: set[str] = set()
        self._batch_limit = asyncio.Semaphore(options.concurrency)
        # Direct renders queue here, before the stop check, so a stop (refused key, breaker)
        # holds back every queued card instead of only those not started yet.
        self._direct_limit = asyncio.Semaphore(options.concurrency)

    # -- public -------------------------------------------------------------------------------

    async def run(self, jobs: Sequence[CardJob]) -> RenderOutcome:
        """Render every job once; retry failures once directly."""
        o = self.options
        urls = known_batch_urls(self.store, self.service.identity)
        plan = schedule_renders(
            jobs,
            mode=o.mode,
            direct_threshold=o.direct_threshold,
            batch_size=o.batch_size,
            batch_urls=urls,
        )
        if plan.batches and o.mode == "auto" and urls is None:
            plan = await self._probe(plan)
        retry: list[CardJob] = []
        results = await asyncio.gather(
            *(self._direct(job) for job in plan.direct),
            *(self._batch(batch) for batch in plan.batches),
        )
        for failed in results:
            retry.extend(failed)
        if retry:
            log.debug("pictify: retrying %d failed card(s) once with direct renders", len(retry))
        await asyncio.gather(*(self._direct(job, last=True) for job in retry))
        return self.outcome

    # -- direct -------------------------------------------------------------------------------

    async def _direct(self, job: CardJob, *, last: bool = False) -> list[CardJob]:
        """Render one card; returns ``[job]`` when it failed and may be retried."""
        async with self._direct_limit:
            return await self._direct_now(job, last=last)

    async def _direct_now(self, job: CardJob, *, last: bool) -> list[CardJob]:
        o = self.options
        if self._stop:
            self._fail(job, self._stop, final=True)
            return []
        try:
            self.outcome.direct += 1
            card = await self.service.render(
                self.uids[job.template_key],
                job.variables,
                format=o.format,
                quality=o.quality,
                width=o.width,
                height=o.height,
            )
        except Exception as exc:  # noqa: BLE001 - any failure of one card is recorded, not raised
            failure = Failure.from_error(exc)
            permanent = failure.kind == "account" or self._trip(failure)
            if permanent:
                self._stop = failure
            if _is_not_found(exc):
                self.outcome.gone_templates.add(job.template_key)
            unsure = _may_have_rendered(exc)
            if unsure:
                failure = Failure.transient(failure.reason)
            final = last or permanent or _is_not_found(exc) or unsure
            self._fail(job, failure, final=final)
            log.debug("pictify: card %s failed: %s", job.fingerprint[:12], failure.reason)
            return [] if final else [job]
        try:
            # The card exists now: a failed download is tried again, never the render.
            card = await self._fetch(card, attempts=DOWNLOAD_ATTEMPTS)
        except Exception as exc:  # noqa: BLE001 - recorded for this card, not raised
            reason = f"the card was rendered but could not be downloaded: {exc}"
            self._fail(job, Failure("service", reason, retryable=True), final=True)
            return []
        await self._succeed(job, card)
        return []

    def _trip(self, failure: Failure) -> bool:
        """Count a service-side failure; ``True`` once the service looks down for good."""
        if self._succeeded or failure.kind != "service":
            return False
        count = self._down[1] + 1 if self._down[0] == failure.reason else 1
        self._down = (failure.reason, count)
        return count >= BREAKER_THRESHOLD

    def _fail(self, job: CardJob, failure: Failure, *, final: bool) -> None:
        self.outcome.failed[job.fingerprint] = failure
        if final:
            self.progress(1)

    async def _succeed(self, job: CardJob, card: Rendered) -> None:
        self._succeeded = True
        problem = await self.keep(job.fingerprint, card)
        if problem is not None:
            # Rendered but not usable (say, not an image): another render would be billed
            # again for the same answer, so the card fails for this build.
            self._fail(job, Failure("service", problem, retryable=True), final=True)
            return
        self.outcome.failed.pop(job.fingerprint, None)
        # The bytes are in the cache now; keeping them here too would hold every card.
        self.outcome.done[job.fingerprint] = Rendered(card.url, card.width, card.height)
        self.progress(1)

    async def _fetch(self, card: Rendered, *, attempts: int = 1) -> Rendered:
        """Download a rendered card's bytes, trying ``attempts`` times with growing pauses (a
        download is free, unlike rendering the card again; the pauses ride out a service
        restarting)."""
        if not self.options.download or card.data is not None:
            return card
        if not card.url:
            raise RuntimeError("the service returned no image URL")
        pause = DOWNLOAD_RETRY_PAUSE_S
        for _ in range(attempts - 1):
            data = await self._try_download(card.url)
            if data is not None:
                return Rendered(url=card.url, width=card.width, height=card.height, data=data)
            await asyncio.sleep(pause)
            pause *= 2
        return await self._download(card, card.url)

    async def _try_download(self, url: str) -> bytes | None:
        try:
            return await self.service.download(url)
        except Exception as exc:  # noqa: BLE001 - the caller tries again, the last try raises
            log.debug("pictify: downloading %s failed, trying again: %s", url, exc)
            return None

    async def _download(self, card: Rendered, url: str) -> Rendered:
        data = await self.service.download(url)
        return Rendered(url=url, width=card.width, height=card.height, data=data)

    # -- batches ------------------------------------------------------------------------------

    async def _probe(self, plan: Schedule) -> Schedule:
        """Learn with a one-item batch whether batch results carry URLs on this service."""
        jobs = [job for batch in plan.batches for job in batch]
        first, rest = jobs[0], jobs[1:]
        items = await self._run_batch((first,))
        if items is None:
            # The probe itself failed (service trouble): render directly, learn next time.
            return Schedule(
                direct=tuple(j for j in jobs if j.fingerprint not in self._unsure), batches=()
            )
        item = items.get(0)
        has_urls = bool(item is not None and item.get("url"))
        if item is None or not item.get("success"):
            # A failed item says nothing about URLs; do not remember anything.
            return Schedule(direct=tuple(jobs), batches=())
        _remember_batch_urls(self.store, self.service.identity, has_urls)
        log.debug("pictify: batch results on %s carry URLs: %s", self.service.identity, has_urls)
        if not has_urls:
            return Schedule(direct=tuple(jobs), batches=())
        await self._accept_item(first, item)
        batches: list[tuple[CardJob, ...]] = []
        by_template: dict[str, list[CardJob]] = {}
        for job in rest:
            by_template.setdefault(job.template_key, []).append(job)
        for group in by_template.values():
            batches.extend(chunk(group, self.options.batch_size))
        if first.fingerprint not in self.outcome.done:
            batches.insert(0, (first,))
        return Schedule(direct=(), batches=tuple(batches))

    async def _accept_item(self, job: CardJob, item: Mapping[str, Any]) -> bool:
        # Imported here, not with the core: a warm build never opens a service (backend.py).
        import httpx

        o = self.options
        card = Rendered(
            url=str(item["url"]),
            width=int(item.get("width") or o.width),
            height=int(item.get("height") or o.height),
        )
        try:
            card = await self._fetch(card)
        except (httpx.HTTPError, RuntimeError) as exc:
            self._fail(job, Failure.from_error(exc), final=False)
            return False
        await self._succeed(job, card)
        return True

    async def _batch(self, jobs: tuple[CardJob, ...]) -> list[CardJob]:
        """Render one batch; returns the jobs to retry directly.

        Items that finished are taken while the batch still renders the others (every poll
        lists them), so cards are downloaded and encoded as they come instead of all at once
        when the batch ends.
        """
        early = _EarlyItems(jobs, self._accept_item)
        try:
            items = await self._run_batch(jobs, early)
        except BaseException:
            early.cancel()  # the build is cancelled
            raise
        taken = await early.settle()
        if items is None:
            settled = self._unsure | taken.keys()  # failed for this build, or rendered
            return [job for job in jobs if job.fingerprint not in settled]
        retry = [job for job in jobs if taken.get(job.fingerprint) is False]
        missing_urls = 0
        ready: list[tuple[CardJob, dict[str, Any]]] = []
        for index, job in enumerate(jobs):
            item = items.get(index)
            if job.fingerprint in taken:
                continue  # taken while the batch ran (retried above when that failed)
            if job.fingerprint in self._unsure:
                continue  # failed for this build (see _run_batch): never sent again
            if item is None or not item.get("success"):
                error = (item or {}).get("error")
                self.outcome.failed[job.fingerprint] = (
                    Failure.page(str(error))
                    if error
                    else Failure.transient("not rendered by the batch")
                )
                retry.append(job)
            elif not item.get("url"):
                missing_urls += 1
                retry.append(job)  # rendered, but only a direct render tells us where
            else:
                ready.append((job, item))
        # Downloads run concurrently (bounded by the service's limit), not one after another.
        accepted = await asyncio.gather(*(self._accept_item(job, item) for job, item in ready))
        retry.extend(job for (job, _), ok in zip(ready, accepted, strict=True) if not ok)
        if missing_urls:
            if self.options.mode == "auto":
                _remember_batch_urls(self.store, self.service.identity, False)
            self._warn_once(
                "pictify: batch results carry no image URLs on this service, so batch items are "
                "rendered again directly; use render_mode: auto or direct to render once"
            )
        return retry

    async def _run_batch(
        self, jobs: Sequence[CardJob], early: _EarlyItems | None = None
    ) -> dict[int, dict[str, Any]] | None:
        """Submit one batch and poll it; item index -> item, or ``None`` when it failed.

        ``early`` is shown every poll's items, to take the finished ones at once."""
        if self._stop:
            for job in jobs:
                self.outcome.failed[job.fingerprint] = self._stop
            return None
        o = self.options
        uid = self.uids[jobs[0].template_key]
        async with self._batch_limit:
            submitted = False
            try:
                self.outcome.batches += 1
                batch_id = await self.service.batch_render(
                    uid, [job.variables for job in jobs], format=o.format, quality=o.quality
                )
                submitted = True
                result, cancelled = await self._poll(
                    batch_id, early.offer if early is not None else None
                )
            except Exception as exc:  # noqa: BLE001 - a failed batch falls back to direct renders
                failure = Failure.from_error(exc)
                if failure.kind == "account" or self._trip(failure):
                    self._stop = failure
                if _is_not_found(exc):
                    self.outcome.gone_templates.add(jobs[0].template_key)
                # A batch the service accepted (or may have: a read timeout on the submission)
                # renders its items whatever became of this request; rendering them again
                # directly could pay for each card twice, so they fail for this build.
                unsure = submitted or _may_have_rendered(exc)
                for job in jobs:
                    if early is not None and early.has(job):
                        continue  # rendered and taken before the batch went wrong
                    if unsure:
                        self._unsure.add(job.fingerprint)
                        self._fail(job, Failure.transient(failure.reason), final=True)
                    else:
                        self.outcome.failed[job.fingerprint] = failure
                log.debug("pictify: batch failed: %s", failure.reason)
                return None
        items = _items_of(result)
        if cancelled:
            log.debug(
                "pictify: batch %s cancelled after %g s; %d of %d items finished",
                batch_id,
                o.timeout,
                sum(1 for item in items.values() if item["success"]),
                len(jobs),
            )
        return items

    async def _poll(
        self, batch_id: str, offer: Callable[[Any], None] | None = None
    ) -> tuple[Any, bool]:
        """Poll a batch with backoff until it is terminal; cancel it on timeout.

        Args:
            batch_id: The batch.
            offer: Called with every poll's results (items finished so far).

        Returns:
            The batch's results, and whether it was cancelled for taking too long.
        """
        deadline = time.monotonic() + self.options.timeout
        delay = 0.2
        while True:
            result = await self.service.batch_results(batch_id)
            if (result.status or "") in _TERMINAL:
                return result, False
            if offer is not None:
                offer(result)
            if time.monotonic() + delay > deadline:
                break
            await asyncio.sleep(delay)
            # Capped low: a finished batch waits for the next poll, and polls are cheap GETs.
            delay = min(delay * 1.5, 2.0)
        log.debug("pictify: batch %s timed out, cancelling it", batch_id)
        try:
            await self.service.cancel_batch(batch_id)
        except Exception as exc:  # noqa: BLE001 - cancelling is best effort
            log.debug("pictify: cancelling batch %s failed: %s", batch_id, exc)
        # Items that finished before the cancel keep their results. An item that was being
        # rendered when the cancel arrived may still finish (and be billed): after a pause,
        # its result is collected, so only items the service never started are sent again.
        await asyncio.sleep(CANCEL_GRACE_S)
        return await self.service.batch_results(batch_id), True

    def _warn_once(self, message: str) -> None:
        if message not in self.outcome.warnings:
            self.outcome.warnings.append(message)


def _items_of(result: Any) -> dict[int, dict[str, Any]]:
    """A batch's results as item index -> item (the first entry for an index wins)."""
    items: dict[int, dict[str, Any]] = {}
    for item in [*result.results, *result.errors]:
        if item.index is not None and item.index not in items:
            items[int(item.index)] = {
                "success": bool(item.success),
                "url": item.url,
                "width": item.width,
                "height": item.height,
                "error": item.error,
            }
    return items


class _EarlyItems:
    """The items of a running batch taken before it ends: each finished item with a URL is
    downloaded and kept as soon as a poll lists it.

    Args:
        jobs: The batch's jobs, by item index.
        accept: Downloads and keeps one item; ``True`` when the card was kept.
    """

    def __init__(
        self,
        jobs: Sequence[CardJob],
        accept: Callable[[CardJob, Mapping[str, Any]], Awaitable[bool]],
    ) -> None:
        self._jobs = jobs
        self._accept = accept
        self._tasks: dict[str, asyncio.Task[bool]] = {}  # by fingerprint

    def has(self, job: CardJob) -> bool:
        """Whether ``job`` was taken early."""
        return job.fingerprint in self._tasks

    def offer(self, result: Any) -> None:
        """Take the finished items of one poll's ``result`` not taken yet."""
        for index, item in _items_of(result).items():
            if not 0 <= index < len(self._jobs) or not item["success"] or not item["url"]:
                continue
            job = self._jobs[index]
            if job.fingerprint not in self._tasks:
                self._tasks[job.fingerprint] = asyncio.ensure_future(self._accept(job, item))

    async def settle(self) -> dict[str, bool]:
        """Wait for every item taken; fingerprint -> whether its card was kept."""
        if self._tasks:
            await asyncio.wait(self._tasks.values())
        return {fingerprint: task.result() for fingerprint, task in self._tasks.items()}

    def cancel(self) -> None:
        """Stop the downloads still running."""
        for task in self._tasks.values():
            task.cancel()
