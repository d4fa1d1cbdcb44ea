"""Cursors: a round trip keeps the search; anything damaged or forged is an InvalidCursor."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from service.search.cursor import Cursor, CursorCodec, InvalidCursor
from service.search.queries import SearchParams

SECRET = "unit-test-cursor-secret"
codec = CursorCodec(SECRET, max_page_size=100)


def _signed(payload: object, secret: str = SECRET) -> str:
    """A cursor signed as the service signs them, carrying any payload."""
    return URLSafeSerializer(secret, salt="person-search-cursor").dumps(payload)


def test_a_cursor_round_trips_the_search_and_position() -> None:
    params = SearchParams(first_name="Zoë", surname="O'Brien", person_types=("Tenant",))
    cursor = Cursor([3.25, "id-9"], params, 20)
    text = codec.encode(cursor)
    assert text.isascii() and "=" not in text
    assert codec.decode(text) == cursor


def test_a_cursor_inside_the_reranked_window_round_trips_its_rank() -> None:
    cursor = Cursor([], SearchParams(surname="Khan", date_of_birth="1980"), 10, 50, 30)
    assert codec.decode(codec.encode(cursor)) == cursor


def test_a_cursor_signed_with_another_secret_or_altered_is_refused() -> None:
    text = codec.encode(Cursor([1.0, "x"], SearchParams(surname="Khan"), 20))
    with pytest.raises(InvalidCursor, match="not issued by this service"):
        CursorCodec("another-deployment-secret", 100).decode(text)
    payload, signature = text.rsplit(".", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    with pytest.raises(InvalidCursor):
        codec.decode(f"{payload}.{flipped}")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64 !!!",
        "x" * 5000,
        _signed([1, 2]),
        _signed({"a": [1.0, "x"], "q": {}}),
        _signed({"a": ["x", 1.0], "q": {}, "n": 20}),
        _signed({"a": [True, "x"], "q": {}, "n": 20}),
        _signed({"a": [1.0, "x"], "q": {}, "n": 0}),
        _signed({"a": [1.0, "x"], "q": {}, "n": 101}),
        _signed({"a": [1.0, "x"], "q": {"script": "x"}, "n": 20}),
        _signed({"a": [1.0, "x"], "q": {"surname": {"x": 1}}, "n": 20}),
        _signed({"a": [1.0, "x"], "q": {"include_deceased": "yes"}, "n": 20}),
        _signed({"a": [1.0, "x"], "q": {"person_types": "Tenant"}, "n": 20}),
        _signed({"a": [], "q": {}, "n": 20}),
        _signed({"a": [1.0, "x"], "q": {}, "n": 20, "w": 50, "o": 20}),
        _signed({"a": [], "q": {}, "n": 20, "w": 50}),
        _signed({"a": [], "q": {}, "n": 20, "w": 50, "o": 0}),
        _signed({"a": [], "q": {}, "n": 20, "w": 50, "o": 50}),
        _signed({"a": [], "q": {}, "n": 20, "w": 501, "o": 20}),
        _signed({"a": [], "q": {}, "n": 20, "w": 50, "o": "20"}),
        _signed({"a": [], "q": {}, "n": 20, "w": True, "o": 0}),
    ],
)
def test_damaged_cursors_are_rejected(text: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(text)
