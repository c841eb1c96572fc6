"""Planning: dedupe, direct vs batch, chunks of at most 100 per template."""

from __future__ import annotations

import pytest

from pictify_ssg.core.render_schedule import CardJob, chunk, dedupe, schedule_renders


def jobs(count: int, template: str = "t", start: int = 0) -> list[CardJob]:
    return [CardJob(f"fp{i}", template, {"title": str(i)}) for i in range(start, start + count)]


def test_dedupe_keeps_first_of_each_fingerprint() -> None:
    a, b = jobs(2)
    assert dedupe([a, b, a, CardJob("fp0", "other", {})]) == [a, b]


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [
        (0, 100, []),
        (1, 100, [1]),
        (100, 100, [100]),
        (101, 100, [100, 1]),
        (250, 100, [100, 100, 50]),
        (7, 3, [3, 3, 1]),
        (150, 500, [100, 50]),
        (3, 0, [1, 1, 1]),
    ],
)
def test_chunk_sizes(count: int, size: int, expected: list[int]) -> None:
    assert [len(c) for c in chunk(jobs(count), size)] == expected


@pytest.mark.parametrize(
    ("mode", "misses", "threshold", "urls", "direct", "batches"),
    [
        ("direct", 500, 10, True, 500, []),
        ("batch", 1, 10, True, 0, [1]),
        ("batch", 150, 10, False, 0, [100, 50]),  # forced: the renderer resolves URLs itself
        ("auto", 10, 10, True, 10, []),
        ("auto", 11, 10, True, 0, [11]),
        ("auto", 11, 10, None, 0, [11]),  # unknown: batches planned, the renderer probes first
        ("auto", 500, 10, False, 500, []),  # no URLs in batch results: direct only
        ("auto", 0, 10, True, 0, []),
        ("auto", 1, 0, True, 0, [1]),
    ],
)
def test_direct_or_batch(
    mode: str, misses: int, threshold: int, urls: bool | None, direct: int, batches: list[int]
) -> None:
    plan = schedule_renders(
        jobs(misses),
        mode=mode,  # type: ignore[arg-type]
        direct_threshold=threshold,
        batch_size=100,
        batch_urls=urls,
    )
    assert len(plan.direct) == direct
    assert [len(b) for b in plan.batches] == batches
    assert plan.size == misses


def test_duplicates_count_once_against_the_threshold() -> None:
    plan = schedule_renders(jobs(5) * 3, mode="auto", direct_threshold=5, batch_size=100)
    assert len(plan.direct) == 5
    assert not plan.batches


def test_batches_never_mix_templates() -> None:
    mixed = jobs(3, "a") + jobs(2, "b", start=3) + jobs(2, "a", start=5)
    plan = schedule_renders(mixed, mode="batch", direct_threshold=0, batch_size=100)
    assert [{j.template_key for j in b} for b in plan.batches] == [{"a"}, {"b"}]
    assert [len(b) for b in plan.batches] == [5, 2]
