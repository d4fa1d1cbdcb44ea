"""The links between pages of search results: next, and previous without server state.

A search's signed cursor (`service.search.cursor`) only points forward. The way back is the stack
of cursors that led to this page, carried in the query string (`back`, one per page after the
first): the previous page is the last of them, page 1 needs none. gunicorn refuses a request
line over 4094 bytes, so the stack is carried only while it is short (`MAX_BACK_CHARS`); past
that, "back" becomes a link to the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_BACK_CHARS = 2000


@dataclass(frozen=True)
class PageLink:
    """The query arguments of a linked page, and the link's words."""

    args: dict[str, Any]
    label: str


@dataclass(frozen=True)
class PageLinks:
    previous: PageLink | None
    next: PageLink | None


def page_links(
    query: dict[str, str],
    number: int,
    cursor: str | None,
    back: list[str],
    next_cursor: str | None,
) -> PageLinks:
    """Links from page `number` (reached with `cursor` after the cursors `back`)."""
    whole = number >= 2 and len(back) == number - 2 and bool(cursor)
    previous: PageLink | None = None
    if number == 2:
        previous = PageLink(dict(query), "Page 1")
    elif whole:
        earlier = {"cursor": back[-1], "back": back[:-1], "page": number - 1}
        previous = PageLink({**query, **earlier}, f"Page {number - 1}")
    elif number > 2:
        previous = PageLink(dict(query), "First page")
    following: PageLink | None = None
    if next_cursor:
        stack = [*back, cursor] if whole and cursor else []
        if sum(len(item) for item in stack) > MAX_BACK_CHARS:
            stack = []
        args = {**query, "cursor": next_cursor, "page": number + 1}
        if stack:
            args["back"] = stack
        following = PageLink(args, f"Page {number + 1}")
    return PageLinks(previous, following)
