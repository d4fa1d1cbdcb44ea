"""Synthetic residents and corrupted duplicates of them, with the ground truth kept.

Households share a surname and an address, and some residents share a full name, so every query
has realistic distractors. Some residents have a middle name, some a double-barrelled surname, some
live in a flat of a converted house. Each query is a resident as another system (or a member of
staff) might have recorded them: one to three corruptions among typos, nicknames, phonetic
spellings, swapped first and last names, a middle name or an initial as the first name, one part of
a double-barrelled surname, missing fields, day/month swaps and digit typos in the date of birth,
NI numbers in another case or spacing or with a digit typo, and addresses abbreviated, numbered
another way, or with the postcode missing or mistyped. Independently of those, half of the queries
carry no NI number (many council systems hold none), some carry no date of birth, and a few carry
a surname changed on marriage. Some queries are of people who are not in the population.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from nicknames import NickNamer

from benchmarks.quality.names import (
    BLOCKS,
    DISTRICTS,
    FIRST_NAMES,
    PHONETIC_VARIANTS,
    STREETS,
    SURNAMES,
)
from service.domain.normalise import InvalidValue, normalise_ni

NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # HMRC: not D F I Q U V
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # HMRC: not D F I O Q U V
NI_NEVER = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Independent of the corruptions: shares of queries whose source system lacks a field, and of
# residents recorded under a surname changed on marriage.
NI_ABSENT_SHARE = 0.5
DOB_ABSENT_SHARE = 0.15
MARRIED_SHARE = 0.03
# Of residents with a double-barrelled surname, the share recorded elsewhere under one part.
ONE_PART_SHARE = 0.5
# How addresses get written short (both forms are common in council systems).
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Church": "Ch", "High": "Hi"}


@dataclass(frozen=True)
class Query:
    """A corrupted record and the key of the resident it came from (None: not in the index)."""

    key: str | None
    person: dict[str, Any]
    corruptions: tuple[str, ...]


def _zipf_choice(rng: random.Random, values: tuple[str, ...]) -> str:
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(values))]
    return rng.choices(values, weights)[0]


def ni_number(rng: random.Random) -> str:
    """A National Insurance number in a valid format (HMRC prefix rules), compact."""
    while True:
        prefix = rng.choice(NI_FIRST) + rng.choice(NI_SECOND)
        if prefix not in NI_NEVER:
            return normalise_ni(f"{prefix}{rng.randrange(10**6):06d}{rng.choice('ABCD')}")


def _postcode(rng: random.Random) -> str:
    return (
        f"{rng.choice(DISTRICTS)} {rng.randint(1, 9)}"
        f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    )


def _address(rng: random.Random) -> dict[str, Any]:
    street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
    roll = rng.random()
    if roll < 0.3:
        street = f"{rng.choice(BLOCKS).format(n=rng.randint(1, 80))}, {street}"
    elif roll < 0.45:
        street = f"Flat {rng.randint(1, 4)}, {street}"  # a flat in a converted house
    return {"fullAddress": f"{street}, London", "postcode": _postcode(rng), "isCurrent": True}


def _surname(rng: random.Random) -> str:
    """A surname; about one in twelve households has a double-barrelled one."""
    if rng.random() < 0.08:
        first, second = rng.sample(SURNAMES[:60], 2)  # British and Irish
        return f"{first}-{second}"
    return _zipf_choice(rng, SURNAMES)


def _birth(rng: random.Random) -> str:
    return (date(1935, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))).isoformat()


def resident_body(
    rng: random.Random,
    key: str,
    first_name: str,
    middle: dict[str, str],
    surname: str,
    address: dict[str, Any],
    reason: str,
) -> dict[str, Any]:
    """One valid create body with its ground-truth `key` (title, date of birth, NI number and
    person type drawn from `rng`, in that order)."""
    return {
        "key": key,
        "title": rng.choice(TITLES),
        "firstName": first_name,
        **middle,
        "surname": surname,
        "dateOfBirth": _birth(rng),
        "nationalInsuranceNo": ni_number(rng),
        "personTypes": [rng.choice(("Tenant", "HouseholdMember", "Leaseholder"))],
        "addresses": [dict(address)],
        "reason": reason,
    }


def residents(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """`count` valid create bodies; each has a `key` (ground truth) to strip before posting."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    while len(people) < count:
        surname = _surname(rng)
        address = _address(rng)
        for _ in range(min(rng.choice((1, 1, 1, 2, 2, 3, 4)), count - len(people))):
            first_name = _zipf_choice(rng, FIRST_NAMES)
            middle = {}
            if rng.random() < 0.3:
                middle_name = _zipf_choice(rng, FIRST_NAMES)
                if middle_name != first_name:
                    middle = {"middleName": middle_name}
            people.append(
                resident_body(
                    rng,
                    f"r{len(people)}",
                    first_name,
                    middle,
                    surname,
                    address,
                    "Quality benchmark",
                )
            )
    return people


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced, or two letters swapped."""
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "replace", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "replace":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


@cache
def _namer() -> NickNamer:
    return NickNamer()


def _nickname(rng: random.Random, person: dict[str, Any]) -> str | None:
    names = sorted(_namer().nicknames_of(person["firstName"]))
    if not names:
        return None
    person["firstName"] = rng.choice(names).capitalize()
    return "nickname"


def _phonetic(rng: random.Random, person: dict[str, Any]) -> str | None:
    fields = [f for f in ("firstName", "surname") if person[f] in PHONETIC_VARIANTS]
    if not fields:
        return None
    field = rng.choice(fields)
    person[field] = rng.choice(PHONETIC_VARIANTS[person[field]])
    return f"phonetic {field}"


def _typo(rng: random.Random, person: dict[str, Any]) -> str | None:
    field = rng.choice(("firstName", "surname"))
    person[field] = typo(rng, person[field])
    return f"typo {field}"


def _swap_names(rng: random.Random, person: dict[str, Any]) -> str | None:
    person["firstName"], person["surname"] = person["surname"], person["firstName"]
    return "swapped names"


def _drop(rng: random.Random, person: dict[str, Any]) -> str | None:
    present = [f for f in ("dateOfBirth", "nationalInsuranceNo", "addresses") if f in person]
    if len(present) < 2:
        return None
    field = rng.choice(present)
    del person[field]
    return f"missing {field}"


def _dob_swap(rng: random.Random, person: dict[str, Any]) -> str | None:
    if "dateOfBirth" not in person:
        return None
    year, month, day = person["dateOfBirth"].split("-")
    if day == month or int(day) > 12:
        return None
    person["dateOfBirth"] = f"{year}-{day}-{month}"
    return "dob day/month swap"


def _dob_digit(rng: random.Random, person: dict[str, Any]) -> str | None:
    if "dateOfBirth" not in person:
        return None
    for _ in range(20):
        text = list(person["dateOfBirth"])
        i = rng.choice((2, 3, 6, 8, 9))
        text[i] = rng.choice([d for d in "0123456789" if d != text[i]])
        candidate = "".join(text)
        try:
            born = date.fromisoformat(candidate)
        except ValueError:
            continue
        if date(1900, 1, 1) <= born < date.today():
            person["dateOfBirth"] = candidate
            return "dob digit typo"
    return None


def _ni_spacing(rng: random.Random, person: dict[str, Any]) -> str | None:
    if "nationalInsuranceNo" not in person:
        return None
    ni = person["nationalInsuranceNo"]
    spaced = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8:]}".strip()
    person["nationalInsuranceNo"] = spaced.lower() if rng.random() < 0.5 else spaced
    return "ni spacing"


def _ni_typo(rng: random.Random, person: dict[str, Any]) -> str | None:
    """One NI digit mistyped or two adjacent digits transposed (the format stays valid)."""
    if "nationalInsuranceNo" not in person:
        return None
    ni = list(person["nationalInsuranceNo"])
    if rng.random() < 0.5:
        i = rng.randrange(2, 8)
        ni[i] = rng.choice([d for d in "0123456789" if d != ni[i]])
        label = "ni digit typo"
    else:
        pairs = [i for i in range(2, 7) if ni[i] != ni[i + 1]]
        if not pairs:
            return None
        i = rng.choice(pairs)
        ni[i], ni[i + 1] = ni[i + 1], ni[i]
        label = "ni digit transposition"
    person["nationalInsuranceNo"] = "".join(ni)
    return label


def _current_address(person: dict[str, Any]) -> dict[str, Any] | None:
    return (person.get("addresses") or [None])[0]


def _address_abbreviation(rng: random.Random, person: dict[str, Any]) -> str | None:
    """Road as Rd, Street as St and so on; sometimes without the town."""
    address = _current_address(person)
    if not address:
        return None
    words = address["fullAddress"].replace(",", " ,").split()
    short = [ABBREVIATIONS.get(word, word) for word in words]
    if short == words:
        return None
    text = " ".join(short).replace(" ,", ",")
    if rng.random() < 0.5:
        text = text.removesuffix(", London")
    address["fullAddress"] = text
    return "address abbreviated"


def _flat_numbering(rng: random.Random, person: dict[str, Any]) -> str | None:
    """A flat in a converted house written the other way: "Flat 2, 10 X Road" as "10b X Road"."""
    address = _current_address(person)
    if not address:
        return None
    flat, *rest = (part.strip() for part in address["fullAddress"].split(","))
    street, town = (rest[0], rest[1:]) if rest else ("", [])
    found = re.fullmatch(r"Flat ([1-4])", flat)
    if not found or not street[:1].isdigit():
        return None  # not a flat in a converted house (a block's flats keep their numbers)
    number, road = street.split(" ", 1)
    letter = "abcd"[int(found.group(1)) - 1]
    address["fullAddress"] = ", ".join([f"{number}{letter} {road}", *town])
    return "address flat numbering"


def _postcode_error(rng: random.Random, person: dict[str, Any]) -> str | None:
    """The postcode left out, or one character of it mistyped (still a valid-format postcode)."""
    address = _current_address(person)
    if not address or "postcode" not in address:
        return None
    if rng.random() < 0.5:
        del address["postcode"]
        return "postcode missing"
    outward, inward = address["postcode"].split()
    chars = list(inward)
    i = rng.randrange(3)
    pool = "0123456789" if i == 0 else POSTCODE_LETTERS
    chars[i] = rng.choice([c for c in pool if c != chars[i]])
    address["postcode"] = f"{outward} {''.join(chars)}"
    return "postcode typo"


def _one_part_of_surname(rng: random.Random, person: dict[str, Any]) -> str | None:
    """A double-barrelled surname recorded as one of its parts (Smith-Jones as Jones)."""
    parts = person["surname"].split("-")
    if len(parts) < 2:
        return None
    person["surname"] = rng.choice(parts)
    return "double-barrelled surname one part"


def _middle_as_first(rng: random.Random, person: dict[str, Any]) -> str | None:
    """The middle name, which the resident goes by, recorded as the first name."""
    if not person.get("middleName"):
        return None
    person["firstName"] = person.pop("middleName")
    return "middle name as first name"


def _initial(rng: random.Random, person: dict[str, Any]) -> str | None:
    """Only the initial of the first name ("J Smith")."""
    person["firstName"] = person["firstName"][:1].upper()
    return "initial first name"


def _married(rng: random.Random, person: dict[str, Any]) -> str:
    """A surname changed on marriage: another surname altogether (expected to be hard)."""
    person["surname"] = rng.choice([s for s in SURNAMES if s != person["surname"]])
    return "surname changed (marriage)"


CORRUPTIONS: tuple[Callable[[random.Random, dict[str, Any]], str | None], ...] = (
    _typo,
    _typo,
    _nickname,
    _phonetic,
    _swap_names,
    _drop,
    _drop,
    _dob_swap,
    _dob_digit,
    _ni_spacing,
    _ni_typo,
    _address_abbreviation,
    _flat_numbering,
    _postcode_error,
    _middle_as_first,
    _initial,
)


def _as_recorded(person: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in person.items() if k not in {"key", "reason", "title", "personTypes"}}


def queries(
    population: list[dict[str, Any]], count: int, seed: int = 12, absent_share: float = 0.1
) -> list[Query]:
    """`count` corrupted records: most of residents (ground truth kept), some of strangers."""
    rng = random.Random(seed)
    strangers = residents(max(1, int(count * absent_share) + 1), seed=seed + 1000)
    result = []
    for number in range(count):
        if number < int(count * absent_share):
            source, key = strangers[number], None
        else:
            source = rng.choice(population)
            key = source["key"]
        person = _as_recorded(source)
        person["addresses"] = [dict(a) for a in person.get("addresses", [])]
        done: list[str] = []
        # Absences of the source system, independent of the corruptions (drawn first, always, so
        # that every query consumes the same random numbers whatever it turns out to be).
        no_ni, no_dob, married, one_part = (rng.random() for _ in range(4))
        if no_ni < NI_ABSENT_SHARE:
            del person["nationalInsuranceNo"]
            done.append("no NI number (source system)")
        if no_dob < DOB_ABSENT_SHARE:
            del person["dateOfBirth"]
            done.append("no dateOfBirth (source system)")
        if married < MARRIED_SHARE:
            done.append(_married(rng, person))
        elif one_part < ONE_PART_SHARE and (label := _one_part_of_surname(rng, person)):
            done.append(label)
        chosen = rng.sample(CORRUPTIONS, rng.choice((1, 2, 2, 3)))
        # The middle name replaces the first name outright, so it goes first: the others then
        # change the name used (its initial, a typo of it), and every label stays true.
        chosen.sort(key=lambda corrupt: corrupt is not _middle_as_first)
        for corrupt in chosen:
            label = corrupt(rng, person)
            if label:
                done.append(label)
        person.pop("middleName", None)  # another system's record: first name and surname only
        if "nationalInsuranceNo" in person:
            try:
                normalise_ni(person["nationalInsuranceNo"])
            except InvalidValue:
                del person["nationalInsuranceNo"]
        result.append(Query(key, person, tuple(done)))
    rng.shuffle(result)
    return result
