"""Auto-paginating list results for both pagination styles.

``page``/``limit`` (templates, subscriptions, bindings) and ``limit``/``offset`` (images, GIFs).
A page is also read like the documented dict (``result["templates"]``, ``result["pagination"]``);
iterating it yields every item of every following page, fetched lazily.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar

from ._models_integrations import OffsetPagination, PagePagination
from ._options import DEFAULT_OPTIONS, RequestOptions
from ._request import Endpoint

T = TypeVar("T")
R = TypeVar("R")


class SyncRequester(Protocol):
    """What a sync page needs from its client."""

    def _request(self, endpoint: Endpoint[R], options: RequestOptions = ...) -> R: ...


class AsyncRequester(Protocol):
    """What an async page needs from its client."""

    async def _request(self, endpoint: Endpoint[R], options: RequestOptions = ...) -> R: ...


@dataclass(frozen=True)
class PageData(Generic[T]):
    """One decoded page: its items, pagination block and the raw body."""

    items: list[T]
    pagination: PagePagination | OffsetPagination | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class ListQuery(Generic[T]):
    """How to fetch any page of one list endpoint (pure).

    Attributes:
        path: Endpoint path.
        items_key: Body key holding the items (``"templates"``...).
        parse_item: Turns one raw item into a model.
        style: ``"page"`` (1-based page numbers) or ``"offset"``.
        limit: Page size sent to the server (``None``: server default).
        params: Extra filters sent with every page.
        options: The caller's per-call options, used for every page.
    """

    path: str
    items_key: str
    parse_item: Callable[[Any], T]
    style: Literal["page", "offset"]
    limit: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    options: RequestOptions = DEFAULT_OPTIONS

    def endpoint(self, cursor: int) -> Endpoint[PageData[T]]:
        """The request for the page at ``cursor`` (page number or offset)."""
        params = dict(self.params)
        params["page" if self.style == "page" else "offset"] = cursor
        params["limit"] = self.limit
        return Endpoint("GET", self.path, parse=self.parse_page, params=params)

    def parse_page(self, data: Any) -> PageData[T]:
        """Decode a page body (a bare list is accepted as a single page).

        A missing or unreadable pagination block means "no further page"; it never fails the
        call (the tolerant pagination models keep odd values as sent).

        Raises:
            ValueError: When the items are not a list, or an item cannot be read as the model
                (``pydantic.ValidationError`` is a ``ValueError``); the client reports it as a
                ``PictifyError`` ("Unexpected response").
        """
        if isinstance(data, list):
            return PageData([self.parse_item(i) for i in data], None, {self.items_key: data})
        body: dict[str, Any] = data if isinstance(data, dict) else {}
        raw_items = body.get(self.items_key)
        if raw_items is None:
            raw_items = []
        if not isinstance(raw_items, list):
            raise ValueError(f"expected a list under {self.items_key!r}")
        items = [self.parse_item(i) for i in raw_items]
        raw_pagination = body.get("pagination")
        pagination: PagePagination | OffsetPagination | None = None
        if isinstance(raw_pagination, dict):
            model = PagePagination if self.style == "page" else OffsetPagination
            pagination = model.model_validate(raw_pagination)
        return PageData(items, pagination, body)

    def next_cursor(self, page: PageData[T], cursor: int) -> int | None:
        """The cursor of the following page, or ``None`` when this one is the last.

        Never raises, and any cursor returned is greater than ``cursor``, so a list walk always
        moves forward (an empty page ends it).
        """
        if not page.items:
            return None
        p = page.pagination
        if isinstance(p, PagePagination):
            if isinstance(p.has_next, bool):
                return cursor + 1 if p.has_next else None
            if isinstance(p.total_pages, int):
                return cursor + 1 if cursor < p.total_pages else None
            limit = _positive(p.limit) or _positive(self.limit)
            if isinstance(p.total, int) and limit:
                return cursor + 1 if cursor * limit < p.total else None
            return None
        if isinstance(p, OffsetPagination):
            following = cursor + len(page.items)
            if isinstance(p.has_more, bool):
                return following if p.has_more else None
            if isinstance(p.total, int):
                return following if following < p.total else None
        return None


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class _PageView(Generic[T]):
    def __init__(self, query: ListQuery[T], cursor: int, data: PageData[T]) -> None:
        self._query = query
        self._cursor = cursor
        self._data = data

    @property
    def items(self) -> list[T]:
        """Items of this page only."""
        return self._data.items

    @property
    def pagination(self) -> PagePagination | OffsetPagination | None:
        """This page's pagination block, if the server sent one."""
        return self._data.pagination

    def has_next_page(self) -> bool:
        """Whether another page follows."""
        return self._query.next_cursor(self._data, self._cursor) is not None

    def __getitem__(self, key: str) -> Any:
        if key == self._query.items_key:
            return self.items
        if key == "pagination":
            return self.pagination
        return self._data.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access with a default."""
        try:
            return self[key]
        except KeyError:
            return default

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"<{name} {self._query.path} cursor={self._cursor} items={len(self.items)}>"


class SyncPage(_PageView[T]):
    """One page of a list; iterating it walks this and every following page."""

    def __init__(
        self, client: SyncRequester, query: ListQuery[T], cursor: int, data: PageData[T]
    ) -> None:
        super().__init__(query, cursor, data)
        self._client = client

    @classmethod
    def fetch(cls, client: SyncRequester, query: ListQuery[T], cursor: int) -> SyncPage[T]:
        """Fetch the page at ``cursor``."""
        return cls(client, query, cursor, client._request(query.endpoint(cursor), query.options))

    def get_next_page(self) -> SyncPage[T] | None:
        """Fetch the following page, or return ``None`` at the end."""
        cursor = self._query.next_cursor(self._data, self._cursor)
        return None if cursor is None else self.fetch(self._client, self._query, cursor)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """Yield this page and every following one."""
        page: SyncPage[T] | None = self
        while page is not None:
            yield page
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageView[T]):
    """One page of an async list; ``async for`` walks this and every following page."""

    def __init__(
        self, client: AsyncRequester, query: ListQuery[T], cursor: int, data: PageData[T]
    ) -> None:
        super().__init__(query, cursor, data)
        self._client = client

    @classmethod
    async def fetch(cls, client: AsyncRequester, query: ListQuery[T], cursor: int) -> AsyncPage[T]:
        """Fetch the page at ``cursor``."""
        data = await client._request(query.endpoint(cursor), query.options)
        return cls(client, query, cursor, data)

    async def get_next_page(self) -> AsyncPage[T] | None:
        """Fetch the following page, or return ``None`` at the end."""
        cursor = self._query.next_cursor(self._data, self._cursor)
        return None if cursor is None else await self.fetch(self._client, self._query, cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Yield this page and every following one."""
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Generic[T]):
    """What async ``list()`` returns: ``await`` it for one page, or ``async for`` every item."""

    def __init__(self, client: AsyncRequester, query: ListQuery[T], cursor: int) -> None:
        self._client = client
        self._query = query
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return AsyncPage.fetch(self._client, self._query, self._cursor).__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await AsyncPage.fetch(self._client, self._query, self._cursor)
        async for item in page:
            yield item
