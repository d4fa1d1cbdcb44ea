"""Cursors: a round trip keeps the search; anything damaged is an InvalidCursor, never a crash."""

from __future__ import annotations

import base64
import json

import pytest

from service.search.cursor import Cursor, InvalidCursor, decode_cursor, encode_cursor
from service.search.queries import SearchParams


def _raw(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_round_trips_the_search_and_position() -> None:
    params = SearchParams(first_name="Zoë", surname="O'Brien", person_types=("Tenant",))
    cursor = Cursor("pit-1", [3.25, "id-9"], params, 20)
    text = encode_cursor(cursor)
    assert text.isascii() and "=" not in text
    assert decode_cursor(text, 100) == cursor


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64 !!!",
        "x" * 5000,
        _raw([1, 2]),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {}}),
        _raw({"p": "", "a": [1.0, "x"], "q": {}, "n": 20}),
        _raw({"p": "pit", "a": ["x", 1.0], "q": {}, "n": 20}),
        _raw({"p": "pit", "a": [True, "x"], "q": {}, "n": 20}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {}, "n": 0}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {}, "n": 101}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {"script": "x"}, "n": 20}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {"surname": {"x": 1}}, "n": 20}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {"include_deceased": "yes"}, "n": 20}),
        _raw({"p": "pit", "a": [1.0, "x"], "q": {"person_types": "Tenant"}, "n": 20}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_damaged_cursors_are_rejected(text: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(text, 100)
