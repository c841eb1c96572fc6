"""Running one ``mkdocs build`` for ``bench/site_builds.py``: wall time, memory, cards.

Each build runs in its own child process (``bench/_site_child.py``), which reports its own
``ru_maxrss``; meanwhile a thread samples the anonymous memory of the child and everything it
started (the local renderer's Chromium), so a build's whole footprint is seen.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "_site_child.py"
SUMMARY = re.compile(r"pictify: (\d+) pages?, (\d+) cached, (\d+) rendered")


@dataclass
class Sample:
    """One build: wall time, memory, cards rendered and the captured log."""

    wall_s: float
    cpu_s: float  # user + system time of the build and the processes it waited for
    maxrss_mb: float
    tree_anon_mb: float
    children_maxrss_mb: float
    rendered: int | None
    cached: int | None
    modules: int
    log: str


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as file:
                stat = file.read()
        except OSError:  # the process ended while we looked
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children[ppid].append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _anon_kb(pid: int) -> int:
    # /proc/<pid>/status, not smaps_rollup: the latter walks the page tables of Chromium's huge
    # address space under its mmap lock, which measurably slowed the builds being measured.
    # RssAnon leaves out file-backed pages (libraries, fonts) that Chromium's processes share.
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@contextlib.contextmanager
def tree_sampler(pid: int, interval: float = 0.25) -> Iterator[list[int]]:
    """Sample the anonymous (private) RSS summed over ``pid`` and its descendants.

    The list holds the peak in KiB. Anonymous memory is what a process allocates itself, so
    summing it over Chromium's processes does not count their shared libraries many times.
    """
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], sum(_anon_kb(p) for p in _descendants(pid)))
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def child_env() -> dict[str, str]:
    """The environment of a build: no API key (local backend), no MkDocs 2 banner, and
    bytecode cached as on a user's machine.

    Some shells (CI images among them) set ``PYTHONDONTWRITEBYTECODE``: every build would then
    compile pictify's source anew, a cost no installed copy has (pip compiles a wheel's
    modules when it installs them, and the competitor's are compiled so).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICTIFY_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_build(
    config: Path,
    *,
    python: Path | None = None,
    importtime: bool = False,
    profile: Path | None = None,
) -> tuple[Sample, int]:
    """Run ``mkdocs build -f config`` in a child process; return the sample and exit code.

    ``python`` is the interpreter of the build (default: this one); the competitor's builds
    run in its own virtual environment. The child script needs nothing but MkDocs.
    """
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        log_file = Path(tmp) / "log.txt"
        command = [str(python or sys.executable)]
        if importtime:
            command += ["-X", "importtime"]
        command += [str(CHILD), str(result_file), "-f", str(config)]
        if profile is not None:
            command += ["--profile", str(profile)]
        with open(log_file, "wb") as log:
            start = time.perf_counter()
            process = subprocess.Popen(
                command, cwd=config.parent, env=child_env(), stdout=log, stderr=subprocess.STDOUT
            )
            with tree_sampler(process.pid) as peak:
                code = process.wait()
            wall = time.perf_counter() - start
        text = log_file.read_text(encoding="utf-8", errors="replace")
        result = json.loads(result_file.read_text()) if result_file.exists() else {}
    match = SUMMARY.search(text)
    sample = Sample(
        wall_s=wall,
        maxrss_mb=result.get("maxrss_kb", 0) / 1024,
        tree_anon_mb=peak[0] / 1024,
        children_maxrss_mb=result.get("children_maxrss_kb", 0) / 1024,
        rendered=int(match.group(3)) if match else None,
        cached=int(match.group(2)) if match else None,
        modules=int(result.get("modules", 0)),
        cpu_s=float(result.get("cpu_s", 0.0)) + float(result.get("children_cpu_s", 0.0)),
        log=text,
    )
    return sample, code
