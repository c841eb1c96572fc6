"""The official `pictify` 1.1.0 SDK works unchanged against the local server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pictify import Pictify
from pictify.errors import AuthenticationError, RateLimitError, TemplateNotFoundError

from pictify_ssg.local import LocalServer, ServerOptions

from .helpers import StartServer, fetch_image


@pytest.fixture
def sdk(local_server: LocalServer) -> Iterator[Pictify]:
    with Pictify(local_server.api_key, base_url=local_server.base_url, max_retries=0) as client:
        yield client


def test_render_html(sdk: Pictify) -> None:
    result = sdk.render_html("<h1>SDK</h1>", css="h1 { color: red }", width=320, height=160)

    assert result.id
    assert result.created_at
    assert fetch_image(result.url).size == (320, 160)


def test_templates_create_get_list_and_render(sdk: Pictify) -> None:
    created = sdk.create_template(
        "<h1>{{firstName}}</h1>", name="SDK template", width=400, height=210
    )
    fetched = sdk.get_template(created.uid)
    listed = sdk.list_templates(limit=100, sort="newest")
    rendered = sdk.render(created.uid, variables={"firstName": "Ada"}, format="png")

    assert created.variables == ["firstName"]
    assert created.variable_definitions is not None
    assert created.variable_definitions[0].name == "firstName"
    assert fetched.uid == created.uid
    assert fetched.updated_at == created.updated_at
    assert created.uid in {t.uid for t in listed.templates}
    assert listed.pagination is not None
    assert rendered.template_uid == created.uid
    assert rendered.url is not None
    assert fetch_image(rendered.url).size == (400, 210)


def test_render_layouts_reports_missing_layouts(sdk: Pictify) -> None:
    uid = sdk.create_template("<p>{{x}}</p>", name="layouts").uid

    result = sdk.render_layouts(uid, ["default", "bogus"])

    assert [r.layout for r in result.results] == ["default"]
    assert [(e.layout, e.error) for e in result.errors] == [("bogus", "Layout not found")]


def test_batch_render_and_results(sdk: Pictify) -> None:
    uid = sdk.create_template("<p>{{name}} {{company}}</p>", name="batch", width=100).uid

    job = sdk.render_batch(
        uid, [{"name": "A", "company": "X"}, {"name": "B", "company": "Y"}], concurrency=2
    )
    while True:
        results = sdk.get_batch_results(job.batch_id)
        if results.status not in ("pending", "processing"):
            break
        time.sleep(0.05)

    assert job.total_items == 2
    assert job.status == "pending"
    assert results.status == "completed"
    assert results.completed_items == 2
    assert [item.variables for item in results.results] == [["name", "company"]] * 2


def test_unknown_template_maps_to_the_sdk_not_found_error(sdk: Pictify) -> None:
    with pytest.raises(TemplateNotFoundError):
        sdk.get_template("definitely-not-a-real-template-id-xyz")


def test_sdk_error_mapping_for_auth_and_rate_limits(start_server: StartServer) -> None:
    server = start_server(ServerOptions(rate_limit_per_minute=1))
    with (
        Pictify("wrong-key", base_url=server.base_url, max_retries=0) as stranger,
        pytest.raises(AuthenticationError),
    ):
        stranger.list_templates()
    with Pictify(server.api_key, base_url=server.base_url, max_retries=0) as client:
        client.list_templates()
        with pytest.raises(RateLimitError) as caught:
            client.list_templates()

    assert caught.value.retry_after is not None
    assert 1 <= caught.value.retry_after <= 60
