"""Process checks: waiting for Chromium to be gone, and telling whether a server still runs.

Waiting for child processes makes "stopped" mean no Chromium is left running:
Playwright's ``browser.close()`` returns before every Chromium helper process has exited, and a
test (or a user) checking for leftovers right after ``stop()`` would still see them. Linux
exposes the process tree under ``/proc``; elsewhere the wait is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (empty where ``/proc`` is unavailable)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses; the ppid follows the last ")".
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def wait_gone(pids: set[int], timeout_s: float = 10.0) -> set[int]:
    """Wait (without a worker thread: this also runs at interpreter exit) until ``pids``
    end; those still running after ``timeout_s``."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    remaining = {pid for pid in pids if alive(pid)}
    while remaining and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
        remaining = {pid for pid in remaining if alive(pid)}
    return remaining


def kill(pids: set[int]) -> None:
    """SIGKILL whatever is left (last resort after a graceful close)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)


def children(pid: int) -> set[int]:
    """Direct children of ``pid``."""
    return {child for child in descendants(pid) if _parent(child) == pid}


def command_line(pid: int) -> str:
    """The command line of ``pid`` ('' when unknown)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def process_start(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (``None`` where ``/proc`` is missing).

    Together with the pid this names a process uniquely, even after the pid is reused.
    """
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine, on any platform.

    Unknown answers count as alive: callers use this to decide whether another server's work
    may be taken over, and wrongly taking it over is the worse mistake.
    """
    if pid <= 0:
        return False
    if Path("/proc/self").is_dir():
        return alive(pid)
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        # Signal 0 only checks that the process exists (POSIX; never used on Windows, where
        # os.kill would terminate the process).
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. EPERM: it exists but belongs to another user
    return True


if sys.platform == "win32":

    def _windows_pid_alive(pid: int) -> bool:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        query_limited_information, still_active, access_denied = 0x1000, 259, 5
        handle = kernel32.OpenProcess(query_limited_information, False, pid)
        if not handle:
            return ctypes.get_last_error() == access_denied
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return bool(code.value == still_active)
        finally:
            kernel32.CloseHandle(handle)
