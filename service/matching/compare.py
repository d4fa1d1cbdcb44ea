"""Field comparisons of a partial person with a candidate: each gives an agreement level or None.

None means "cannot compare" (a side is missing): such a field adds no evidence either way.
All functions are pure; names are compared in their folded form (`fold_name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import jellyfish
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from service.domain.normalise import compact_ni, fold_name
from service.domain.search_document import compact_postcode, postcode_district
from service.search.nicknames import are_nicknames

# Strongest first: when a name is compared with several of the candidate's names the best counts.
NAME_LEVELS = ("exact", "nickname", "typo", "phonetic", "partial", "initial", "different")


def is_typo(a: str, b: str) -> bool:
    """Two different spellings close enough to be a slip of the keyboard."""
    if min(len(a), len(b)) < 3:
        return False
    limit = 1 if max(len(a), len(b)) < 8 else 2
    return DamerauLevenshtein.distance(a, b) <= limit or JaroWinkler.similarity(a, b) >= 0.93


def sounds_alike(a: str, b: str) -> bool:
    """Same double-metaphone-like code (metaphone) or NYSIIS code."""
    return jellyfish.metaphone(a) == jellyfish.metaphone(b) or jellyfish.nysiis(
        a
    ) == jellyfish.nysiis(b)


def _word_level(a: str, b: str, nicknames: bool) -> str:
    if a == b:
        return "exact"
    if nicknames and are_nicknames(a, b):
        return "nickname"
    if is_typo(a, b):
        return "typo"
    if sounds_alike(a, b):
        return "phonetic"
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return "initial"
    return "different"


def name_level(query: str | None, candidates: Iterable[str | None], nicknames: bool) -> str | None:
    """The best agreement between a queried name and any of a candidate's names."""
    if not query:
        return None
    folded = fold_name(query)
    names = [fold_name(c) for c in candidates if c]
    if not folded or not names:
        return None
    best = "different"
    for name in names:
        level = _word_level(folded.replace(" ", ""), name.replace(" ", ""), nicknames)
        if level == "different" and set(folded.split()) & set(name.split()):
            level = "partial"  # a shared part of a double-barrelled or multi-word name
        if NAME_LEVELS.index(level) < NAME_LEVELS.index(best):
            best = level
    return best


def date_level(query: str | None, candidate: str | None) -> str | None:
    """Agreement of a queried date of birth (YYYY, YYYY-MM or full) with a candidate's."""
    if not query or not candidate:
        return None
    if len(query) == 4:
        return "year" if candidate[:4] == query else "different"
    if len(query) == 7:
        return "yearMonth" if candidate[:7] == query else "different"
    if query == candidate:
        return "exact"
    year, month, day = query.split("-")
    if candidate == f"{year}-{day}-{month}":
        return "swapped"
    if DamerauLevenshtein.distance(query.replace("-", ""), candidate.replace("-", "")) == 1:
        return "typo"
    return "different"


def ni_level(query: str | None, candidate: str | None) -> str | None:
    """Agreement of NI numbers in any case or spacing; a missing suffix still agrees."""
    if not query or not candidate:
        return None
    a, b = compact_ni(query), compact_ni(candidate)
    if a == b:
        return "exact"
    if a[:8] == b[:8]:
        return "withoutSuffix"
    if DamerauLevenshtein.distance(a[:8], b[:8]) == 1:
        return "typo"
    return "different"


# Street words as often written short; compared in their long form.
STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ln": "lane",
    "ave": "avenue",
    "av": "avenue",
    "gdns": "gardens",
    "ct": "court",
    "cres": "crescent",
    "pl": "place",
    "sq": "square",
    "terr": "terrace",
    "tce": "terrace",
    "ch": "church",
    "hi": "high",
    "ho": "house",
    "est": "estate",
}
_FLAT = re.compile(r"^(?:flat|apartment|apt|unit)\s+(\w+)\s+")
_NUMBER_LETTER = re.compile(r"\b(\d+)([a-h])\b")


def address_form(address: str) -> str:
    """An address in the form addresses are compared in: folded, street words in full, and a
    converted house's flat written one way ("10b X Road" as "flat 2 10 X Road": b is the 2nd)."""
    words = " ".join(STREET_WORDS.get(w, w) for w in fold_name(address).split())
    flat = _FLAT.match(words)
    if flat:
        mark, words = flat.group(1), words[flat.end() :]
    else:
        found = _NUMBER_LETTER.search(words)
        if not found:
            return words
        mark = found.group(2)
        words = words[: found.start()] + found.group(1) + words[found.end() :]
    if len(mark) == 1 and mark.isalpha():
        mark = str(ord(mark) - ord("a") + 1)
    return f"flat {mark} {words}"


def _address_similarity(a: str, b: str) -> float:
    """Word similarity (0-100) of two address forms; 0 when their numbers disagree (a neighbour:
    another flat or house of the same street). A number left out (the flat, say) still agrees."""
    numbers_a = {w for w in a.split() if w.isdigit()}
    numbers_b = {w for w in b.split() if w.isdigit()}
    if not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        return 0.0
    return token_set_ratio(a, b)


def address_level(
    address: str | None, postcode: str | None, candidate: dict[str, Any]
) -> str | None:
    """Agreement of an address and/or postcode with any of a candidate's addresses."""
    addresses = candidate.get("addresses") or []
    postcodes = candidate.get("postcodes") or []
    if not (address and addresses) and not (postcode and postcodes):
        return None
    wanted_form = address_form(address) if address else ""
    words = (
        max((_address_similarity(wanted_form, address_form(a)) for a in addresses), default=0)
        if address
        else 0
    )
    wanted = compact_postcode(postcode) if postcode else None
    same_postcode = wanted is not None and wanted in {compact_postcode(p) for p in postcodes}
    if words >= 90 or (same_postcode and words >= 60):
        return "same"
    if same_postcode:
        return "postcode"
    if wanted and postcode_district(wanted) in {postcode_district(p) for p in postcodes}:
        return "district"
    return "different"
