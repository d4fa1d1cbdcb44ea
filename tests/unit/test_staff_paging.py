"""The links between pages of search results: back through the carried stack of cursors."""

from __future__ import annotations

from service.staff.paging import MAX_BACK_CHARS, page_links

QUERY = {"lastName": "Pagewell"}


def test_the_first_page_links_forward_only() -> None:
    links = page_links(QUERY, 1, None, [], "c2")
    assert links.previous is None
    assert links.next is not None
    assert links.next.args == {"lastName": "Pagewell", "cursor": "c2", "page": 2}
    assert links.next.label == "Page 2"


def test_each_page_carries_the_cursors_that_led_to_it_and_goes_back_one_page() -> None:
    second = page_links(QUERY, 2, "c2", [], "c3")
    assert second.previous is not None and second.previous.args == QUERY
    assert second.previous.label == "Page 1"
    assert second.next is not None and second.next.args["back"] == ["c2"]
    third = page_links(QUERY, 3, "c3", ["c2"], "c4")
    assert third.previous is not None
    assert third.previous.args == {**QUERY, "cursor": "c2", "back": [], "page": 2}
    assert third.previous.label == "Page 2"
    assert third.next is not None and third.next.args["back"] == ["c2", "c3"]
    last = page_links(QUERY, 4, "c4", ["c2", "c3"], None)
    assert last.next is None
    assert last.previous is not None and last.previous.args["cursor"] == "c3"


def test_a_stack_too_long_for_a_url_or_not_matching_the_page_goes_to_the_first_page() -> None:
    long_cursor = "c" * (MAX_BACK_CHARS // 2 + 1)
    deep = page_links(QUERY, 3, long_cursor, [long_cursor], "next")
    assert deep.next is not None and "back" not in deep.next.args
    beyond = page_links(QUERY, 4, "next", [], None)
    assert beyond.previous is not None
    assert (beyond.previous.args, beyond.previous.label) == (QUERY, "First page")
