"""Nickname equivalence from the maintained `nicknames` package, for the index and for scoring.

The index gets one synonym rule per nickname (`bob => bob, robert`): at index and at query time a
nickname also yields its full names, so Bob, Bobby and Robert share the token `robert`. Spellings
the package does not know and no phonetic code links (Shivaun for Siobhan) come from
`name_variants.txt` and are treated the same way.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from nicknames import NickNamer

SYNONYM_FILTER = "nickname_synonyms"
_SINGLE_WORD = re.compile(r"^[a-z]+$")
VARIANTS_FILE = Path(__file__).with_name("name_variants.txt")


@cache
def _namer() -> NickNamer:
    return NickNamer()


@cache
def spelling_variants() -> dict[str, str]:
    """Each variant spelling of `name_variants.txt` and the usual spelling it stands for."""
    usual_of = {}
    for line in VARIANTS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        usual, *variants = (name.strip() for name in line.split(","))
        usual_of.update({variant: usual for variant in variants})
    return usual_of


@cache
def canonical_names(name: str) -> frozenset[str]:
    """The full names a (folded, lower-case) first name is a nickname or spelling of; empty when
    none."""
    names = {n for n in _namer().canonicals_of(name) if _SINGLE_WORD.match(n)}
    if name in spelling_variants():
        names.add(spelling_variants()[name])
    return frozenset(names)


def are_nicknames(first: str, second: str) -> bool:
    """True when two different folded first names are a nickname pair or nicknames of one name."""
    if not first or not second or first == second:
        return False
    a, b = canonical_names(first), canonical_names(second)
    return second in a or first in b or bool(a & b)


@cache
def nickname_synonym_rules() -> tuple[str, ...]:
    """Explicit synonym rules `nick => nick, full1, full2` for every single-word nickname."""
    fulls_of: dict[str, set[str]] = defaultdict(set)
    for nickname, fulls in _namer().canonical_lookup.items():
        fulls_of[nickname] |= set(fulls)
    for variant, usual in spelling_variants().items():
        fulls_of[variant].add(usual)
    rules = []
    for nickname, fulls in sorted(fulls_of.items()):
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
