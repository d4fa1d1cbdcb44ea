"""One implementation of each normalisation rule, used by the API, the indexer and matching.

Names keep their letters (accents included); folding for comparison happens in OpenSearch's ICU
analyzers and, for scoring, in `fold_name`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
# Anything but letters, digits, "_" and white space: dropped from names, spaced out of addresses.
PUNCTUATION = re.compile(r"[^\w\s]")
# HMRC: first letter not D F I Q U V; second letter not D F I O Q U V; prefixes BG GB KN NK NT TN ZZ
# never allocated; six digits; suffix A-D (may be omitted on some records).
_NI_PATTERN = re.compile(
    r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]?$"
)
# A UK postcode: outward code (area letters, district digit, optional letter or digit), then the
# inward code (a digit and two letters).
_POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


class InvalidValue(ValueError):
    """A value breaks a domain rule; the message says which rule."""


def has_control_characters(value: str) -> bool:
    """True when the text holds a control or format character (tabs and newlines included)."""
    return any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in value)


def clean_name(value: str) -> str:
    """Trim a name and collapse inner white space; reject control characters."""
    if has_control_characters(value):
        raise InvalidValue("must not contain control characters")
    cleaned = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return cleaned


# How many slips of the keyboard a name may hold and still count as one name mistyped: one from
# ONE_EDIT_FROM letters, two from TWO_EDITS_FROM. The matcher's typo level and the search's fuzzy
# name clauses both follow this rule.
ONE_EDIT_FROM = 3
TWO_EDITS_FROM = 8


@lru_cache(maxsize=65536)
def fold_name(value: str) -> str:
    """Lower-case, strip accents and drop punctuation: the comparison form of a name.

    Cached: matching folds the same names for every candidate of every query."""
    if value.isascii():  # nothing to decompose or strip: most names, and twice as fast
        letters = value.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = PUNCTUATION.sub("", letters.replace("-", " "))
    return _WHITESPACE.sub(" ", letters).strip()


def compact_ni(value: str) -> str:
    """Upper-case an NI number and remove every space, dash and dot."""
    return re.sub(r"[\s.\-]", "", value).upper()


def normalise_ni(value: str) -> str:
    """Return the stored form of an NI number, or raise InvalidValue naming the broken rule."""
    compact = compact_ni(value)
    if not _NI_PATTERN.match(compact):
        raise InvalidValue(
            "is not a valid National Insurance number: two prefix letters (not D, F, I, Q, U or V;"
            " O not second; not BG, GB, KN, NK, NT, TN or ZZ), six digits and an optional"
            " suffix A to D"
        )
    return compact


def normalise_postcode(value: str) -> str:
    """Return the stored form of a UK postcode (upper-case, one space), or raise InvalidValue."""
    compact = re.sub(r"\s+", "", value).upper()
    spaced = f"{compact[:-3]} {compact[-3:]}"
    if len(compact) < 5 or not _POSTCODE_PATTERN.match(spaced):
        raise InvalidValue("is not a valid UK postcode")
    return spaced


def is_a_minor(date_of_birth: date | None, today: date) -> bool | None:
    """Whether someone born on `date_of_birth` is under 18 on `today` (None when unknown)."""
    if date_of_birth is None:
        return None
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    age = today.year - date_of_birth.year - (0 if had_birthday else 1)
    return age < 18
