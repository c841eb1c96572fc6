"""The report's summary line and the progress bar."""

from __future__ import annotations

import io

import pytest

from pictify_ssg.core.build_report import BuildReport, Progress


def report(cached: int, rendered: int, batches: int, direct: int, failed: int) -> BuildReport:
    r = BuildReport(batches=batches, direct_renders=direct, duration=2.34)
    for i in range(cached):
        r.outcomes[f"c{i}"] = "cached"
    for i in range(rendered):
        r.outcomes[f"r{i}"] = "rendered"
    for i in range(failed):
        r.outcomes[f"f{i}"] = "failed"
        r.failed.append((f"f{i}", "boom"))
    return r


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            (398, 14, 1, 0, 0),
            "pictify: 412 pages, 398 cached, 14 rendered in 1 batch, 0 failed, 2.3 s",
        ),
        (
            (0, 3, 0, 3, 0),
            "pictify: 3 pages, 0 cached, 3 rendered in 3 direct calls, 0 failed, 2.3 s",
        ),
        ((1, 0, 0, 0, 0), "pictify: 1 page, 1 cached, 0 rendered, 0 failed, 2.3 s"),
        (
            (0, 250, 3, 1, 1),
            "pictify: 251 pages, 0 cached, 250 rendered in 3 batches + 1 direct call, "
            "1 failed, 2.3 s",
        ),
    ],
)
def test_summary_line(args: tuple[int, int, int, int, int], line: str) -> None:
    assert report(*args).summary_line == line


def test_summary_mentions_other_outcomes() -> None:
    r = report(1, 0, 0, 0, 0)
    r.outcomes["x"] = "explicit"
    r.outcomes["y"] = "excluded"
    assert r.summary_line.endswith("0 failed, 1 explicit, 1 excluded, 2.3 s")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_only_on_a_terminal() -> None:
    tty, plain = _Tty(), io.StringIO()
    for stream in (tty, plain):
        bar = Progress(4, stream=stream)
        for _ in range(4):
            bar.advance()
        bar.close()
    assert tty.getvalue().endswith("[##############################] 4/4\n")
    assert plain.getvalue() == ""
