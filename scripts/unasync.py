"""Write the sync client from its async source: ``scripts/unasync.py [--check]``.

``AsyncPictify`` and the async resources are the only hand-written copy of the API surface;
``Pictify`` and the sync resources are derived from them line by line with the rewrite rules
below, then import-sorted and formatted by ruff, and committed. ``--check`` writes nothing and
exits 1 with a diff when a committed sync file differs from what its source yields (a test runs
it, so an edit to a generated file, or a source edit without a rerun, fails the suite).

Why async is the source: dropping ``async``/``await`` is a context-free rewrite, while adding
them would need to know which calls return awaitables.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "pictify_ssg" / "client"
#: (async source, sync output): a file, or a folder whose ``*.py`` files are rewritten.
SOURCES = [
    (CLIENT / "_async_client.py", CLIENT / "_client.py"),
    (CLIENT / "_resources" / "_async", CLIENT / "_resources" / "_sync"),
]
#: (pattern, replacement), applied in this order to every line. Specific rules come first.
RULES: list[tuple[str, str]] = [
    # Docstrings that say how the async flavour is used.
    (r"; await: one page; async for: all items", "; iterate the result to walk every page"),
    (r"; await: one page; async for: all\.", "; iterate to walk every page."),
    (r"\bAsynchronous\b", "Synchronous"),
    (r"\basynchronous\b", "synchronous"),
    (r" \(same surface as :class:`Pictify`, awaitable\)", ""),
    # Names whose sync twin is not the same name without ``Async``.
    (r"\bAsyncPaginator\(", "SyncPage.fetch("),
    (r"\bAsyncPaginator\b", "SyncPage"),
    (r"\bAsync(Resource|ClientLike)\b", r"Sync\1"),
    (r"\bAsync(?=[A-Z])", ""),
    (r"\._async\b", "._sync"),
    # The language and the libraries.
    (r"\basync def\b", "def"),
    (r"\bawait ", ""),
    (r"\baclose\b", "close"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\banyio\.sleep\b", "time.sleep"),
    (r"\bAwaitable\[None\]", "None"),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]
HEADER = "# Generated from {source} by scripts/unasync.py: edit that file, not this one.\n"


def unasync_text(text: str, used: set[int] | None = None) -> str:
    """Apply :data:`RULES` to every line of ``text``, noting in ``used`` which rules matched."""
    lines = []
    for line in text.splitlines(keepends=True):
        for index, (pattern, replacement) in enumerate(_COMPILED):
            line, count = pattern.subn(replacement, line)
            if count and used is not None:
                used.add(index)
        lines.append(line)
    return "".join(lines)


def _ruff(args: list[str], text: str, path: Path) -> str:
    """Run ruff on ``text`` as if it were ``path`` (so the project's settings apply)."""
    command = [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(path), "-"]
    done = subprocess.run(command, input=text, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ruff {' '.join(args)} failed on {path}:\n{done.stderr}{done.stdout}")
    return done.stdout


def sync_version(source: Path, target: Path, used: set[int] | None = None) -> str:
    """The sync file that ``source`` yields: rewritten, then unused imports dropped (``anyio``,
    ``Awaitable``), imports re-sorted and the code formatted (lines shrink without ``await``)."""
    text = HEADER.format(source=source.relative_to(CLIENT).as_posix())
    text += unasync_text(source.read_text(encoding="utf-8"), used)
    text = _ruff(["check", "--fix", "--quiet", "--select", "F401,I"], text, target)
    return _ruff(["format", "--quiet"], text, target)


def pairs() -> list[tuple[Path, Path]]:
    """Every (async source file, sync file) pair."""
    found = []
    for source, target in SOURCES:
        if source.is_dir():
            found += [(path, target / path.name) for path in sorted(source.glob("*.py"))]
        else:
            found.append((source, target))
    return found


def main(argv: list[str]) -> int:
    """Write (or with ``--check``, compare) every sync file; 1 when any differs."""
    check = "--check" in argv
    used: set[int] = set()
    stale = []
    expected_files = set()
    for source, target in pairs():
        expected_files.add(target)
        wanted = sync_version(source, target, used)
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == wanted:
            continue
        stale.append(target)
        if check:
            name = target.relative_to(ROOT).as_posix()
            sys.stdout.writelines(
                difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), name, name)
            )
        else:
            target.parent.mkdir(exist_ok=True)
            target.write_text(wanted, encoding="utf-8")
    strays = [
        path
        for _, target in SOURCES
        if target.is_dir()
        for path in target.glob("*.py")
        if path not in expected_files
    ]
    unused = [RULES[i] for i in range(len(RULES)) if i not in used]
    for path in strays:
        print(f"{path.relative_to(ROOT)} has no async source: delete it or add one")
    for rule in unused:
        print(f"rule {rule!r} matched nothing: remove it")
    if check and stale:
        print("sync files out of date; run: python scripts/unasync.py")
    return 1 if (check and stale) or strays or unused else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
