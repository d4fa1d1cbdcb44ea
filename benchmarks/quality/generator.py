"""Synthetic residents and corrupted duplicates of them, with the ground truth kept.

Households share a surname and an address, and some residents share a full name, so every query
has realistic distractors. Each query is a resident as another system (or a member of staff) might
have recorded them: one to three corruptions among typos, nicknames, phonetic spellings, swapped
first and last names, missing fields, day/month swaps and digit typos in the date of birth, and NI
numbers in another case or spacing. Some queries are of people who are not in the population.
"""

from __future__ import annotations

import random
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
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )


def _address(rng: random.Random) -> dict[str, Any]:
    street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
    if rng.random() < 0.3:
        street = f"{rng.choice(BLOCKS).format(n=rng.randint(1, 80))}, {street}"
    return {"fullAddress": f"{street}, London", "postcode": _postcode(rng), "isCurrent": True}


def _birth(rng: random.Random) -> str:
    return (date(1935, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))).isoformat()


def residents(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """`count` valid create bodies; each has a `key` (ground truth) to strip before posting."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    while len(people) < count:
        surname = _zipf_choice(rng, SURNAMES)
        address = _address(rng)
        for _ in range(min(rng.choice((1, 1, 1, 2, 2, 3, 4)), count - len(people))):
            people.append(
                {
                    "key": f"r{len(people)}",
                    "title": rng.choice(TITLES),
                    "firstName": _zipf_choice(rng, FIRST_NAMES),
                    "surname": surname,
                    "dateOfBirth": _birth(rng),
                    "nationalInsuranceNo": ni_number(rng),
                    "personTypes": [rng.choice(("Tenant", "HouseholdMember", "Leaseholder"))],
                    "addresses": [dict(address)],
                    "reason": "Quality benchmark",
                }
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
        for corrupt in rng.sample(CORRUPTIONS, rng.choice((1, 2, 2, 3))):
            label = corrupt(rng, person)
            if label:
                done.append(label)
        if "nationalInsuranceNo" in person:
            try:
                normalise_ni(person["nationalInsuranceNo"])
            except InvalidValue:
                del person["nationalInsuranceNo"]
        result.append(Query(key, person, tuple(done)))
    rng.shuffle(result)
    return result
