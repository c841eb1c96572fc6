"""Creating a template's remote copy when the first try's outcome is unknown.

Every card of a build waits on its template, so a create that may or may not have reached the
service is looked for among the newest templates, and made once more only when it is not
there. The service here is a stand-in recording its calls: these are the decisions around a
failure the local server cannot produce on cue (a created template whose answer was lost).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from pictify_ssg.client import Effect
from pictify_ssg.client._error_mapping import make_status_error
from pictify_ssg.client.exceptions import APIConnectionError, PictifyError
from pictify_ssg.core.card_templates import TemplateVersion, ensure_remote_copy
from pictify_ssg.core.service import Service
from pictify_ssg.core.store import Store


class _Service:
    identity = "https://api.example"
    account = "acct"

    def __init__(self, failures: list[PictifyError], existing: str | None = None) -> None:
        self.failures = failures
        self.existing = existing
        self.calls: list[str] = []

    async def create_template(self, *, name: str, html: str, width: int, height: int) -> Any:
        self.calls.append("create")
        if self.failures:
            raise self.failures.pop(0)
        return SimpleNamespace(uid="T-new", name=name)

    async def newest_template(self, name: str) -> Any:
        self.calls.append("newest")
        return SimpleNamespace(uid=self.existing, name=name) if self.existing else None


def _template(tmp_path: Path) -> TemplateVersion:
    path = tmp_path / "card.html"
    path.write_text("<h1>{{title}}</h1>", encoding="utf-8")
    return TemplateVersion(
        key=f"file:{path}",
        identity={"kind": "file", "file_sha256": "ab" * 32},
        variables=frozenset({"title"}),
        html="<h1>{{title}}</h1>",
        path=path,
    )


def _unknown() -> PictifyError:
    return make_status_error(
        503, {"message": "Injected"}, {}, method="POST", url="/templates", effect=Effect.CREATES
    )


async def _copy(service: _Service, tmp_path: Path) -> str:
    with Store(tmp_path / "cache") as store:
        return await ensure_remote_copy(
            cast(Service, service), store, _template(tmp_path), width=1200, height=630
        )


async def test_a_lost_create_is_adopted_not_duplicated(tmp_path: Path) -> None:
    service = _Service([_unknown()], existing="T-made")
    assert await _copy(service, tmp_path) == "T-made"
    assert service.calls == ["create", "newest"]


async def test_a_create_that_did_not_happen_is_made_again(tmp_path: Path) -> None:
    service = _Service([APIConnectionError("reset", maybe_sent=True)])
    assert await _copy(service, tmp_path) == "T-new"
    assert service.calls == ["create", "newest", "create"]


@pytest.mark.parametrize(
    "error",
    [
        make_status_error(
            422, {"message": "bad template"}, {}, method="POST", effect=Effect.CREATES
        ),
        make_status_error(401, {"message": "Invalid Request"}, {}, method="POST"),
    ],
)
async def test_refusals_are_not_tried_again(tmp_path: Path, error: PictifyError) -> None:
    service = _Service([error])
    with pytest.raises(PictifyError):
        await _copy(service, tmp_path)
    assert service.calls == ["create"]
