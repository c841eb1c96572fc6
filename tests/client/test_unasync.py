"""The sync client is generated from the async source by ``scripts/unasync.py`` and kept so."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "scripts" / "unasync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unasync = _load_unasync()


@pytest.mark.parametrize(
    ("source", "target"), unasync.pairs(), ids=[p[1].name for p in unasync.pairs()]
)
def test_sync_file_is_what_its_async_source_yields(source: Path, target: Path) -> None:
    assert target.read_text(encoding="utf-8") == unasync.sync_version(source, target), (
        f"{target.relative_to(ROOT)} is stale or hand-edited: edit "
        f"{source.relative_to(ROOT)} and run: .venv/bin/python scripts/unasync.py"
    )


def test_check_passes_with_every_rule_used_and_no_stray_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert unasync.main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("async_line", "sync_line"),
    [
        ("    async def create(\n", "    def create(\n"),
        (
            "        return await self._client._request(\n",
            "        return self._client._request(\n",
        ),
        ("class AsyncImages(AsyncResource):\n", "class Images(SyncResource):\n"),
        ("    ) -> AsyncPaginator[Gif]:\n", "    ) -> SyncPage[Gif]:\n"),
        (
            "        return AsyncPaginator(self._client, query, page)\n",
            "        return SyncPage.fetch(self._client, query, page)\n",
        ),
        ("            await self._http.aclose()\n", "            self._http.close()\n"),
        ("    async def __aenter__(self) -> Self:\n", "    def __enter__(self) -> Self:\n"),
        (
            "        http_client: httpx.AsyncClient | None,\n",
            "        http_client: httpx.Client | None,\n",
        ),
        (
            "        self._sleep: Callable[[float], Awaitable[None]] = anyio.sleep\n",
            "        self._sleep: Callable[[float], None] = time.sleep\n",
        ),
        (
            '        """List GIFs (``GET /gif``); await: one page; async for: all items.\n',
            '        """List GIFs (``GET /gif``); iterate the result to walk every page.\n',
        ),
        # Words that merely contain the patterns stay as they are.
        (
            "    # asynchronously awaited; AsyncioThing\n",
            "    # asynchronously awaited; AsyncioThing\n",
        ),
    ],
)
def test_rewrite_rules(async_line: str, sync_line: str) -> None:
    assert unasync.unasync_text(async_line) == sync_line
