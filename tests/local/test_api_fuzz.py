"""Fuzz a real server against its own OpenAPI document with schemathesis.

Every operation in ``GET /openapi.json`` gets generated requests, valid ones (positive) and
invalid ones (negative), and every response must: not be a 5xx, have a documented status code
and content type, and match the documented schema. Operations with path parameters run twice:
with generated values (mostly unknown ids) and with the ids of real resources, so the render
routes really render.

Bounded for a 2-core CI machine: a fixed number of examples per operation (fewer where
Chromium renders), derandomized so every run sends the same requests, no example database.
The Python API runs inside a plain test (rather than schemathesis' pytest plugin) so the
example budget, the fixed ids and the failure report are all in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

# schemathesis 4 needs Python 3.11 (the dev extra installs it only there).
schemathesis = pytest.importorskip("schemathesis")

import requests  # noqa: E402 - a schemathesis dependency, so after the skip
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import Case, GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.errors import FailureGroup  # noqa: E402

from pictify_ssg.local import LocalServer, ServerOptions  # noqa: E402
from pictify_ssg.local.openapi import openapi_document  # noqa: E402
from pictify_ssg.local.schemas import MAX_DIMENSION  # noqa: E402

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: Operations whose documented answer is a 5xx (501: not available locally): every other check
#: still applies, and the status must be one the document lists.
DOCUMENTED_SERVER_ERRORS = {"POST /image/agent-screenshot"}

EXAMPLES = 25
"""Examples per operation, generation mode and kind of path parameter."""

RENDERING = {
    "POST /image",
    "POST /image/canvas",
    "POST /templates/{uid}/render",
    "POST /templates/{uid}/batch-render",
    "POST /gif",
    "POST /gif/capture",
    "POST /pdf/render",
    "POST /pdf/multi-page",
    "POST /bindings/{uid}/refresh",
}
RENDER_EXAMPLES = 12
"""Fewer for the operations that start Chromium renders (about 0.1-1 s each)."""

# Dimensions are capped for the fuzz only: a 4096x4096 screenshot costs a second and 64 MB
# and proves nothing more than a 640x640 one; the limits themselves are tested elsewhere.
MAX_FUZZ_DIMENSION = 640

# DELETE last, so the shared template exists for every other operation.
OPERATIONS = sorted(
    (
        (method.upper(), path)
        for path, item in openapi_document()["paths"].items()
        for method in item
    ),
    key=lambda op: (op[0] == "DELETE", op[1], op[0]),
)

# Typed as Any: mypy checks against Python 3.10, which has no enum.StrEnum for GenerationMode.
MODES: tuple[Any, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)

CARD = "<p>{{title}}</p>{{#each items}}<i>{{this}}</i>{{/each}}"
ANIMATED = "<style>p{animation:x .2s}@keyframes x{to{opacity:0}}</style><p>x</p>"


@dataclasses.dataclass
class Target:
    """The fuzzed server, its loaded schema and ids of real resources."""

    server: LocalServer
    schema: Any
    session: requests.Session
    ids: dict[str, str]
    """Path prefix (up to the parameter) -> the id of a real resource there."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.api_key}"}


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    # The server may call itself (a binding's data source, a webhook target) and nothing
    # else: any URL the generator makes up is refused with a 400 before anything is sent.
    options = ServerOptions(browsers=1, render_timeout_s=10, outbound_hosts=("127.0.0.1",))
    with LocalServer(data_dir=data_dir, options=options) as server, requests.Session() as session:
        ids = _real_resources(server)
        schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json", timeout=30)
        yield Target(server, schema, session, ids)


def _real_resources(server: LocalServer) -> dict[str, str]:
    """A template (with a layout), a rendered file, a batch, a webhook subscription and a
    binding to point path parameters at."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as api:
        template = api.post(
            "/templates",
            json={
                "html": CARD,
                "width": 64,
                "height": 32,
                "layouts": {"sq": {"width": 32, "height": 32}},
            },
        ).json()["template"]
        image = api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 10}).json()
        batch = api.post(
            f"/templates/{template['uid']}/batch-render", json={"variableSets": [{"title": "a"}]}
        ).json()
        gif = api.post(
            "/gif",
            json={"html": ANIMATED, "width": 20, "height": 10, "quality": "low"},
        ).json()["gif"]
        pdf = api.post("/pdf/render", json={"templateUid": template["uid"]}).json()
        # binding.failed is rare, so the fuzz's renders do not queue deliveries to /health.
        subscription = api.post(
            "/webhook-subscriptions",
            json={"event": "binding.failed", "targetUrl": f"{server.base_url}/health"},
        ).json()["subscription"]
        binding = api.post(
            "/bindings",
            json={
                "templateId": template["uid"],
                "dataSource": {"type": "http", "url": f"{server.base_url}/health"},
                "mapping": {"title": "$.status"},
            },
        ).json()["binding"]
    return {
        "/templates/{uid}": template["uid"],
        "/image/{uid}": image["id"],
        "/gif/{uid}": gif["uid"],
        "/pdf/{uid}": pdf["id"],
        "/files/{name}": image["url"].rsplit("/", 1)[1],
        "/templates/batch/{batch_id}": batch["batchId"],
        "/webhook-subscriptions/{uid}": subscription["uid"],
        "/bindings/{uid}": binding["uid"],
        "/b/{name}": binding["renderUrl"].rsplit("/", 1)[1],
    }


def _tame(case: Case[Any], base_url: str) -> None:
    """Keep a generated request cheap without changing what it tests."""
    if not isinstance(case.body, dict):
        return
    for key in ("width", "height"):
        value = case.body.get(key)
        # Only valid sizes are lowered: an invalid one must still reach the server as it is.
        if type(value) is int and MAX_FUZZ_DIMENSION < value <= MAX_DIMENSION:
            case.body[key] = MAX_FUZZ_DIMENSION
    seconds = case.body.get("frameDurationSeconds")
    # A film of a live page lasts as long as asked (up to 30 s): the shortest valid one will do.
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and 1 < seconds <= 30:
        case.body["frameDurationSeconds"] = 1
    url = case.body.get("url")
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        # Chromium would fetch whatever the generator made up; a page of this server keeps
        # the screenshot (or its refusal by the network policy) on this machine.
        case.body["url"] = f"{base_url}/health"


def _fuzz(
    target: Target,
    operation: Any,
    mode: Any,
    examples: int,
    path_parameters: dict[str, str],
) -> list[str]:
    """Run one batch of generated requests; returns a description of each distinct failure."""
    failures: dict[str, str] = {}
    checks = CHECKS
    if f"{operation.method.upper()} {operation.path}" in DOCUMENTED_SERVER_ERRORS:
        checks = [check for check in CHECKS if check is not not_a_server_error]

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(
            generation_mode=mode, headers=target.headers, path_parameters=path_parameters
        )
    )
    def run(case: Case[Any]) -> None:
        _tame(case, target.server.base_url)
        response = case.call(session=target.session, timeout=60)
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            # Many requests fail for one reason: report each reason once, with one request.
            for failure in group.exceptions:
                first_line = (failure.message.strip().splitlines() or [""])[0]
                reason = f"{failure.title}: {first_line}"
                failures.setdefault(reason, f"{failure.title}\n{failure.message}\n{_request(case)}")

    try:
        run()
    except Unsatisfiable:
        # Nothing to vary in this mode (no negative form of an operation without inputs).
        return []
    return list(failures.values())


def _request(case: Case[Any]) -> str:
    # A case without a body holds schemathesis' NOT_SET marker rather than None.
    has_body = isinstance(case.body, (dict, list, str, bytes, int, float))
    body = f" body={case.body!r:.300}" if has_body else ""
    return f"    request: {case.method} {case.formatted_path} query={case.query}{body}"


def _runs(target: Target, method: str, path: str) -> Iterator[tuple[Any, dict[str, str]]]:
    """Each generation mode with generated path parameters, then with a real resource's id."""
    real = {
        prefix.rsplit("{", 1)[1].rstrip("}"): value
        for prefix, value in target.ids.items()
        if path.startswith(prefix)
    }
    for mode in MODES:
        yield mode, {}
        if real:
            yield mode, real


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_keeps_its_documented_promises(target: Target, method: str, path: str) -> None:
    operation = target.schema[path][method]
    examples = RENDER_EXAMPLES if f"{method} {path}" in RENDERING else EXAMPLES

    failures = [
        failure
        for mode, fixed in _runs(target, method, path)
        for failure in _fuzz(target, operation, mode, examples, fixed)
    ]

    assert not failures, "\n\n".join(failures)
