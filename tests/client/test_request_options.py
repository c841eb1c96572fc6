"""Per-call ``timeout=``, ``max_retries=``, ``extra_headers=``; timeout precedence; formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pictify_ssg.client import NOT_GIVEN, AsyncPictify, Pictify, RetryDecision
from pictify_ssg.client._config import DEFAULT_TIMEOUT, LONG_OPERATION_TIMEOUT
from pictify_ssg.client.exceptions import PictifyError, ServerError

from .conftest import API_KEY, Recorder, Runner, ok

IMAGE = {"url": "https://cdn/i.png", "id": "I1"}
TEMPLATE = {"template": {"uid": "T1"}}
GIF = {"gif": {"url": "https://m/g.gif"}}


def _timeout(request: httpx.Request) -> dict[str, float | None]:
    timeout: dict[str, float | None] = request.extensions["timeout"]
    return timeout


def test_timeout_is_not_sent_as_a_body_field(runner: Runner) -> None:
    rec = Recorder(ok(IMAGE))
    runner.run(lambda c: c.images.create(html="<p>x</p>", timeout=120, full_page=True), rec)
    assert rec.body() == {"html": "<p>x</p>", "fullPage": True}
    assert _timeout(rec.last) == dict.fromkeys(("connect", "read", "write", "pool"), 120)


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (5, dict.fromkeys(("connect", "read", "write", "pool"), 5)),
        (None, dict.fromkeys(("connect", "read", "write", "pool"))),
        (
            httpx.Timeout(9, connect=1),
            {"connect": 1, "read": 9, "write": 9, "pool": 9},
        ),
    ],
    ids=["seconds", "no-limit", "httpx.Timeout"],
)
def test_per_call_timeout(
    runner: Runner, timeout: float | httpx.Timeout | None, expected: dict[str, float | None]
) -> None:
    rec = Recorder(ok(TEMPLATE))
    runner.run(lambda c: c.templates.get("T1", timeout=timeout), rec)
    assert _timeout(rec.last) == expected


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_bad_per_call_timeout_fails_before_sending(runner: Runner, bad: float) -> None:
    rec = Recorder(ok(TEMPLATE))
    with pytest.raises(ValueError, match="timeout must be positive"):
        runner.run(lambda c: c.templates.get("T1", timeout=bad), rec)
    assert rec.requests == []


def test_every_page_uses_the_call_options(runner: Runner) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pagination = {"page": page, "hasNext": page < 2}
        return httpx.Response(
            200, json={"templates": [{"uid": f"T{page}"}], "pagination": pagination}
        )

    rec = Recorder(handler)
    items = runner.run(
        lambda c: c.templates.list(timeout=3, extra_headers={"X-Trace": "t1"}), rec, collect=True
    )
    assert [t.uid for t in items] == ["T1", "T2"]
    assert [_timeout(r)["read"] for r in rec.requests] == [3, 3]
    assert [r.headers["x-trace"] for r in rec.requests] == ["t1", "t1"]


def test_extra_headers_replace_same_named_headers(runner: Runner) -> None:
    rec = Recorder(ok(TEMPLATE))
    runner.run(
        lambda c: c.templates.get("T1", extra_headers={"user-agent": "mine/1", "X-A": "b"}), rec
    )
    assert rec.last.headers.get_list("user-agent") == ["mine/1"]
    assert rec.last.headers["x-a"] == "b"


@pytest.mark.parametrize(("per_call", "attempts"), [(0, 1), (1, 2), (4, 5)])
def test_per_call_max_retries(runner: Runner, per_call: int, attempts: int) -> None:
    rec = Recorder(ok({"error": "busy"}, 503))
    with pytest.raises(ServerError):
        runner.run(lambda c: c.templates.get("T1", max_retries=per_call), rec, max_retries=2)
    assert len(rec.requests) == attempts


def test_per_call_max_retries_caps_a_custom_policy(runner: Runner) -> None:
    def always(outcome: PictifyError | httpx.Response, attempt: int, /) -> RetryDecision:
        return RetryDecision(attempt < 10, 0.0, "eager")  # bounded, so a regression cannot hang

    rec = Recorder(ok({"error": "busy"}, 503))
    with pytest.raises(ServerError):
        runner.run(lambda c: c.templates.get("T1", max_retries=2), rec, retry_policy=always)
    assert len(rec.requests) == 3


def test_negative_per_call_max_retries_is_rejected(runner: Runner) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        runner.run(lambda c: c.templates.get("T1", max_retries=-1), Recorder())


LONG_CALLS: list[tuple[str, Callable[[Any], Any], Any, bool]] = [
    ("images.create", lambda c: c.images.create(html="x"), IMAGE, False),
    ("images.agent_screenshot", lambda c: c.images.agent_screenshot(prompt="p"), IMAGE, True),
    ("gifs.create", lambda c: c.gifs.create(html="x"), GIF, True),
    ("gifs.capture", lambda c: c.gifs.capture(url="https://x"), GIF, True),
    ("pdfs.render", lambda c: c.pdfs.render(template_uid="T"), IMAGE, False),
    (
        "pdfs.multi_page",
        lambda c: c.pdfs.multi_page(template_uid="T", variable_sets=[{}]),
        IMAGE,
        True,
    ),
    ("templates.render", lambda c: c.templates.render("T"), {"results": []}, False),
    (
        "templates.render multi-page PDF",
        lambda c: c.templates.render("T", format="pdf", variable_sets=[{}]),
        {"results": []},
        True,
    ),
]


@pytest.mark.parametrize(
    ("call", "answer", "long"), [c[1:] for c in LONG_CALLS], ids=[c[0] for c in LONG_CALLS]
)
def test_long_operations_get_a_longer_read_timeout(
    runner: Runner, call: Callable[[Any], Any], answer: Any, long: bool
) -> None:
    rec = Recorder(ok(answer))
    runner.run(call, rec)
    read = LONG_OPERATION_TIMEOUT if long else DEFAULT_TIMEOUT
    # Only reading waits longer: an unreachable server still fails after 30 s.
    assert _timeout(rec.last) == {
        "connect": DEFAULT_TIMEOUT,
        "read": read,
        "write": DEFAULT_TIMEOUT,
        "pool": DEFAULT_TIMEOUT,
    }


def test_a_constructor_timeout_applies_to_long_operations_too(runner: Runner) -> None:
    rec = Recorder(ok(GIF))
    runner.run(lambda c: c.gifs.capture(url="https://x"), rec, timeout=45)
    assert _timeout(rec.last)["read"] == 45


def _with_http_client(
    mode: str, call: Callable[[Any], Any], rec: Recorder, **kwargs: Any
) -> httpx.Request:
    transport = httpx.MockTransport(rec)
    own = httpx.Timeout(7.0, connect=2.0)
    if mode == "sync":
        with (
            httpx.Client(transport=transport, timeout=own) as http,
            Pictify(API_KEY, http_client=http, **kwargs) as client,
        ):
            call(client)
    else:
        import asyncio

        async def main() -> None:
            async with (
                httpx.AsyncClient(transport=transport, timeout=own) as http,
                AsyncPictify(API_KEY, http_client=http, **kwargs) as client,
            ):
                await call(client)

        asyncio.run(main())
    return rec.last


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("call", "answer"),
    [
        (lambda c: c.templates.get("T1"), TEMPLATE),
        (lambda c: c.gifs.capture(url="https://x"), GIF),  # a long operation too
    ],
    ids=["get", "capture"],
)
def test_a_callers_http_client_keeps_its_timeout(
    mode: str, call: Callable[[Any], Any], answer: Any
) -> None:
    request = _with_http_client(mode, call, Recorder(ok(answer)))
    assert _timeout(request) == {"connect": 2.0, "read": 7.0, "write": 7.0, "pool": 7.0}


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_callers_http_client_is_overridden_when_asked(mode: str) -> None:
    per_call = _with_http_client(
        mode, lambda c: c.templates.get("T1", timeout=3), Recorder(ok(TEMPLATE))
    )
    assert _timeout(per_call)["read"] == 3
    constructor = _with_http_client(
        mode, lambda c: c.templates.get("T1"), Recorder(ok(TEMPLATE)), timeout=11
    )
    assert _timeout(constructor)["read"] == 11


def test_not_given_is_a_falsy_singleton() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert type(NOT_GIVEN)() is NOT_GIVEN


# --- formats -------------------------------------------------------------------------------

FORMAT_CASES: list[tuple[str, Callable[[Any], Any], Any, str, Any]] = [
    (
        "format jpg",
        lambda c: c.images.create(html="x", format="jpg"),
        IMAGE,
        "fileExtension",
        "jpeg",
    ),
    (
        "format JPEG",
        lambda c: c.images.create(html="x", format="JPEG"),
        IMAGE,
        "fileExtension",
        "jpeg",
    ),
    (
        "file_extension jpg",
        lambda c: c.images.create(html="x", file_extension="jpg"),
        IMAGE,
        "fileExtension",
        "jpeg",
    ),
    (
        "fileExtension webp",
        lambda c: c.images.create(html="x", fileExtension="webp"),
        IMAGE,
        "fileExtension",
        "webp",
    ),
    (
        "same value twice",
        lambda c: c.images.create(html="x", format="jpeg", file_extension="jpg"),
        IMAGE,
        "fileExtension",
        "jpeg",
    ),
    (
        "canvas jpg",
        lambda c: c.images.canvas(fabric_js_data={}, format="jpg"),
        IMAGE,
        "fileExtension",
        "jpeg",
    ),
    (
        "render jpg",
        lambda c: c.templates.render("T", format="jpg"),
        {"results": []},
        "format",
        "jpeg",
    ),
    (
        "batch jpg",
        lambda c: c.templates.batch_render("T", variable_sets=[{}], format="jpg"),
        {"batchId": "B"},
        "format",
        "jpeg",
    ),
]


@pytest.mark.parametrize(
    ("call", "answer", "key", "sent"),
    [c[1:] for c in FORMAT_CASES],
    ids=[c[0] for c in FORMAT_CASES],
)
def test_formats_are_sent_normalised(
    runner: Runner, call: Callable[[Any], Any], answer: Any, key: str, sent: str
) -> None:
    rec = Recorder(ok(answer))
    runner.run(call, rec)
    body = rec.body()
    assert body[key] == sent
    assert "file_extension" not in body


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda c: c.images.create(html="x", format="pdf"), "format"),
        (lambda c: c.images.create(html="x", file_extension="bmp"), "file_extension"),
        (lambda c: c.images.canvas(fabric_js_data={}, format="gif"), "format"),
        (lambda c: c.templates.render("T", format="tiff"), "format"),
        (lambda c: c.templates.batch_render("T", variable_sets=[{}], format="pdf"), "format"),
        (lambda c: c.bindings.create(template_uid="T", format="svg"), "format"),
    ],
    ids=["image-pdf", "image-bmp", "canvas-gif", "render-tiff", "batch-pdf", "binding-svg"],
)
def test_unknown_formats_are_rejected_before_sending(
    runner: Runner, call: Callable[[Any], Any], param: str
) -> None:
    rec = Recorder(ok(IMAGE))
    with pytest.raises(ValueError, match=f"^{param}="):
        runner.run(call, rec)
    assert rec.requests == []


def test_conflicting_format_and_file_extension(runner: Runner) -> None:
    with pytest.raises(ValueError, match="format= or file_extension="):
        runner.run(
            lambda c: c.images.create(html="x", format="png", file_extension="webp"), Recorder()
        )
