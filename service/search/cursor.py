"""Signed, stateless search cursors: the sort values of the last hit and the search itself.

A cursor holds everything the next page needs, so a search leaves nothing open on the server
(no OpenSearch point in time): any number of abandoned searches costs nothing. The next page
is the same query with `search_after` on (`_score`, `id`). The price of holding no snapshot:
when records change between two pages, a person whose score moved across the page boundary can
appear twice or not at all. On an unchanged index, pages never repeat or skip.

The cursor is signed (HMAC, `itsdangerous`) so that it is the service's own: a cursor that was
altered, or issued with another secret, is an InvalidCursor (a 400), never a crafted query. It is
not secret: it only replays a search the caller may run anyway. Everything decoded is checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from service.search.queries import SearchParams

MAX_CURSOR_LENGTH = 4096
_SALT = "person-search-cursor"


class InvalidCursor(ValueError):
    """The cursor is damaged or was not issued by this service."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page of a search starts."""

    search_after: list[Any]
    params: SearchParams
    page_size: int


class CursorCodec:
    """Turns cursors into signed text and back; one per app, built from the configured secret."""

    def __init__(self, secret: str, max_page_size: int) -> None:
        self._serializer = URLSafeSerializer(secret, salt=_SALT)
        self._max_page_size = max_page_size

    def encode(self, cursor: Cursor) -> str:
        """The opaque, signed text form of a cursor."""
        return self._serializer.dumps(
            {
                "a": cursor.search_after,
                "q": {k: v for k, v in asdict(cursor.params).items() if v not in (None, (), [])},
                "n": cursor.page_size,
            }
        )

    def decode(self, text: str) -> Cursor:
        """Read a cursor produced by `encode`, or raise InvalidCursor."""
        if not text or len(text) > MAX_CURSOR_LENGTH:
            raise InvalidCursor("cursor is damaged")
        try:
            payload = self._serializer.loads(text)
        except (BadData, ValueError, UnicodeDecodeError) as exc:
            raise InvalidCursor("cursor is damaged or was not issued by this service") from exc
        if not isinstance(payload, dict) or set(payload) != {"a", "q", "n"}:
            raise InvalidCursor("cursor is damaged")
        after, page_size = payload["a"], payload["n"]
        if (
            not isinstance(after, list)
            or len(after) != 2
            or not isinstance(after[0], int | float)
            or isinstance(after[0], bool)
            or not isinstance(after[1], str)
        ):
            raise InvalidCursor("cursor is damaged")
        if not isinstance(page_size, int) or isinstance(page_size, bool):
            raise InvalidCursor("cursor is damaged")
        if not 1 <= page_size <= self._max_page_size:
            raise InvalidCursor("cursor is damaged")
        return Cursor(after, _params(payload["q"]), page_size)


def _params(raw: Any) -> SearchParams:
    if not isinstance(raw, dict):
        raise InvalidCursor("cursor is damaged")
    known = {f.name for f in fields(SearchParams)}
    if not set(raw) <= known:
        raise InvalidCursor("cursor is damaged")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "person_types":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InvalidCursor("cursor is damaged")
            values[name] = tuple(value)
        elif name == "include_deceased":
            if not isinstance(value, bool):
                raise InvalidCursor("cursor is damaged")
            values[name] = value
        elif isinstance(value, str) and 0 < len(value) <= 500:
            values[name] = value
        else:
            raise InvalidCursor("cursor is damaged")
    return SearchParams(**values)
