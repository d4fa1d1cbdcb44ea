"""Field comparisons of a partial person with a candidate: each gives an agreement level or None.

None means "cannot compare" (a side is missing): such a field adds no evidence either way.
All functions are pure; names are compared in their folded form (`fold_name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jellyfish
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import ratio, token_set_ratio

from service.domain.normalise import (
    ONE_EDIT_FROM,
    PUNCTUATION,
    TWO_EDITS_FROM,
    compact_ni,
    fold_name,
)
from service.domain.search_document import compact_postcode, postcode_district
from service.search.nicknames import are_nicknames

# Strongest first: when a name is compared with several of the candidate's names the best counts.
NAME_LEVELS = (
    "exact",
    "nickname",
    "typo",
    "phonetic",
    "similar",
    "partial",
    "initial",
    "different",
)
_NAME_RANK = {level: rank for rank, level in enumerate(NAME_LEVELS)}
# Jaro-Winkler similarity of the `similar` level: more than one slip, still recognisably one name.
SIMILAR_NAME = 0.85


def is_typo(a: str, b: str) -> bool:
    """Two different spellings close enough to be a slip of the keyboard."""
    if min(len(a), len(b)) < ONE_EDIT_FROM:
        return False
    limit = 1 if max(len(a), len(b)) < TWO_EDITS_FROM else 2
    return DamerauLevenshtein.distance(a, b) <= limit or JaroWinkler.similarity(a, b) >= 0.93


@lru_cache(maxsize=65536)
def _sound_codes(name: str) -> tuple[str, str]:
    return jellyfish.metaphone(name), jellyfish.nysiis(name)


def sounds_alike(a: str, b: str) -> bool:
    """Same metaphone code or same NYSIIS code."""
    code_a, code_b = _sound_codes(a), _sound_codes(b)
    return code_a[0] == code_b[0] or code_a[1] == code_b[1]


def _word_level(a: str, b: str, nicknames: bool) -> str:
    if a == b:
        return "exact"
    if nicknames and are_nicknames(a, b):
        return "nickname"
    if is_typo(a, b):
        return "typo"
    if sounds_alike(a, b):
        return "phonetic"
    if min(len(a), len(b)) >= 3 and JaroWinkler.similarity(a, b) >= SIMILAR_NAME:
        return "similar"
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return "initial"
    return "different"


def name_key(value: str) -> str:
    """A name folded, without spaces: the form names are compared and counted in."""
    return fold_name(value).replace(" ", "")


def name_level(query: str | None, candidates: Iterable[str | None], nicknames: bool) -> str | None:
    """The best agreement between a queried name and any of a candidate's names."""
    if not query:
        return None
    folded = fold_name(query)
    names = [fold_name(c) for c in candidates if c]
    if not folded or not names:
        return None
    return min(
        (_folded_level(folded, name, nicknames) for name in names), key=_NAME_RANK.__getitem__
    )


@lru_cache(maxsize=1 << 17)
def _folded_level(query: str, name: str, nicknames: bool) -> str:
    """Agreement of two folded names. Cached: a register's common names meet again and again."""
    level = _word_level(query.replace(" ", ""), name.replace(" ", ""), nicknames)
    if level in {"similar", "different"} and _shares_a_part(query, name, level):
        level = "partial"  # a part of a double-barrelled or multi-word name agrees
    return level


def _shares_a_part(query: str, name: str, level: str) -> bool:
    """True when the two share a part exactly, or (for names otherwise different) a part of a
    multi-part name is a slip of the keyboard away from the other name or one of its parts:
    "Alen" for "Allen-Griffiths"."""
    parts, name_parts = query.split(), name.split()
    if set(parts) & set(name_parts):
        return True
    if level != "different" or len(parts) == len(name_parts) == 1:
        return False
    return any(is_typo(a, b) for a in parts for b in name_parts)


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_level(query: str | None, candidate: str | None) -> str | None:
    """Agreement of a queried date of birth (YYYY, YYYY-MM or full) with a candidate's.

    Dates are compared as text, so an impossible or mistyped date (2961-04-03, 1985-02-30) is
    still one digit away from the real one. A query of any other shape cannot be compared.
    """
    if not query or not candidate:
        return None
    if len(query) == 4 and query.isdigit():
        return "year" if candidate[:4] == query else "different"
    if len(query) == 7 and query[:4].isdigit():
        return "yearMonth" if candidate[:7] == query else "different"
    if not _FULL_DATE.match(query) or not _FULL_DATE.match(candidate):
        return None
    if query == candidate:
        return "exact"
    year, month, day = query.split("-")
    if candidate == f"{year}-{day}-{month}":
        return "swapped"
    distance = DamerauLevenshtein.distance(query.replace("-", ""), candidate.replace("-", ""))
    if distance == 1:
        return "typo"
    if distance == 2:
        return "twoDigits"
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


# A UK postcode anywhere in a text (outward and inward code, the space optional).
_UK_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")


@dataclass(frozen=True)
class AddressParts:
    """An address read the same way whatever its country: its numbers (house, flat, and numeric
    postcodes such as Australia's), a UK postcode found in the text, and its words."""

    numbers: frozenset[str]
    postcode: str | None
    words: str

    @property
    def joined(self) -> str:
        """The words with no spaces, so "ashgrovecourt" and "ashgrove court" agree."""
        return self.words.replace(" ", "")


@lru_cache(maxsize=16384)
def address_parts(address: str) -> AddressParts:
    """Split an address into numbers, a UK postcode and words, wherever each sits in the text."""
    form = address_form(PUNCTUATION.sub(" ", address))
    postcode = None
    found = _UK_POSTCODE.search(form)
    if found:
        postcode = (found.group(1) + found.group(2)).upper()
        form = form[: found.start()] + " " + form[found.end() :]
    tokens = form.split()
    numbers = frozenset(t for t in tokens if t.isdigit())
    words = " ".join(t for t in tokens if not t.isdigit() and t != "flat")
    return AddressParts(numbers, postcode, words)


def _numbers_agree(a: frozenset[str], b: frozenset[str]) -> str | None:
    """How two addresses' numbers agree: `all` when one side's numbers hold the other's (a number
    left out, such as the flat, still agrees), `some` when they share some and differ in others
    (another flat of the building, a mistyped postcode), `none` when they share none (another
    house); None when a side has no numbers."""
    if not a or not b:
        return None
    if a <= b or b <= a:
        return "all"
    return "some" if a & b else "none"


def _word_similarity(a: AddressParts, b: AddressParts) -> float:
    """0-100: the better of word-set similarity and similarity of the words run together."""
    if not a.words or not b.words:
        return 0.0
    return max(token_set_ratio(a.words, b.words), ratio(a.joined, b.joined))


# Levels of an address comparison, strongest first.
ADDRESS_LEVELS = ("same", "similar", "sameStreet", "postcode", "district", "different")
_ADDRESS_RANK = {level: rank for rank, level in enumerate(ADDRESS_LEVELS)}


@lru_cache(maxsize=1 << 15)
def _address_pair_level(a: AddressParts, b: AddressParts, same_postcode: bool) -> str:
    """Cached: the members of a household share one address, and most candidates of a query
    come in households."""
    words = _word_similarity(a, b)
    numbers = _numbers_agree(a.numbers, b.numbers)
    if numbers in {None, "all"} and (words >= 90 or (same_postcode and words >= 60)):
        return "same"
    if (numbers in {None, "all"} and words >= 75) or (numbers == "some" and words >= 90):
        return "similar"
    if words >= 90:
        return "sameStreet"  # another house, or a mistyped house number
    return "different"


def address_level(
    address: str | None, postcode: str | None, candidate: dict[str, Any]
) -> str | None:
    """Agreement of an address and/or postcode with any of a candidate's addresses.

    Addresses of any country are compared: numbers and UK postcodes are recognised wherever
    they sit, street words are compared in full, and words run together still agree.
    """
    addresses = [address_parts(text) for text in candidate.get("addresses") or []]
    postcodes = {compact_postcode(p) for p in candidate.get("postcodes") or []}
    postcodes |= {parts.postcode for parts in addresses if parts.postcode}
    if not (address and addresses) and not (postcode and postcodes):
        return None
    wanted = address_parts(address) if address else None
    wanted_postcode = compact_postcode(postcode) if postcode else None
    wanted_postcode = wanted_postcode or (wanted.postcode if wanted else None)
    same_postcode = wanted_postcode is not None and wanted_postcode in postcodes
    levels = (
        [_address_pair_level(wanted, parts, same_postcode) for parts in addresses] if wanted else []
    )
    best = min(levels, key=_ADDRESS_RANK.__getitem__, default="different")
    if best != "different":
        return best
    if same_postcode:
        return "postcode"
    if wanted_postcode and postcode_district(wanted_postcode) in {
        postcode_district(p) for p in postcodes
    }:
        return "district"
    return "different"
