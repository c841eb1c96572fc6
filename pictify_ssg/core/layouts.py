"""The ready-made card layouts and their options (``layout``, ``layout_options``).

A layout is a Handlebars file shipped in ``pictify_ssg/layouts``. Its look is tuned by a few
options that hold for the whole site (colours, font, logo, background picture). They are
applied once per build, before the template is fingerprinted: the colours and font become CSS
custom properties in a ``<style>`` added to the head, and the logo an ``<img>`` in place of the
layout's ``<!--pictify:logo-->`` marker. Pictures named by path are then inlined as data URIs
with the template's other local files (`pictify_ssg.core.template_assets`), so the card's
fingerprint changes when the logo does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

#: The layouts shipped with pictify-ssg, in the order the documentation lists them.
LAYOUTS: tuple[str, ...] = ("default", "accent", "image", "minimal")

#: What each layout looks like, for ``pictify-ssg init --help`` and the docs.
DESCRIPTIONS: Mapping[str, str] = {
    "default": "dark card, accent stripe, site name and logo above the title",
    "accent": "light card under a solid accent band holding the site name and logo",
    "image": "background picture (background_image) under a solid panel with the title",
    "minimal": "the title alone on a plain card, site name and logo small at the foot",
}

#: Layout option -> what it takes, for messages and the configuration reference.
OPTIONS: Mapping[str, str] = {
    "logo": "an image file (relative to the template, the config or the docs folder) or URL",
    "background": "the card's background colour",
    "accent": "the accent colour",
    "text": "the text colour",
    "font": "a font family name, e.g. Inter",
    "background_image": "a picture shown behind the card (file or URL)",
}

#: The marker a layout puts where the logo goes.
LOGO_MARKER = "<!--pictify:logo-->"
#: Options that name a file (or URL) rather than a CSS value.
FILE_OPTIONS = frozenset({"logo", "background_image"})

_COLOUR = re.compile(
    r"^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20}"
    r"|(rgb|rgba|hsl|hsla)\(\s*[0-9.,%\s/deg]+\))$"
)
_FONT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")
_DARK_TEXT, _LIGHT_TEXT = "#111827", "#ffffff"


class UnknownLayoutError(ValueError):
    """A layout name that is not one of `LAYOUTS`."""


def layout_path(name: str) -> Path:
    """The file of a built-in layout.

    Raises:
        UnknownLayoutError: When ``name`` is not a built-in layout (the message lists them).
    """
    if name not in LAYOUTS:
        raise UnknownLayoutError(unknown_layout_message(name))
    return Path(str(resources.files("pictify_ssg.layouts").joinpath(f"{name}.html")))


def unknown_layout_message(name: object) -> str:
    """Why ``name`` is no layout, and the names that are."""
    return f"unknown layout {name!r}; use one of {', '.join(LAYOUTS)}"


def check_layout_name(value: object) -> str:
    """A layout name, stripped and lower-cased.

    Raises:
        UnknownLayoutError: When it is not text or not a built-in layout.
    """
    if not isinstance(value, str):
        raise UnknownLayoutError(f"must be a layout name (text): one of {', '.join(LAYOUTS)}")
    name = value.strip().lower()
    if name not in LAYOUTS:
        raise UnknownLayoutError(unknown_layout_message(value))
    return name


def check_layout_options(options: Mapping[str, object]) -> dict[str, str]:
    """Validated layout options: known keys, colours that are colours, a plain font name.

    Raises:
        ValueError: Naming the first bad key and what it takes.
    """
    result: dict[str, str] = {}
    for key, value in options.items():
        if key not in OPTIONS:
            import difflib

            guess = difflib.get_close_matches(str(key), OPTIONS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"use {', '.join(OPTIONS)}"
            raise ValueError(f"unknown layout option {key!r} ({hint})")
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"layout option {key!r} must be text: {OPTIONS[key]}")
        text = value.strip()
        if key in {"background", "accent", "text"} and not _COLOUR.match(text):
            raise ValueError(
                f"layout option {key!r}: {text!r} is not a colour; write e.g. '#4051b5' or 'teal'"
            )
        if key == "font" and not _FONT.match(text.strip("'\"")):
            raise ValueError(
                f"layout option 'font': {text!r} is not a font family name; write e.g. 'Inter'"
            )
        if key in FILE_OPTIONS and any(char in text for char in "\"'<>()\\\n"):
            raise ValueError(f"layout option {key!r}: {text!r} must be a plain file path or URL")
        result[key] = text
    return result


def contrasting_text(colour: str) -> str | None:
    """Dark or light text for a ``#rgb``/``#rrggbb`` background (None for other colours)."""
    digits = colour.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", digits):
        return None
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    # Relative luminance in the rough sRGB sense: enough to tell yellow from indigo.
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return _DARK_TEXT if luminance > 0.6 else _LIGHT_TEXT


def apply_options(layout_html: str, options: Mapping[str, str]) -> str:
    """The layout's HTML with its options applied (file options still as paths or URLs).

    Args:
        layout_html: The layout file's text.
        options: Validated options (see `check_layout_options`); paths in ``logo`` and
            ``background_image`` are left for the asset inliner to resolve and embed.
    """
    values = dict(options)
    if "background" in values and "text" not in values:
        text = contrasting_text(values["background"])
        if text:
            values["text"] = text
    properties = [
        f"--{key}: {values[key]};" for key in ("background", "accent", "text") if key in values
    ]
    on_accent = contrasting_text(values["accent"]) if "accent" in values else None
    if on_accent:
        # Text set on the accent colour (the accent layout's band) stays readable.
        properties.append(f"--on-accent: {on_accent};")
    if "font" in values:
        properties.append(f'--font: "{values["font"].strip(chr(39) + chr(34))}";')
    if "background_image" in values:
        properties.append(f'--background-image: url("{values["background_image"]}");')
    result = layout_html
    if properties:
        style = f"<style>:root {{ {' '.join(properties)} }}</style>\n</head>"
        result = result.replace("</head>", style, 1)
    logo = values.get("logo")
    image = f'<img class="logo" src="{html.escape(logo)}" alt="">' if logo else ""
    return result.replace(LOGO_MARKER, image)
