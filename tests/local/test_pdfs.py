"""``/pdf``: templates printed by Chromium on preset paper, one page per variable set."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pypdf
import pytest

from pictify_ssg.local.pdf_print import (
    PaperSpec,
    count_pages,
    length_inches,
    pages_document,
)

MM = 72 / 25.4  # points per millimetre
PAGE = (
    "<html><head><style>body{margin:0;font:20px sans-serif;background:{{colour}}}"
    "#only{color:#123}</style></head><body><h1 id=only>{{heading}}</h1></body></html>"
)


@pytest.fixture(scope="module")
def page_uid(api: httpx.Client) -> Iterator[str]:
    """A template whose heading and background colour are variables."""
    response = api.post("/templates", json={"html": PAGE, "width": 500, "height": 300})
    uid: str = response.json()["template"]["uid"]
    yield uid
    api.delete(f"/templates/{uid}")


def _open(url: str) -> pypdf.PdfReader:
    response = httpx.get(url)
    assert response.headers["content-type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def _size(page: Any) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


@pytest.mark.parametrize(
    ("options", "preset", "size"),
    [
        ({}, "A4", (210 * MM, 297 * MM)),
        ({"preset": "letter"}, "Letter", (612, 792)),
        ({"preset": "Legal"}, "Legal", (612, 1008)),
        ({"preset": "A3", "landscape": True}, "A3", (420 * MM, 297 * MM)),
        ({"preset": "A5"}, "A5", (148 * MM, 210 * MM)),
        ({"customSize": {"width": "100mm", "height": 480}}, "custom", (100 * MM, 360)),
    ],
)
def test_render_prints_on_the_preset_paper(
    api: httpx.Client,
    page_uid: str,
    options: dict[str, Any],
    preset: str,
    size: tuple[float, float],
) -> None:
    response = api.post(
        "/pdf/render",
        json={"templateUid": page_uid, "variables": {"heading": "Hello"}, "options": options},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["success"], body["preset"], body["pageCount"]) == (True, preset, 1)
    assert body["pageSize"] == {"width": round(size[0]), "height": round(size[1])}
    document = _open(body["url"])
    assert len(document.pages) == 1
    assert _size(document.pages[0]) == pytest.approx(size, abs=1)
    assert "Hello" in document.pages[0].extract_text()
    assert api.get(f"/pdf/{body['id']}").json()["pdf"]["url"] == body["url"]


def test_multi_page_keeps_each_page_to_its_own_styles(api: httpx.Client, page_uid: str) -> None:
    sets = [{"heading": f"Page {n}", "colour": colour} for n, colour in enumerate(["#fdd", "#dfd"])]
    response = api.post(
        "/pdf/multi-page",
        json={"templateUid": page_uid, "variableSets": sets, "options": {"title": "Two pages"}},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pageCount"] == 2
    document = _open(body["url"])
    assert [page.extract_text().strip() for page in document.pages] == ["Page 0", "Page 1"]
    assert document.metadata is not None
    assert document.metadata.title == "Two pages"


def test_long_content_flows_onto_more_pages(api: httpx.Client) -> None:
    html = "".join(f"<p style='height:200px;margin:0'>Line {n}</p>" for n in range(12))
    uid = api.post("/templates", json={"html": html, "width": 600, "height": 400}).json()[
        "template"
    ]["uid"]

    body = api.post("/pdf/render", json={"templateUid": uid, "options": {"preset": "A5"}}).json()

    # 12 x 200 CSS px on A5 paper (about 790 CSS px tall): four pages.
    assert body["pageCount"] == len(_open(body["url"]).pages) == 4


def _text_top(page: Any) -> float:
    """How far below the top of the page the first text starts, in points."""
    heights: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            heights.append(float(tm[5]) * float(cm[3]) + float(cm[5]))

    page.extract_text(visitor_text=visit)
    return float(page.mediabox.height) - max(heights)


@pytest.mark.parametrize("top", ["0in", "1in", "2in"])
def test_margins_move_the_content(api: httpx.Client, top: str) -> None:
    html = "<body style='margin:0'><p style='margin:0;font-size:20px'>Top</p></body>"
    uid = api.post("/templates", json={"html": html, "width": 400, "height": 400}).json()[
        "template"
    ]["uid"]
    options = {"preset": "A4", "margins": {"top": top}}

    body = api.post("/pdf/render", json={"templateUid": uid, "options": options}).json()

    offset = _text_top(_open(body["url"]).pages[0]) - 72 * float(top.removesuffix("in"))
    assert 0 < offset < 30  # the first line, just below the margin


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "templateUid"),
        ({"templateUid": "x", "options": {"preset": "A9"}}, "options"),
        ({"templateUid": "x", "options": {"preset": "custom"}}, "options"),
        ({"templateUid": "x", "options": {"margins": {"top": "2 furlongs"}}}, "options"),
        (
            {"templateUid": "x", "options": {"margins": {"top": "200mm", "bottom": "100mm"}}},
            "options",
        ),
        ({"templateUid": "x", "options": {"scale": 3}}, "options.scale"),
    ],
)
def test_bad_render_bodies_name_the_field(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = api.post("/pdf/render", json=body)

    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize("count", [0, 101])
def test_multi_page_needs_one_to_a_hundred_sets(
    api: httpx.Client, page_uid: str, count: int
) -> None:
    sets: list[dict[str, Any]] = [{}] * count
    response = api.post("/pdf/multi-page", json={"templateUid": page_uid, "variableSets": sets})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "variableSets"


def test_unknown_template_is_404(api: httpx.Client) -> None:
    response = api.post("/pdf/render", json={"templateUid": "NOPE000000"})

    assert response.status_code == 404
    assert response.json()["code"] == "TEMPLATE_NOT_FOUND"


def test_template_render_pdf_with_preset_and_pages(api: httpx.Client, page_uid: str) -> None:
    sets = [{"heading": "One"}, {"heading": "Two"}, {"heading": "Three"}]
    response = api.post(
        f"/templates/{page_uid}/render",
        json={"format": "pdf", "variableSets": sets, "preset": "Letter"},
    )

    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert (result["format"], result["pageCount"]) == ("pdf", 3)
    document = _open(result["url"])
    assert _size(document.pages[2]) == pytest.approx((612, 792), abs=1)
    bad = api.post(f"/templates/{page_uid}/render", json={"format": "pdf", "preset": "Q7"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "preset"


def test_a_templates_pdf_preset_is_the_default_paper(api: httpx.Client) -> None:
    body = {"html": "<p>{{x}}</p>", "width": 300, "height": 200, "pdfPreset": "letter"}
    uid = api.post("/templates", json={**body, "outputFormat": "pdf"}).json()["template"]["uid"]

    printed = api.post("/pdf/render", json={"templateUid": uid}).json()
    named = api.post("/pdf/render", json={"templateUid": uid, "options": {"preset": "A5"}}).json()
    rendered = api.post(f"/templates/{uid}/render", json={"format": "pdf"}).json()["results"][0]

    assert (printed["preset"], printed["pageSize"]) == ("Letter", {"width": 612, "height": 792})
    assert named["preset"] == "A5"
    assert _size(_open(rendered["url"]).pages[0]) == pytest.approx((612, 792), abs=1)


def test_presets_and_list(api: httpx.Client, page_uid: str) -> None:
    presets = {p["name"]: p for p in api.get("/pdf/presets").json()["presets"]}
    assert {"A3", "A4", "A5", "Letter", "Legal"} <= set(presets)
    assert (presets["Letter"]["width"], presets["Letter"]["height"]) == (612, 792)
    made = api.post("/pdf/render", json={"templateUid": page_uid}).json()
    listed = api.get("/pdf", params={"limit": 100}).json()
    assert made["id"] in {p["id"] for p in listed["pdfs"]}


@pytest.mark.parametrize(
    ("value", "inches"),
    [(96, 1.0), ("1in", 1.0), ("25.4mm", 1.0), ("2.54cm", 1.0), ("72pt", 1.0), ("48px", 0.5)],
)
def test_lengths(value: float | str, inches: float) -> None:
    assert length_inches(value) == pytest.approx(inches)


@pytest.mark.parametrize("value", [-1, "1 furlong", "", "-2mm"])
def test_bad_lengths(value: float | str) -> None:
    with pytest.raises(ValueError, match=r"length|negative"):
        length_inches(value)


def test_pages_document_escapes_each_page_into_its_own_frame() -> None:
    html = pages_document(['<p title="a&b">x</p>', "<p>y</p>"], PaperSpec(8.5, 11, title="<T>"))

    assert html.count("<iframe") == 2
    assert 'srcdoc="&lt;p title=&quot;a&amp;b&quot;&gt;x&lt;/p&gt;"' in html
    assert "<title>&lt;T&gt;</title>" in html


def test_count_pages_counts_page_objects_not_the_tree() -> None:
    pdf = b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page/Parent 1 0 R >>"

    assert count_pages(pdf) == 2
