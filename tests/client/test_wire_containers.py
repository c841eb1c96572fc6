"""``to_wire`` sends any mapping or sequence as a plain copy, so endpoints need not convert."""

from __future__ import annotations

import json
from types import MappingProxyType

from pictify_ssg.client._request import to_wire


def test_read_only_maps_and_tuples_become_plain_json_containers() -> None:
    variables = MappingProxyType({"first_name": "Ada", "tags": ("a", "b")})
    sets = ({"page_title": "x"}, MappingProxyType({"page_title": "y"}))
    body = to_wire({"variables": variables, "variable_sets": sets, "layouts": ("default",)})
    assert body == {
        "variables": {"first_name": "Ada", "tags": ["a", "b"]},
        "variableSets": [{"page_title": "x"}, {"page_title": "y"}],
        "layouts": ["default"],
    }
    json.dumps(body)  # what httpx does with it; a MappingProxyType would raise here


def test_the_callers_objects_are_copied_and_strings_stay_strings() -> None:
    variables = {"title": "Hello", "nested": {"k": [1]}}
    body = to_wire({"variables": variables, "html": "<p>x</p>", "raw": b"x"})
    assert body["variables"] == variables
    assert body["variables"] is not variables
    assert body["variables"]["nested"] is not variables["nested"]
    assert body["html"] == "<p>x</p>"
    assert body["raw"] == b"x"
