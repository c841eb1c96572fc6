"""Response models accept the field shapes the sources disagree on, and never fail a billed call
over a known field's type (the server's answer cannot produce these: MockTransport)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from pictify_ssg.client import (
    BatchItem,
    BatchJob,
    BatchResults,
    Binding,
    Gif,
    ImageResult,
    RenderResult,
    Template,
    WebhookSubscription,
)
from pictify_ssg.client._model_base import PictifyModel

from .conftest import Recorder, Runner, ok

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z
ISO = "2026-01-01T00:00:00.000Z"

#: (shape, model, data, attribute, value expected on the attribute)
SHAPES: list[tuple[str, type[PictifyModel], dict[str, Any], str, Any]] = [
    # 1-2: batch item variables: the hosted list of names, or the documented object
    (
        "variables as names",
        BatchItem,
        {"variables": ["title", "name"]},
        "variables",
        ["title", "name"],
    ),
    (
        "variables as object",
        BatchItem,
        {"variables": {"title": "Hi", "n": 2}},
        "variables",
        {"title": "Hi", "n": 2},
    ),
    # 3-4: error as text, or as the envelope's object
    ("error as text", BatchItem, {"error": "Render failed"}, "error", "Render failed"),
    (
        "error as object",
        BatchItem,
        {"error": {"message": "Render failed", "code": "E1"}},
        "error",
        "Render failed",
    ),
    # 5: ids as numbers
    ("batch id as number", BatchResults, {"batchId": 42}, "batch_id", "42"),
    ("job id as number", BatchJob, {"id": 7}, "batch_id", "7"),
    ("image id as number", ImageResult, {"url": "u", "id": 12345}, "id", "12345"),
    ("image uid as float", ImageResult, {"url": "u", "uid": 9.0}, "id", "9"),
    ("template uid as number", Template, {"uid": 123}, "uid", "123"),
    ("gif uid as number", Gif, {"url": "u", "uid": 5}, "uid", "5"),
    ("subscription uid as number", WebhookSubscription, {"id": 3}, "uid", "3"),
    ("binding template id as number", Binding, {"uid": "B", "templateUid": 8}, "template_id", "8"),
    ("id as text stays", ImageResult, {"url": "u", "id": "XL13XACH2V"}, "id", "XL13XACH2V"),
    # 6: timestamps as epoch seconds or milliseconds
    ("date as epoch seconds", ImageResult, {"url": "u", "createdAt": EPOCH}, "created_at", ISO),
    (
        "date as epoch millis",
        BatchResults,
        {"batchId": "b", "startedAt": EPOCH * 1000 + 250},
        "started_at",
        "2026-01-01T00:00:00.250Z",
    ),
    (
        "date as float seconds",
        Template,
        {"uid": "T", "updatedAt": EPOCH + 0.5},
        "updated_at",
        "2026-01-01T00:00:00.500Z",
    ),
    (
        "date as ISO text stays",
        Template,
        {"uid": "T", "updatedAt": "2026-01-02"},
        "updated_at",
        "2026-01-02",
    ),
    ("date null", BatchResults, {"batchId": "b", "completedAt": None}, "completed_at", None),
]


@pytest.mark.parametrize(
    ("model", "data", "attribute", "expected"),
    [s[1:] for s in SHAPES],
    ids=[s[0] for s in SHAPES],
)
def test_known_shapes_are_normalised(
    model: type[PictifyModel], data: dict[str, Any], attribute: str, expected: Any
) -> None:
    instance = model.model_validate(data)
    assert getattr(instance, attribute) == expected
    assert instance.unparsed == {}


def test_error_object_keeps_code_and_details() -> None:
    item = BatchItem.model_validate(
        {"error": {"message": "Boom", "code": "E1", "retriable": False}}
    )
    assert (item.error, item.error_code) == ("Boom", "E1")
    assert item.error_details == {"message": "Boom", "code": "E1", "retriable": False}
    assert item["errorCode"] == "E1"
    # a code sent beside the object wins; an object without text keeps its text form
    both = BatchItem.model_validate({"error": {"code": "E2"}, "errorCode": "E3"})
    assert (both.error, both.error_code) == ("{'code': 'E2'}", "E3")
    render = RenderResult.model_validate({"errors": [{"layout": "x", "error": {"error": "No"}}]})
    assert render.errors[0].error == "No"


def test_variable_names_read_both_shapes() -> None:
    assert BatchItem(variables=["a", "b"]).variable_names == ["a", "b"]
    assert BatchItem(variables={"a": 1, "b": 2}).variable_names == ["a", "b"]
    assert BatchItem().variable_names == []


ODD: list[tuple[str, type[PictifyModel], dict[str, Any], str, Any]] = [
    ("width as text", ImageResult, {"url": "u", "width": "1200px"}, "width", "1200px"),
    (
        "date as object",
        ImageResult,
        {"url": "u", "createdAt": {"$date": "2026"}},
        "created_at",
        {"$date": "2026"},
    ),
    (
        "date infinite",
        ImageResult,
        {"url": "u", "createdAt": float("inf")},
        "created_at",
        float("inf"),
    ),
    ("id as object", ImageResult, {"url": "u", "id": {"$oid": "abc"}}, "id", {"$oid": "abc"}),
    ("error as list", BatchItem, {"error": ["a", "b"]}, "error", ["a", "b"]),
    ("variables as numbers", BatchItem, {"variables": [1, 2]}, "variables", [1, 2]),
    ("success as text", BatchItem, {"success": "maybe"}, "success", "maybe"),
    (
        "results as object",
        BatchResults,
        {"batchId": "b", "results": {"0": {}}},
        "results",
        {"0": {}},
    ),
    ("progress as text", BatchResults, {"batchId": "b", "progress": "half"}, "progress", "half"),
    (
        "definition without name",
        Template,
        {"uid": "T", "variableDefinitions": [{"type": "text"}]},
        "variable_definitions",
        [{"type": "text"}],
    ),
]


@pytest.mark.parametrize(
    ("model", "data", "attribute", "sent"), [o[1:] for o in ODD], ids=[o[0] for o in ODD]
)
def test_other_type_mismatches_keep_the_value_as_sent(
    model: type[PictifyModel], data: dict[str, Any], attribute: str, sent: Any
) -> None:
    instance = model.model_validate(data)
    default = model.model_fields[attribute].get_default(call_default_factory=True)
    assert getattr(instance, attribute) == default  # the typed attribute stays well-typed
    assert instance.unparsed == {attribute: sent}
    assert instance[attribute] == sent
    wire = model.model_fields[attribute].alias or attribute
    assert instance.get(wire) == sent
    assert instance.to_dict()[wire] == sent


def test_a_missing_required_field_still_fails() -> None:
    with pytest.raises(ValidationError):
        ImageResult.model_validate({"id": "x"})
    with pytest.raises(ValidationError):
        ImageResult.model_validate({"url": {"not": "a string"}})  # required and unreadable
    with pytest.raises(ValidationError):
        BatchResults.model_validate({"status": "completed"})


def test_nested_items_are_tolerant_one_by_one() -> None:
    results = BatchResults.model_validate(
        {
            "batchId": "b",
            "results": [{"index": 0, "width": "wide"}, {"index": 1, "width": 10}],
        }
    )
    assert [item.width for item in results.results] == [None, 10]
    assert results.results[0].unparsed == {"width": "wide"}
    assert results.unparsed == {}


ODD_BATCH = {
    "batchId": 991,
    "status": "partial",
    "progress": 100,
    "totalItems": 3,
    "completedItems": 2,
    "failedItems": 1,
    "createdAt": EPOCH,
    "startedAt": EPOCH * 1000,
    "completedAt": "2026-01-01T00:01:00Z",
    "results": [
        {"index": 0, "success": True, "variables": {"title": "A"}, "url": "https://cdn/0.png"},
        {"index": 1, "success": True, "variables": ["title"], "width": "1200px"},
    ],
    "errors": [
        {
            "index": 2,
            "success": False,
            "variables": {"title": "C"},
            "error": {"message": "Boom", "code": "E9"},
        }
    ],
}


def test_wait_for_batch_works_on_odd_shapes(runner: Runner) -> None:
    processing = {**ODD_BATCH, "status": "processing", "completedAt": None}
    rec = Recorder(ok(processing), ok(ODD_BATCH))
    result = runner.run(lambda c: c.templates.wait_for_batch("991", poll_interval=0.5), rec)
    assert isinstance(result, BatchResults)
    assert result.is_terminal
    assert (result.batch_id, result.status, result.created_at) == ("991", "partial", ISO)
    assert result.started_at == ISO
    first, second = result.results
    assert first.variables == {"title": "A"}
    assert first.variable_names == ["title"]
    assert second.width is None
    assert second["width"] == "1200px"
    (failed,) = result.errors
    assert (failed.error, failed.error_code) == ("Boom", "E9")
    assert len(rec.requests) == 2


def test_a_billed_render_with_odd_fields_is_returned(runner: Runner) -> None:
    answer = {
        "results": [{"url": "https://cdn/r.png", "width": "1200", "height": "auto", "id": 77}],
        "errors": [{"layout": "x", "error": {"message": "Layout not found", "code": "NO_LAYOUT"}}],
        "templateUid": 123,
        "totalRendered": "1",
    }
    rec = Recorder(httpx.Response(200, json=answer))
    result = runner.run(lambda c: c.templates.render("123"), rec)
    assert result.url == "https://cdn/r.png"
    first = result.results[0]
    assert (first.width, first.height, first.id) == (1200, None, "77")
    assert first["height"] == "auto"
    assert result.template_uid == "123"
    assert result.total_rendered == 1
    assert result.errors[0].error_code == "NO_LAYOUT"
