"""Split template source into literal text and ``{{ }}`` tags, and tags into expression tokens.

The token rules follow the Handlebars 4.7 lexer (identifier characters, ``[segment]`` literals,
lookahead after numbers and keywords, ``\\{{`` escapes), so the same templates are accepted and
the same ones rejected. Partials, decorators and raw blocks are recognised only to reject them
with a clear message: Pictify's HTML engine has no use for them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from .template_error import HANDLEBARS_COMPILE_ERROR, TemplateError

__all__ = ["Content", "ExprToken", "Locator", "Tag", "TagKind", "TokKind", "tokenize"]


class TagKind(Enum):
    """What a ``{{ }}`` tag does, decided by its opening sigil."""

    OUTPUT = "output"  # {{expr}}: escaped output
    RAW_OUTPUT = "raw"  # {{{expr}}} and {{& expr}}: unescaped output
    BLOCK = "block"  # {{#name ...}}
    INVERSE_BLOCK = "inverse_block"  # {{^name}}
    CLOSE = "close"  # {{/name}}
    ELSE = "else"  # {{else}}, {{^}} and the chained {{else if x}}
    COMMENT = "comment"  # {{! }} and {{!-- --}}


class TokKind(Enum):
    """Kinds of tokens inside a tag."""

    ID = "id"
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    UNDEFINED = "undefined"
    DATA = "@"
    SEP = "sep"
    OPEN_SEXPR = "("
    CLOSE_SEXPR = ")"
    EQUALS = "="
    OPEN_BLOCK_PARAMS = "as |"
    CLOSE_BLOCK_PARAMS = "|"


@dataclass(frozen=True, slots=True)
class ExprToken:
    """One token inside a tag.

    Attributes:
        kind: The token kind.
        value: The token text (unquoted for strings, without brackets for ``[segment]``).
        offset: Where the token starts in the template source.
        bracketed: True for ``[segment]`` identifiers, which are never keywords.
    """

    kind: TokKind
    value: str
    offset: int
    bracketed: bool = False


@dataclass(slots=True)
class Content:
    """Literal text between tags. Mutable only while whitespace control trims it."""

    text: str
    offset: int
    original: str = field(init=False)
    left_stripped: bool = False
    right_stripped: bool = False

    def __post_init__(self) -> None:
        self.original = self.text


@dataclass(frozen=True, slots=True)
class Tag:
    """One ``{{ }}`` tag.

    Attributes:
        kind: What the tag does.
        tokens: The expression tokens inside it (for ELSE: what follows ``else``).
        strip_before: ``{{~``: trim all whitespace before the tag.
        strip_after: ``~}}``: trim all whitespace after the tag.
        offset: Where ``{{`` starts in the source.
    """

    kind: TagKind
    tokens: tuple[ExprToken, ...]
    strip_before: bool
    strip_after: bool
    offset: int


class Locator:
    """Turns source offsets into 1-based line and column numbers for error messages."""

    def __init__(self, source: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]

    def position(self, offset: int) -> tuple[int, int]:
        """Return ``(line, column)``, both 1-based, of a source offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def error(
        self, message: str, offset: int, code: str = HANDLEBARS_COMPILE_ERROR
    ) -> TemplateError:
        """Build a positioned :class:`TemplateError` (compile error by default)."""
        line, column = self.position(offset)
        return TemplateError(code, message, line=line, column=column)


# Handlebars' ID: anything but whitespace and the characters ! " # % & ' ( ) * + , . / ; < = > @
# [ \ ] ^ ` { | } ~ ; it must be followed by a character that can end an identifier.
_ID: Final = re.compile(r"""[^\s!"#%&'()*+,./;<=>@\[\\\]^`{|}~]+""")
_ID_END: Final = frozenset("=~}/.)| \t\r\n\f\v")
_LITERAL_END: Final = frozenset("~}) \t\r\n\f\v")
_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_KEYWORDS: Final = {
    "true": TokKind.BOOLEAN,
    "false": TokKind.BOOLEAN,
    "null": TokKind.NULL,
    "undefined": TokKind.UNDEFINED,
}
_WHITESPACE: Final = re.compile(r"\s+")
_BLOCK_PARAMS_OPEN: Final = re.compile(r"as\s+\|")
_ELSE_ALONE: Final = re.compile(r"\s*else\s*(~?)\}\}")
_ELSE_CHAIN: Final = re.compile(r"\s*else\s")
_INVERSE_ALONE: Final = re.compile(r"\^\s*(~?)\}\}")
_SIGILS: Final = {
    "#": TagKind.BLOCK,
    "^": TagKind.INVERSE_BLOCK,
    "/": TagKind.CLOSE,
    "&": TagKind.RAW_OUTPUT,
}
_CLOSE: Final = re.compile(r"(~?)\}\}")
_TRIPLE_CLOSE: Final = re.compile(r"\}(~?)\}\}")
_LONG_COMMENT_END: Final = re.compile(r"--(~?)\}\}")


def tokenize(source: str, locator: Locator) -> list[Content | Tag]:
    """Split ``source`` into :class:`Content` and :class:`Tag` items, in source order.

    Args:
        source: The template text.
        locator: Positions for error messages.

    Returns:
        The items; adjacent texts are not merged (whitespace control relies on the boundaries).

    Raises:
        TemplateError: ``HANDLEBARS_COMPILE_ERROR`` for a malformed or unsupported tag.
    """
    return _Lexer(source, locator).run()


class _Lexer:
    def __init__(self, source: str, locator: Locator) -> None:
        self.src = source
        self.loc = locator
        self.items: list[Content | Tag] = []

    def run(self) -> list[Content | Tag]:
        src = self.src
        pos = 0
        while pos < len(src):
            start = src.find("{{", pos)
            if start < 0:
                self._text(src[pos:], pos)
                break
            # `\{{` prints a literal mustache; `\\{{` prints one backslash and then a real tag.
            backslashes = len(src[pos:start]) - len(src[pos:start].rstrip("\\"))
            if backslashes >= 2:
                self._text(src[pos : start - 1], pos)
            elif backslashes >= 1:
                self._text(src[pos : start - 1], pos)
                pos = self._escaped_mustache(start)
                continue
            else:
                self._text(src[pos:start], pos)
            pos = self._tag(start)
        return self.items

    def _text(self, text: str, offset: int) -> None:
        if text:
            self.items.append(Content(text, offset))

    def _escaped_mustache(self, start: int) -> int:
        # Like Handlebars, the escaped text runs up to the next `{{`, `\{{` or `\\{{`, whose
        # backslashes are left for the main loop to interpret.
        src = self.src
        nxt = src.find("{{", start + 2)
        end = len(src) if nxt < 0 else nxt
        for _ in range(2):
            if nxt >= 0 and end - 1 >= start + 2 and src[end - 1] == "\\":
                end -= 1
        self._text(src[start:end], start)
        return end

    def _tag(self, start: int) -> int:
        src = self.src
        pos = start + 2
        strip_before = src.startswith("~", pos)
        if strip_before:
            pos += 1
        if src.startswith("{{", start + 2):
            raise self.loc.error("raw blocks {{{{ }}}} are not supported", start)
        if src.startswith("!", pos):
            return self._comment(start, pos + 1, strip_before)
        if src.startswith("{", pos):
            return self._expression_tag(TagKind.RAW_OUTPUT, start, pos + 1, strip_before, True)
        match = _ELSE_ALONE.match(src, pos) or _INVERSE_ALONE.match(src, pos)
        if match:
            self.items.append(Tag(TagKind.ELSE, (), strip_before, bool(match.group(1)), start))
            return match.end()
        if _ELSE_CHAIN.match(src, pos):
            else_end = src.index("else", pos) + 4
            return self._expression_tag(TagKind.ELSE, start, else_end, strip_before)
        sigil = src[pos : pos + 2]
        if sigil in ("#>", "#*") or sigil[:1] in (">", "*"):
            what = "partials" if ">" in sigil else "decorators"
            raise self.loc.error(f"{what} are not supported by Pictify templates", start)
        kind = _SIGILS.get(sigil[:1])
        if kind is None:
            return self._expression_tag(TagKind.OUTPUT, start, pos, strip_before)
        return self._expression_tag(kind, start, pos + 1, strip_before)

    def _comment(self, start: int, pos: int, strip_before: bool) -> int:
        src = self.src
        if src.startswith("--", pos):
            match = _LONG_COMMENT_END.search(src, pos + 2)
            what = "comment {{!-- is not closed with --}}"
        else:
            match = _CLOSE.search(src, pos)
            what = "comment {{! is not closed with }}"
        if match is None:
            raise self.loc.error(what, start)
        self.items.append(Tag(TagKind.COMMENT, (), strip_before, bool(match.group(1)), start))
        return match.end()

    def _expression_tag(
        self, kind: TagKind, start: int, pos: int, strip_before: bool, triple: bool = False
    ) -> int:
        tokens: list[ExprToken] = []
        src = self.src
        closer = _TRIPLE_CLOSE if triple else _CLOSE
        while True:
            match = _WHITESPACE.match(src, pos)
            if match:
                pos = match.end()
            if pos >= len(src):
                raise self.loc.error(f"tag is not closed with {'}}}' if triple else '}}'}", start)
            match = closer.match(src, pos)
            if match:
                self.items.append(Tag(kind, tuple(tokens), strip_before, bool(match[1]), start))
                return match.end()
            if triple and _CLOSE.match(src, pos):
                raise self.loc.error("{{{ must be closed with }}}", start)
            token, pos = self._token(pos)
            tokens.append(token)

    def _token(self, pos: int) -> tuple[ExprToken, int]:
        src = self.src
        char = src[pos]
        simple = {
            "(": TokKind.OPEN_SEXPR,
            ")": TokKind.CLOSE_SEXPR,
            "=": TokKind.EQUALS,
            "|": TokKind.CLOSE_BLOCK_PARAMS,
            "@": TokKind.DATA,
        }
        if char in simple:
            return ExprToken(simple[char], char, pos), pos + 1
        if char in "\"'":
            return self._string(pos, char)
        if char == "[":
            end = pos + 1
            while end < len(src) and src[end] != "]":
                end += 2 if src[end] == "\\" and src.startswith("]", end + 1) else 1
            if end >= len(src):
                raise self.loc.error("[segment] is not closed with ]", pos)
            value = src[pos + 1 : end].replace("\\]", "]")
            return ExprToken(TokKind.ID, value, pos, bracketed=True), end + 1
        if src.startswith("..", pos):
            return ExprToken(TokKind.ID, "..", pos), pos + 2
        if char in "./":
            if char == "." and self._ends_id(pos + 1):
                return ExprToken(TokKind.ID, ".", pos), pos + 1
            return ExprToken(TokKind.SEP, char, pos), pos + 1
        match = _BLOCK_PARAMS_OPEN.match(src, pos)
        if match:
            return ExprToken(TokKind.OPEN_BLOCK_PARAMS, "as |", pos), match.end()
        match = _NUMBER.match(src, pos)
        if match and self._ends_literal(match.end()):
            return ExprToken(TokKind.NUMBER, match.group(), pos), match.end()
        match = _ID.match(src, pos)
        if match is None:
            raise self.loc.error(f"unexpected character {char!r} in tag", pos)
        word = match.group()
        if word in _KEYWORDS and self._ends_literal(match.end()):
            return ExprToken(_KEYWORDS[word], word, pos), match.end()
        if not self._ends_id(match.end()):
            bad = src[match.end()] if match.end() < len(src) else "end of template"
            raise self.loc.error(f"unexpected {bad!r} after {word!r}", match.end())
        return ExprToken(TokKind.ID, word, pos), match.end()

    def _string(self, pos: int, quote: str) -> tuple[ExprToken, int]:
        src = self.src
        end = pos + 1
        while end < len(src) and src[end] != quote:
            end += 2 if src[end] == "\\" and src.startswith(quote, end + 1) else 1
        if end >= len(src):
            raise self.loc.error("string literal is not closed", pos)
        value = src[pos + 1 : end].replace("\\" + quote, quote)
        return ExprToken(TokKind.STRING, value, pos), end + 1

    def _ends_id(self, pos: int) -> bool:
        return pos >= len(self.src) or self.src[pos] in _ID_END

    def _ends_literal(self, pos: int) -> bool:
        return pos >= len(self.src) or self.src[pos] in _LITERAL_END
