"""Opaque search cursors: a point in time, the sort values of the last hit, and the search itself.

A cursor is base64url JSON. It is not secret (it only replays a search the caller may run anyway),
but everything decoded from it is checked, so a damaged cursor is a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from service.search.queries import SearchParams

MAX_CURSOR_LENGTH = 4096


class InvalidCursor(ValueError):
    """The cursor is damaged, was not issued by this service, or has expired."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page of a search starts."""

    pit_id: str
    search_after: list[Any]
    params: SearchParams
    page_size: int


def encode_cursor(cursor: Cursor) -> str:
    """The opaque text form of a cursor."""
    payload = {
        "p": cursor.pit_id,
        "a": cursor.search_after,
        "q": {k: v for k, v in asdict(cursor.params).items() if v not in (None, (), [])},
        "n": cursor.page_size,
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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


def decode_cursor(text: str, max_page_size: int) -> Cursor:
    """Read a cursor produced by `encode_cursor`, or raise InvalidCursor."""
    if not text or len(text) > MAX_CURSOR_LENGTH:
        raise InvalidCursor("cursor is damaged")
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is damaged") from exc
    if not isinstance(payload, dict) or set(payload) != {"p", "a", "q", "n"}:
        raise InvalidCursor("cursor is damaged")
    pit_id, after, page_size = payload["p"], payload["a"], payload["n"]
    if not isinstance(pit_id, str) or not pit_id:
        raise InvalidCursor("cursor is damaged")
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
    if not 1 <= page_size <= max_page_size:
        raise InvalidCursor("cursor is damaged")
    return Cursor(pit_id, after, _params(payload["q"]), page_size)
