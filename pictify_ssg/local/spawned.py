"""A `LocalServer` in a child process: the embedded renderer of a site build.

In the build's own process the server's Python work (its imports, uvicorn, Playwright's side
of every render) takes turns with the site generator for the interpreter lock: a build that
renders one card paid about half a second of its own time for it (``bench/site_builds.py``).
In a child process it runs on another core instead, and the build only speaks HTTP to it.

The child holds its standard input open as a lifeline: it stops the server (and Chromium) when
the input closes, which is also what happens when the build's process dies, however it dies.
The child's log records of the ``pictify_ssg`` loggers are passed back and logged in the build's
process, so a font that failed to load still shows in the build's output.

Run as ``python -m pictify_ssg.local.spawned`` by :class:`SpawnedServer` only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pictify_ssg.local import exceptions
from pictify_ssg.local.exceptions import LocalServerError
from pictify_ssg.local.options import ServerOptions

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 60.0
"""Start-up budget of the child: a Python start, the server's imports, binding the port."""

SHUTDOWN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class _Config:
    data_dir: Path
    files_dir: Path | None
    options: ServerOptions
    log_level: int


class SpawnedServer:
    """A local server running in a child process (same surface as `LocalServer` for a build).

    Args:
        data_dir: The server's state folder.
        options: Its options.
        files_dir: Where rendered files go (default: inside ``data_dir``).
    """

    def __init__(
        self, *, data_dir: Path, options: ServerOptions, files_dir: Path | None = None
    ) -> None:
        self._config = _Config(
            data_dir, files_dir, options, logging.getLogger("pictify_ssg").getEffectiveLevel()
        )
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()
        self.base_url = ""
        self.api_key = ""

    def start(self) -> SpawnedServer:
        """Start the child and wait until it serves.

        Returns:
            ``self``.

        Raises:
            LocalServerError: What the child's `LocalServer.start` raised (the same class when
                it is one of `pictify_ssg.local.exceptions`), or that it did not come up.
        """
        process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._process = process
        assert process.stdin is not None
        assert process.stdout is not None
        answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(
            target=_read_output,
            args=(process.stdout, answers),
            name="pictify-server-output",
            daemon=True,
        )
        self._reader.start()
        try:
            payload = pickle.dumps(self._config)
            process.stdin.write(len(payload).to_bytes(8, "big") + payload)
            process.stdin.flush()
            message = answers.get(timeout=STARTUP_TIMEOUT_S)
        except (OSError, queue.Empty) as exc:
            self.stop()
            reason = str(exc) or f"no answer within {STARTUP_TIMEOUT_S:g} s"
            raise LocalServerError(f"the local Pictify server did not start: {reason}") from None
        if "ready" not in message:
            self.stop()
            raise _start_error(message.get("error"))
        self.base_url = str(message["ready"]["base_url"])
        self.api_key = str(message["ready"]["api_key"])
        return self

    def stop(self) -> None:
        """Stop the server and its Chromium, and wait for the child to exit (idempotent)."""
        with self._lock:
            process, self._process = self._process, None
            if process is None:
                return
            if process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()  # the lifeline: the child stops its server
            try:
                process.wait(SHUTDOWN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if self._reader is not None:
                self._reader.join(SHUTDOWN_TIMEOUT_S)
                self._reader = None
            if process.stdout is not None:
                process.stdout.close()

    def __repr__(self) -> str:
        return f"SpawnedServer({self.base_url or 'stopped'})"


def _start_error(error: Any) -> LocalServerError:
    if not isinstance(error, dict):
        return LocalServerError("the local Pictify server did not start")
    kind = getattr(exceptions, str(error.get("type")), None)
    message = str(error.get("message"))
    if isinstance(kind, type) and issubclass(kind, LocalServerError):
        return kind(message)
    return LocalServerError(f"the local Pictify server did not start: {message}")


def _read_output(stream: IO[bytes], answers: queue.Queue[dict[str, Any]]) -> None:
    """Log the child's records here (those of its start too: a damaged database moved aside,
    say) and pass anything else, its answer to the start, to ``answers``; until the output
    ends, which is answered with an empty message."""
    for line in stream:
        try:
            message = json.loads(line)
        except ValueError:
            continue  # nothing else is written there, but never fail the build on it
        if not isinstance(message, dict):
            continue
        if "log" in message:
            _relay(message["log"])
        else:
            answers.put(message)
    answers.put({})


def _relay(record: Any) -> None:
    with contextlib.suppress(KeyError, TypeError, ValueError):
        logging.getLogger(str(record["name"])).log(int(record["level"]), "%s", record["msg"])


# -- the child ----------------------------------------------------------------------------------


class _PipeHandler(logging.Handler):
    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = {"name": record.name, "level": record.levelno, "msg": record.getMessage()}
            line = json.dumps({"log": fields}) + "\n"
            self.acquire()
            try:
                self._stream.write(line)
                self._stream.flush()
            finally:
                self.release()
        except Exception:  # noqa: BLE001 - logging must never break rendering
            self.handleError(record)


def _child() -> int:
    # Ctrl-C in a terminal reaches the whole process group: the build decides (and closes
    # the lifeline, or dies, which closes it too).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin = sys.stdin.buffer
    size = int.from_bytes(stdin.read(8), "big")
    config: _Config = pickle.loads(stdin.read(size))  # our own parent wrote it
    # Our answers go on a copy of the output; anything else printing lands on stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    package = logging.getLogger("pictify_ssg")
    package.setLevel(config.log_level)
    package.addHandler(_PipeHandler(answers))
    from pictify_ssg.local.server import LocalServer

    try:
        server = LocalServer(
            data_dir=config.data_dir, options=config.options, files_dir=config.files_dir
        ).start()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        error = {"type": type(exc).__name__, "message": str(exc)}
        answers.write(json.dumps({"error": error}) + "\n")
        answers.flush()
        return 1
    ready = {"base_url": server.base_url, "api_key": server.api_key}
    answers.write(json.dumps({"ready": ready}) + "\n")
    answers.flush()
    try:
        while stdin.read(65536):
            pass  # nothing more is sent: this waits for the parent to close (or die)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
