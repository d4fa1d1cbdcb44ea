"""Signed, stateless search cursors: where the next page starts, and the search itself.

A cursor holds everything the next page needs, so a search leaves nothing open on the server
(no OpenSearch point in time): any number of abandoned searches costs nothing. Inside the window
re-ranked by the matching model (`service.search.rerank`) the next page is a rank in that
window, which is the same query run again; after the window it is the same query with
`search_after` on (`_score`, `id`). The price of holding no snapshot: when records change between
two pages, a person whose score moved across the page boundary can appear twice or not at all.
On an unchanged index, pages never repeat or skip.

The cursor is signed (HMAC, `itsdangerous`) so that it is the service's own: a cursor that was
altered, or issued with another secret, is an InvalidCursor (a 400), never a crafted query. It is
not secret: it only replays a search the caller may run anyway. Everything decoded is checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from service.config import MAX_SEARCH_RERANK_WINDOW
from service.search.queries import SearchParams

MAX_CURSOR_LENGTH = 4096
_SALT = "person-search-cursor"


class InvalidCursor(ValueError):
    """The cursor is damaged or was not issued by this service."""


@dataclass(frozen=True)
class Cursor:
    """Where a page of a search starts.

    After `search_after` (the sort values of a hit) in OpenSearch order when it is given;
    otherwise at rank `offset` of the search's first `window` hits re-ranked by the model, or,
    with no window, at the start in OpenSearch order.
    """

    search_after: list[Any]
    params: SearchParams
    page_size: int
    window: int = 0
    offset: int = 0


class CursorCodec:
    """Turns cursors into signed text and back; one per app, built from the configured secret."""

    def __init__(self, secret: str, max_page_size: int) -> None:
        self._serializer = URLSafeSerializer(secret, salt=_SALT)
        self._max_page_size = max_page_size

    def encode(self, cursor: Cursor) -> str:
        """The opaque, signed text form of a cursor."""
        payload: dict[str, Any] = {
            "a": cursor.search_after,
            "q": {k: v for k, v in asdict(cursor.params).items() if v not in (None, (), [])},
            "n": cursor.page_size,
        }
        if cursor.window:
            payload |= {"w": cursor.window, "o": cursor.offset}
        return self._serializer.dumps(payload)

    def decode(self, text: str) -> Cursor:
        """Read a cursor produced by `encode`, or raise InvalidCursor."""
        if not text or len(text) > MAX_CURSOR_LENGTH:
            raise InvalidCursor("cursor is damaged")
        try:
            payload = self._serializer.loads(text)
        except (BadData, ValueError, UnicodeDecodeError) as exc:
            raise InvalidCursor("cursor is damaged or was not issued by this service") from exc
        if not isinstance(payload, dict) or set(payload) not in _PAYLOAD_KEYS:
            raise InvalidCursor("cursor is damaged")
        after, page_size = payload["a"], payload["n"]
        window, offset = payload.get("w", 0), payload.get("o", 0)
        if not all(_is_int(value) for value in (page_size, window, offset)):
            raise InvalidCursor("cursor is damaged")
        if not 1 <= page_size <= self._max_page_size:
            raise InvalidCursor("cursor is damaged")
        if "w" in payload:
            # A rank inside the re-ranked window (a first page never needs a cursor).
            if after != [] or not 0 < offset < window <= MAX_SEARCH_RERANK_WINDOW:
                raise InvalidCursor("cursor is damaged")
        elif (
            not isinstance(after, list)
            or len(after) != 2
            or not isinstance(after[0], int | float)
            or isinstance(after[0], bool)
            or not isinstance(after[1], str)
        ):
            raise InvalidCursor("cursor is damaged")
        return Cursor(after, _params(payload["q"]), page_size, window, offset)


_PAYLOAD_KEYS = ({"a", "q", "n"}, {"a", "q", "n", "w", "o"})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
