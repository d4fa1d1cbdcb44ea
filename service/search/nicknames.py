"""Nickname equivalence from the maintained `nicknames` package, for the index and for scoring.

The index gets one synonym rule per nickname (`bob => bob, robert`): at index and at query time a
nickname also yields its full names, so Bob, Bobby and Robert share the token `robert`.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from nicknames import NickNamer

SYNONYM_FILTER = "nickname_synonyms"
_SINGLE_WORD = re.compile(r"^[a-z]+$")


@cache
def _namer() -> NickNamer:
    return NickNamer()


@cache
def canonical_names(name: str) -> frozenset[str]:
    """The full names a (folded, lower-case) first name is a nickname of; empty when none."""
    return frozenset(n for n in _namer().canonicals_of(name) if _SINGLE_WORD.match(n))


def are_nicknames(first: str, second: str) -> bool:
    """True when two different folded first names are a nickname pair or nicknames of one name."""
    if not first or not second or first == second:
        return False
    a, b = canonical_names(first), canonical_names(second)
    return second in a or first in b or bool(a & b)


@cache
def nickname_synonym_rules() -> tuple[str, ...]:
    """Explicit synonym rules `nick => nick, full1, full2` for every single-word nickname."""
    rules = []
    for nickname, fulls in sorted(_namer().canonical_lookup.items()):
        names = sorted(n for n in fulls if _SINGLE_WORD.match(n) and n != nickname)
        if _SINGLE_WORD.match(nickname) and names:
            rules.append(f"{nickname} => {', '.join([nickname, *names])}")
    return tuple(rules)


def with_nickname_synonyms(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of an index body whose nickname synonym filter (if any) holds the package's rules."""
    filters = body.get("settings", {}).get("analysis", {}).get("filter", {})
    if SYNONYM_FILTER not in filters:
        return body
    filled = copy.deepcopy(body)
    filled["settings"]["analysis"]["filter"][SYNONYM_FILTER]["synonyms"] = list(
        nickname_synonym_rules()
    )
    return filled
