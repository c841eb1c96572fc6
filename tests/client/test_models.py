"""Response models: snake_case attributes, camelCase aliases, extras, dict-style access."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.client import (
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


@pytest.mark.parametrize(
    ("model", "data", "key", "expected"),
    [
        (ImageResult, {"url": "u", "id": "i"}, "url", "u"),
        (ImageResult, {"url": "u", "createdAt": "t"}, "createdAt", "t"),
        (ImageResult, {"url": "u", "createdAt": "t"}, "created_at", "t"),
        (ImageResult, {"url": "u", "userStorageUrl": "s"}, "userStorageUrl", "s"),  # extra kept
        (ImageResult, {"url": "u", "uid": "X1"}, "id", "X1"),
        (Gif, {"url": "u", "uid": "G", "animationLength": 2000}, "animationLength", 2000),
        (Gif, {"url": "u", "uid": "G"}, "id", "G"),
        (BatchJob, {"batchId": "b1", "status": "pending"}, "id", "b1"),
        (BatchJob, {"batchId": "b1"}, "batchId", "b1"),
        (BatchJob, {"id": "b2"}, "batch_id", "b2"),  # docs variant
        (RenderResult, {"results": [{"url": "r0"}, {"url": "r1"}]}, "url", "r0"),
        (RenderResult, {"templateUid": "T"}, "templateUid", "T"),
        (Binding, {"uid": "B", "renderUrl": "r"}, "imageUrl", "r"),
        (Binding, {"uid": "B", "imageUrl": "r"}, "render_url", "r"),
        (Binding, {"uid": "B", "templateId": "T"}, "templateUid", "T"),
        (WebhookSubscription, {"uid": "W", "secret": "s"}, "secret", "s"),
        (Template, {"uid": "T", "variables": ["a"]}, "variables", ["a"]),
    ],
)
def test_item_access(
    model: type[PictifyModel], data: dict[str, Any], key: str, expected: Any
) -> None:
    instance = model.model_validate(data)
    assert instance[key] == expected
    assert instance.get(key) == expected
    assert key in instance


def test_missing_keys() -> None:
    image = ImageResult.model_validate({"url": "u"})
    with pytest.raises(KeyError):
        image["nope"]
    assert image.get("nope", 1) == 1
    assert "nope" not in image
    assert 3 not in image


def test_snake_case_attributes_and_wire_dump() -> None:
    results = BatchResults.model_validate(
        {
            "batchId": "b",
            "status": "partial",
            "totalItems": 2,
            "completedItems": 1,
            "failedItems": 1,
            "results": [
                {
                    "index": 0,
                    "success": True,
                    "variables": ["t"],
                    "url": "u",
                    "width": 1,
                    "height": 2,
                },
                {"index": 1, "success": False, "error": "boom"},
            ],
            "somethingNew": True,
        }
    )
    assert results.total_items == 2
    assert results.completed_items == 1
    assert results.results[0].url == "u"
    assert results.results[1].url is None
    assert results.results[1]["error"] == "boom"
    assert results.is_terminal
    wire = results.to_dict()
    assert wire["batchId"] == "b"
    assert wire["somethingNew"] is True


@pytest.mark.parametrize(
    ("status", "terminal"),
    [
        ("pending", False),
        ("processing", False),
        ("completed", True),
        ("partial", True),
        ("failed", True),
        ("cancelled", True),
        (None, False),
    ],
)
def test_batch_is_terminal(status: str | None, terminal: bool) -> None:
    assert BatchResults.model_validate({"batchId": "b", "status": status}).is_terminal is terminal


def test_models_accept_python_names() -> None:
    template = Template(uid="T", updated_at="now", output_format="image")
    assert template["updatedAt"] == "now"
    assert RenderResult().url is None


def test_render_result_accepts_the_documented_flat_answer() -> None:
    flat = RenderResult.model_validate({"url": "https://cdn/f.png", "id": "R1", "width": 10})
    assert flat["url"] == "https://cdn/f.png"
    assert flat.results[0].id == "R1"
