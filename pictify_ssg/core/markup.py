"""Page text that a template prints raw (``{{{ }}}``): reduced to inline formatting.

Card variables are text taken from pages, and pages are untrusted. Handlebars escapes a
value printed with ``{{title}}``; ``{{{title}}}`` inserts it as HTML, so a title such as
``<img src=x onerror=…>`` (or its entity-encoded form, which text cleaning decodes) would
become a live element running the page author's script in the renderer. A template asking
for raw HTML gets a value in which only a handful of inline formatting elements survive, with
no attributes; every other tag shows as the text it is, so a page about XSS still reads as
written.

The same value goes to the hosted and the local backend, so both render the same card.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

#: Inline elements kept (without attributes) in raw-printed values.
INLINE_ELEMENTS = frozenset(
    {
        *("abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins"),
        *("kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "u"),
        *("var", "wbr"),
    }
)
_VOID = frozenset({"br", "wbr"})


class _InlineOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in INLINE_ELEMENTS:
            self.out.append(f"<{tag}>")
            if tag not in _VOID:
                self.open.append(tag)
        else:
            self._as_text(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in INLINE_ELEMENTS:
            self.out.append(f"<{tag}>")
        else:
            self._as_text(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            # Close whatever was left open inside it, so the output stays well formed.
            while self.open:
                name = self.open.pop()
                self.out.append(f"</{name}>")
                if name == tag:
                    break
        else:
            self._as_text(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._as_text(data)

    def handle_comment(self, data: str) -> None:
        self._as_text(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._as_text(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._as_text(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._as_text(f"<![{data}]>")

    def _as_text(self, text: str) -> None:
        self.out.append(html.escape(text, quote=False))

    def close(self) -> None:
        super().close()
        # An unfinished tag at the end ("… <img src=x onerr") is left in the buffer: text.
        if self.rawdata:
            self._as_text(self.rawdata)
            self.rawdata = ""
        self.out.extend(f"</{name}>" for name in reversed(self.open))
        self.open.clear()


def inline_html(value: str) -> str:
    """``value`` as HTML that can only format text: safe to print with ``{{{ }}}``.

    Elements in `INLINE_ELEMENTS` are kept without their attributes; any other tag, comment
    or declaration is escaped into visible text; entities are decoded and re-escaped; open
    elements are closed at the end.
    """
    if "<" not in value and "&" not in value and ">" not in value:
        return value
    parser = _InlineOnly()
    # <script>, <style>, <textarea> and <title> switch the parser into raw-text mode, where it
    # would pass their content through as data; that content is escaped like any other text.
    parser.CDATA_CONTENT_ELEMENTS = ()  # type: ignore[misc]
    parser.feed(value)
    parser.close()
    return "".join(parser.out)
