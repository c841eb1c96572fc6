"""FabricJS canvas JSON to an HTML document Chromium can render (``POST /image/canvas``).

Each object becomes an absolutely placed box transformed the way Fabric draws it: Fabric keeps
an object's ``left``/``top`` at its origin point (``originX``/``originY``), rotates and scales
around its centre, and draws the shape centred there with the stroke straddling its edge, so the
box is ``width + strokeWidth`` by ``height + strokeWidth`` before scaling. Shapes are inline SVG,
text is HTML (so a ``textbox`` wraps at its width), images are ``<img>`` (which the renderer
waits for). A group's children are placed relative to the group's centre, as Fabric stores them.

Every value from the JSON is checked or escaped before it reaches the document: numbers must be
numbers, colours and font names must look like colours and font names, text is HTML-escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SUPPORTED_TYPES = (
    "rect",
    "circle",
    "ellipse",
    "line",
    "text",
    "textbox",
    "i-text",
    "image",
    "group",
)
"""Fabric object types this renderer draws (``itext`` and ``IText`` spellings included)."""

_TEXT_TYPES = {"text", "textbox", "i-text", "itext"}
_COLOUR = re.compile(r"^[#a-zA-Z0-9(),.%\s-]{1,64}$")
_FONT_FAMILY = re.compile(r"^[\w\s,'\"-]{1,200}$")
_GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
_ORIGINS = {"left": -0.5, "top": -0.5, "center": 0.0, "right": 0.5, "bottom": 0.5}


class CanvasError(ValueError):
    """An object cannot be drawn; ``field`` names it (``fabricJSData.objects[2].fill``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CanvasDocument:
    """The HTML of a canvas, its size and the http(s) images it loads."""

    html: str
    width: int
    height: int
    image_urls: tuple[tuple[str, str], ...]
    """(field, URL) of every non-``data:`` image, for the network policy to check first."""


def canvas_document(
    data: Mapping[str, Any],
    variables: Mapping[str, Any],
    *,
    width: int | None = None,
    height: int | None = None,
) -> CanvasDocument:
    """Translate Fabric JSON into a document of ``width`` x ``height`` (default: the canvas's).

    Args:
        data: ``fabricJSData``: ``objects``, optional ``background``, ``width``, ``height``.
        variables: Values for ``{{name}}`` placeholders in text.
        width: Output width (default ``data["width"]``, else 1200).
        height: Output height (default ``data["height"]``, else 630).

    Raises:
        CanvasError: An unsupported object type or a malformed property, naming the object.
    """
    builder = _Builder({str(k): v for k, v in variables.items()})
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise CanvasError("fabricJSData.objects", "must be a list of objects")
    body = builder.objects(objects, "fabricJSData.objects")
    size_w = width or _int_size(data.get("width"), 1200)
    size_h = height or _int_size(data.get("height"), 630)
    background = data.get("background")
    fill = _colour(background, "fabricJSData.background") if background else "transparent"
    document = (
        '<!doctype html><html><head><meta charset="utf-8"><style>'
        "html,body{margin:0;padding:0;overflow:hidden}"
        ".o{position:absolute;left:0;top:0;transform-origin:0 0}"
        ".b{position:absolute;box-sizing:border-box;overflow:visible}"
        f'</style></head><body><div style="position:relative;overflow:hidden;'
        f'width:{size_w}px;height:{size_h}px;background:{fill}">{body}</div></body></html>'
    )
    return CanvasDocument(document, size_w, size_h, tuple(builder.image_urls))


def _int_size(value: Any, default: int) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 4096:
        return round(value)
    return default


class _Builder:
    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables
        self.image_urls: list[tuple[str, str]] = []

    def objects(self, objects: Sequence[Any], field: str) -> str:
        return "".join(self.object(obj, f"{field}[{index}]") for index, obj in enumerate(objects))

    def object(self, obj: Any, field: str) -> str:
        if not isinstance(obj, Mapping):
            raise CanvasError(field, "must be an object")
        kind = str(obj.get("type", "")).lower()
        if kind not in (*SUPPORTED_TYPES, "itext"):
            raise CanvasError(
                f"{field}.type",
                f"object type {obj.get('type')!r} is not supported by the local server "
                f"(supported: {', '.join(SUPPORTED_TYPES)})",
            )
        if obj.get("visible", True) is False:
            return ""
        props = _Props(obj, field)
        if kind == "group":
            children = obj.get("objects", [])
            if not isinstance(children, list):
                raise CanvasError(f"{field}.objects", "must be a list of objects")
            inner = self.objects(children, f"{field}.objects")
        elif kind in _TEXT_TYPES:
            inner = self.text(props, kind)
        elif kind == "image":
            inner = self.image(props)
        else:
            inner = _shape(props, kind)
        return f'<div class="o" style="{props.transform()}">{inner}</div>'

    def text(self, props: _Props, kind: str) -> str:
        raw = props.obj.get("text", "")
        text = _VARIABLE.sub(lambda m: self._value(m.group(1), m.group(0)), str(raw))
        size = props.number("fontSize", 40)
        family = props.font_family()
        weight = props.keyword("fontWeight", "normal", r"^(normal|bold|bolder|lighter|\d{3})$")
        style = props.keyword("fontStyle", "normal", r"^(normal|italic|oblique)$")
        align = props.keyword("textAlign", "left", r"^(left|center|right|justify)$")
        decoration = " ".join(
            name
            for key, name in (("underline", "underline"), ("linethrough", "line-through"))
            if props.obj.get(key)
        )
        wrap = "pre-wrap" if kind == "textbox" else "pre"
        css = (
            f"{props.box_css()}color:{props.colour('fill', 'rgb(0,0,0)')};font-size:{size}px;"
            f"font-family:{family};font-weight:{weight};font-style:{style};text-align:{align};"
            f"line-height:{props.number('lineHeight', 1.16)};white-space:{wrap};"
            f"text-decoration:{decoration or 'none'};{props.background_css()}"
        )
        return f'<div class="b" style="{css}">{html.escape(text)}</div>'

    def image(self, props: _Props) -> str:
        src = props.obj.get("src")
        field = f"{props.field}.src"
        if not isinstance(src, str) or not src:
            raise CanvasError(field, "an image needs a src (a data: or https URL)")
        scheme = src.split(":", 1)[0].lower()
        if scheme not in ("data", "http", "https"):
            raise CanvasError(field, "must be a data: or http(s) URL")
        if scheme != "data":
            self.image_urls.append((field, src))
        return (
            f'<img class="b" alt="" src="{html.escape(src, quote=True)}" '
            f'style="{props.box_css()}{props.background_css()}">'
        )

    def _value(self, name: str, placeholder: str) -> str:
        value = self.variables.get(name)
        return placeholder if value is None else str(value)


def _shape(props: _Props, kind: str) -> str:
    stroke = props.colour("stroke", "none")
    width_s = props.stroke_width
    fill = props.colour("fill", "rgb(0,0,0)")
    half = width_s / 2
    w, h = props.size
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{width_s}"'
    if kind == "rect":
        rx, ry = props.number("rx", 0), props.number("ry", 0)
        drawn = (
            f'<rect x="{half}" y="{half}" width="{w}" height="{h}" rx="{rx}" ry="{ry}" {paint}/>'
        )
    elif kind == "circle":
        r = props.number("radius", w / 2)
        drawn = f'<circle cx="{half + w / 2}" cy="{half + h / 2}" r="{r}" {paint}/>'
    elif kind == "ellipse":
        rx, ry = props.number("rx", w / 2), props.number("ry", h / 2)
        drawn = f'<ellipse cx="{half + w / 2}" cy="{half + h / 2}" rx="{rx}" ry="{ry}" {paint}/>'
    else:  # line: Fabric keeps the two ends relative to the box, in the order they were given
        x1, y1 = props.number("x1", 0), props.number("y1", 0)
        x2, y2 = props.number("x2", 0), props.number("y2", 0)
        left_x = x1 <= x2
        top_y = y1 <= y2
        ax, bx = (half, half + w) if left_x else (half + w, half)
        ay, by = (half, half + h) if top_y else (half + h, half)
        drawn = f'<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" {paint}/>'
    box_w, box_h = w + width_s, h + width_s
    return (
        f'<svg class="b" style="{props.box_css()}{props.background_css()}" '
        f'width="{box_w}" height="{box_h}" viewBox="0 0 {box_w} {box_h}">{drawn}</svg>'
    )


class _Props:
    """Typed access to one object's properties, each failure naming its field."""

    def __init__(self, obj: Mapping[str, Any], field: str) -> None:
        self.obj = obj
        self.field = field
        kind = str(obj.get("type", "")).lower()
        self.stroke_width = self.number("strokeWidth", 1)
        if kind == "circle":
            radius = self.number("radius", 0)
            self.size = (2 * radius, 2 * radius)
        elif kind == "ellipse":
            self.size = (2 * self.number("rx", 0), 2 * self.number("ry", 0))
        elif kind == "line" and "width" not in obj:
            dx = self.number("x2", 0) - self.number("x1", 0)
            dy = self.number("y2", 0) - self.number("y1", 0)
            self.size = (abs(dx), abs(dy))
        else:
            self.size = (self.number("width", 0), self.number("height", 0))

    def number(self, key: str, default: float) -> float:
        value = self.obj.get(key, default)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise CanvasError(f"{self.field}.{key}", f"must be a number, not {value!r}")
        return float(value)

    def colour(self, key: str, default: str) -> str:
        value = self.obj.get(key, default)
        if value is None or value == "":
            return "none"
        return _colour(value, f"{self.field}.{key}")

    def keyword(self, key: str, default: str, pattern: str) -> str:
        value = str(self.obj.get(key, default) or default)
        if not re.match(pattern, value):
            raise CanvasError(f"{self.field}.{key}", f"{value!r} is not supported")
        return value

    def font_family(self) -> str:
        value = str(self.obj.get("fontFamily") or "Times New Roman")
        if not _FONT_FAMILY.match(value):
            raise CanvasError(f"{self.field}.fontFamily", f"{value!r} is not a font family name")
        # Names are quoted, so names with spaces work; generic families must stay bare.
        names = (part.strip("'\" ") for part in value.split(","))
        return ",".join(name if name in _GENERIC_FAMILIES else f"'{name}'" for name in names)

    def box_css(self) -> str:
        w, h = self.size
        sw = self.stroke_width
        return f"left:{-(w + sw) / 2}px;top:{-(h + sw) / 2}px;width:{w + sw}px;height:{h + sw}px;"

    def background_css(self) -> str:
        value = self.obj.get("backgroundColor")
        if not value:
            return ""
        return f"background:{_colour(value, f'{self.field}.backgroundColor')};"

    def transform(self) -> str:
        """CSS placing the object's centre and applying Fabric's rotate-scale-skew order."""
        w, h = self.size
        sx, sy = self.number("scaleX", 1), self.number("scaleY", 1)
        box_w, box_h = (w + self.stroke_width) * sx, (h + self.stroke_width) * sy
        ox = self._origin("originX", "left")
        oy = self._origin("originY", "top")
        angle = self.number("angle", 0)
        # The centre sits half a box from the origin point, along the rotated axes.
        dx, dy = -ox * box_w, -oy * box_h
        rad = math.radians(angle)
        cx = self.number("left", 0) + dx * math.cos(rad) - dy * math.sin(rad)
        cy = self.number("top", 0) + dx * math.sin(rad) + dy * math.cos(rad)
        flip_x = -1 if self.obj.get("flipX") else 1
        flip_y = -1 if self.obj.get("flipY") else 1
        parts = [
            f"translate({cx}px,{cy}px)",
            f"rotate({angle}deg)",
            f"scale({sx * flip_x},{sy * flip_y})",
            f"skewX({self.number('skewX', 0)}deg)",
            f"skewY({self.number('skewY', 0)}deg)",
        ]
        opacity = min(1.0, max(0.0, self.number("opacity", 1)))
        return f"transform:{' '.join(parts)};opacity:{opacity}"

    def _origin(self, key: str, default: str) -> float:
        value = self.obj.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value) - 0.5  # Fabric also takes 0..1 fractions
        if value not in _ORIGINS:
            raise CanvasError(f"{self.field}.{key}", f"{value!r} is not an origin")
        return _ORIGINS[str(value)]


def _colour(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise CanvasError(
            field, "must be a CSS colour string (gradients and patterns are not supported)"
        )
    if not _COLOUR.match(value):
        raise CanvasError(field, f"{value!r} is not a CSS colour")
    return value
