"""Planning renders: dedupe identical cards, choose direct calls or batches, chunk batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

RenderMode = Literal["auto", "batch", "direct"]
MAX_BATCH = 100


@dataclass(frozen=True)
class CardJob:
    """One distinct card to render.

    Attributes:
        fingerprint: The card fingerprint (dedupe key).
        template_key: Which resolved template renders it.
        variables: The variables sent to the service.
    """

    fingerprint: str
    template_key: str
    variables: Mapping[str, str]


@dataclass(frozen=True)
class Schedule:
    """What to send: direct jobs and batches (each batch one template, at most 100 jobs)."""

    direct: tuple[CardJob, ...]
    batches: tuple[tuple[CardJob, ...], ...]

    @property
    def size(self) -> int:
        """Number of distinct cards in the plan."""
        return len(self.direct) + sum(len(b) for b in self.batches)


def dedupe(jobs: Iterable[CardJob]) -> list[CardJob]:
    """Keep the first job of every fingerprint, in order."""
    seen: dict[str, CardJob] = {}
    for job in jobs:
        seen.setdefault(job.fingerprint, job)
    return list(seen.values())


def chunk(jobs: Sequence[CardJob], size: int) -> list[tuple[CardJob, ...]]:
    """Split jobs into chunks of at most ``size`` (and never more than 100)."""
    size = max(1, min(size, MAX_BATCH))
    return [tuple(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def schedule_renders(
    jobs: Iterable[CardJob],
    *,
    mode: RenderMode,
    direct_threshold: int,
    batch_size: int,
    batch_urls: bool | None = True,
) -> Schedule:
    """Decide how to render the missing cards.

    Args:
        jobs: Missing cards (duplicates allowed; they are rendered once).
        mode: ``direct``, ``batch`` or ``auto``.
        direct_threshold: In ``auto``, at most this many cards go direct.
        batch_size: Cards per batch.
        batch_urls: Whether batch results carry image URLs on this service (``None``:
            unknown yet). In ``auto`` mode batches are only used when they do: without URLs
            every item would have to be rendered a second time to learn its URL.
    """
    unique = dedupe(jobs)
    use_batch = mode == "batch" or (
        mode == "auto" and len(unique) > direct_threshold and batch_urls is not False
    )
    if not use_batch:
        return Schedule(direct=tuple(unique), batches=())
    by_template: dict[str, list[CardJob]] = {}
    for job in unique:
        by_template.setdefault(job.template_key, []).append(job)
    batches: list[tuple[CardJob, ...]] = []
    for group in by_template.values():
        batches.extend(chunk(group, batch_size))
    return Schedule(direct=(), batches=tuple(batches))
