"""Template CRUD, variable discovery, layouts, listing and updatedAt as a change marker."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


def _create(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = api.post("/templates", json={"html": "<p>{{a}}</p>", **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_returns_the_hosted_envelope_with_defaults(api: httpx.Client) -> None:
    body = _create(api, html="<h1>{{title}}</h1><p>{{ description }}</p>{{title}}", name="Og")

    template = body["template"]
    assert body["addedVariables"] == ["title", "description"]
    assert len(template["uid"]) == 10
    assert template["uid"].isalnum()
    assert template["uid"].upper() == template["uid"]
    assert template["name"] == "Og"
    assert template["engine"] == "html"
    assert (template["width"], template["height"]) == (1200, 630)
    assert template["outputFormat"] == "image"
    assert template["variables"] == ["title", "description"]
    assert template["variableDefinitions"] == [
        {"name": "title", "type": "text", "defaultValue": ""},
        {"name": "description", "type": "text", "defaultValue": ""},
    ]
    assert template["createdAt"] == template["updatedAt"]
    assert template["createdAt"].endswith("Z")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>static</p>", []),
        ("{{a}}{{{b}}}{{#if c}}{{d.e}}{{/if}}", ["a", "b", "c", "d"]),
        ("{{#each items}}{{this.name}}{{@index}}{{/each}}", ["items"]),
        ("{{uppercase title}} {{truncate body 10}}", ["title", "body"]),
        ("{{#with author}}{{name}}{{/with}}", ["author"]),
    ],
)
def test_variables_are_discovered_from_handlebars_tags(
    api: httpx.Client, html: str, expected: list[str]
) -> None:
    template = _create(api, html=html)["template"]

    assert template["variables"] == expected


def test_declared_definitions_are_kept_and_missing_ones_added(api: httpx.Client) -> None:
    declared = [{"name": "title", "type": "text", "defaultValue": "Home", "description": "H1"}]

    body = _create(api, html="{{title}} {{subtitle}}", variableDefinitions=declared)

    assert body["addedVariables"] == ["subtitle"]
    definitions = body["template"]["variableDefinitions"]
    assert definitions[0] == {**declared[0], "validation": None}
    assert definitions[1]["name"] == "subtitle"


def test_get_and_variables_endpoint(api: httpx.Client) -> None:
    created = _create(api, html="{{x}}{{y}}", name="Vars")["template"]

    got = api.get(f"/templates/{created['uid']}").json()
    variables = api.get(f"/templates/{created['uid']}/variables").json()

    assert got == {"template": created}
    assert variables["templateUid"] == created["uid"]
    assert variables["templateName"] == "Vars"
    assert [v["name"] for v in variables["variables"]] == ["x", "y"]


def test_update_is_partial_and_moves_updated_at_every_time(api: httpx.Client) -> None:
    created = _create(api, name="Before", width=800)["template"]
    uid = created["uid"]

    first = api.put(f"/templates/{uid}", json={"name": "After"}).json()["template"]
    second = api.put(f"/templates/{uid}", json={"html": "<b>{{b}}</b>"}).json()
    third = api.put(f"/templates/{uid}", json={}).json()["template"]

    assert first["name"] == "After"
    assert first["width"] == 800
    assert first["html"] == "<p>{{a}}</p>"
    assert second["addedVariables"] == ["b"]
    assert second["template"]["variables"] == ["a", "b"]
    stamps = [created["updatedAt"], first["updatedAt"], second["template"]["updatedAt"]]
    stamps.append(third["updatedAt"])
    assert stamps == sorted(set(stamps))
    assert api.get(f"/templates/{uid}").json()["template"] == third
    assert third["createdAt"] == created["createdAt"]


def test_delete_removes_the_template(api: httpx.Client) -> None:
    uid = _create(api)["template"]["uid"]

    response = api.delete(f"/templates/{uid}")

    assert response.status_code == 200
    assert response.json() == {"message": "Template deleted successfully"}
    assert api.get(f"/templates/{uid}").status_code == 404


def test_list_paginates_and_sorts(api: httpx.Client) -> None:
    names = ["list-c", "list-a", "list-b"]
    for name in names:
        _create(api, name=name)

    newest = api.get("/templates", params={"limit": 3}).json()
    by_name = api.get("/templates", params={"sort": "name", "limit": 100}).json()
    second_page = api.get("/templates", params={"limit": 1, "page": 2}).json()

    assert [t["name"] for t in newest["templates"]] == ["list-b", "list-a", "list-c"]
    assert newest["pagination"]["limit"] == 3
    assert newest["pagination"]["hasNext"] is True
    assert newest["pagination"]["hasPrev"] is False
    listed = [t["name"] for t in by_name["templates"]]
    assert listed == sorted(listed, key=str.lower)
    assert second_page["templates"][0]["name"] == "list-a"
    assert second_page["pagination"]["hasPrev"] is True
    total = newest["pagination"]["total"]
    assert newest["pagination"]["totalPages"] == -(-total // 3)


def test_layouts_are_stored_with_names(api: httpx.Client) -> None:
    layouts = {"square": {"width": 400, "height": 400}, "wide": {"name": "Wide", "width": 900}}

    template = _create(api, layouts=layouts)["template"]

    assert template["layouts"]["square"]["name"] == "Square"
    assert template["layouts"]["square"]["width"] == 400
    assert template["layouts"]["wide"]["name"] == "Wide"
