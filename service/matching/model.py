"""A Fellegi-Sunter record-linkage model: field agreement levels, weights, score and grade.

For each field and agreement level, `m` is the chance of that level when the two records are the
same person and `u` the chance when they are different people. The level's weight is the
log-likelihood ratio log2(m/u); a field that cannot be compared weighs 0. The weights are summed
with the prior log-odds of a match, and the score is the resulting posterior probability in [0, 1].

The model is data: a versioned JSON file (`models/hand-set.json` is the documented starting
point; `person-index train-model` writes one learned from the register: u from random pairs, m
by expectation-maximisation, name frequencies). The service loads one file at start.

Name frequencies (term-frequency adjustment, as Splink does it): when first names or surnames
agree exactly, the level's u is replaced by how often that name occurs in the register, so
agreeing on "Smith" weighs little and on "Oduya" a lot.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MODEL_FORMAT = "person-index-match-model/1"
HAND_SET_FILE = Path(__file__).resolve().parent / "models" / "hand-set.json"

# Fields whose exact agreement is adjusted by the frequency of the agreed value.
FREQUENCY_FIELDS = ("firstName", "surname")
# Surname levels that, with an address level that agrees, form one household level (see
# `_household`): "exact" at the same address, "exact/similar" at a similar one, and so on.
HOUSEHOLD_LEVELS = ("exact", "typo", "phonetic", "partial")
HOUSEHOLD_ADDRESS_LEVELS = ("same", "similar", "sameStreet")


def household_level(surname: str, address: str) -> str:
    """The surnameAndAddress level of a surname level and an address level."""
    return surname if address == "same" else f"{surname}/{address}"


# Grades after FHIR Patient $match, as thresholds on the score (posterior probability).
CERTAIN = 0.995
PROBABLE = 0.80
POSSIBLE = 0.10

# `certain` also needs one of these to agree: names and an address alone, however close, can be a
# father and son of the same name at one address.
IDENTIFYING = {
    ("dateOfBirth", "exact"),
    ("dateOfBirth", "swapped"),
    ("nationalInsuranceNo", "exact"),
    ("nationalInsuranceNo", "withoutSuffix"),
}


class ModelError(ValueError):
    """A model file that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class Reason:
    """One field's contribution: its agreement level and its weight (log2 likelihood ratio)."""

    field: str
    agreement: str
    weight: float

    def as_dict(self) -> dict[str, Any]:
        """The answer's form (`dataclasses.asdict` deep-copies: a tenth of ranking's time)."""
        return {"field": self.field, "agreement": self.agreement, "weight": self.weight}


@dataclass(frozen=True)
class MatchModel:
    """m and u of every comparison level, the prior, and the register's name frequencies.

    `household_share` is the share of different people at one address who are relatives with
    the same surname (see `_household`); the surnameAndAddress levels are derived from it.
    """

    name: str
    levels: Mapping[str, Mapping[str, tuple[float, float]]]
    prior_log2_odds: float
    household_share: float
    name_frequencies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    min_frequency: float = 1e-5
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def m_u(self, field_name: str, level: str) -> tuple[float, float]:
        """m and u of a level; surnameAndAddress is derived from the surname and the address."""
        if field_name == "surnameAndAddress":
            return self._household(level, None)
        return self.levels[field_name][level]

    def weight(self, field_name: str, level: str, value: str | None = None) -> float:
        """log2(m/u) of one level; for an exact name, u is that name's frequency when known."""
        if field_name == "surnameAndAddress":
            exact = level.split("/")[0] == "exact"
            m, u = self._household(level, value if exact else None)
            return math.log2(m / u)
        m, u = self.levels[field_name][level]
        if level == "exact" and value is not None and field_name in FREQUENCY_FIELDS:
            u = self.frequency(field_name, value) or u
        return math.log2(m / u)

    def frequency(self, field_name: str, value: str) -> float | None:
        """How often a folded name occurs in the register (None without frequencies)."""
        table = self.name_frequencies.get(field_name)
        if not table:
            return None
        return max(table.get(value, 0.0), self.min_frequency)

    def _household(self, level: str, surname: str | None) -> tuple[float, float]:
        """A surname that agrees at an address that agrees, weighed as one level (a household).

        The two are not independent for different people: someone else at the same address is
        often a relative with the same surname, so summing both weights would count the household
        twice. m is the two m values together (for the same person they agree independently);
        u is u(address same) times the chance of the surname level for two different people at
        one address: a relative (share h, agreeing as often as the same person would: m) or
        anyone else (agreeing by chance: u, or the surname's frequency when known).
        """
        surname_level, _, address_level = level.partition("/")
        m_surname, u_surname = self.levels["surname"][surname_level]
        if surname is not None:
            u_surname = self.frequency("surname", surname) or u_surname
        m_address, u_address = self.levels["address"][address_level or "same"]
        share = self.household_share
        return m_surname * m_address, u_address * (share * m_surname + (1 - share) * u_surname)

    def reasons(
        self, levels: Mapping[str, str | None], values: Mapping[str, str] | None = None
    ) -> list[Reason]:
        """The reasons for each comparable field, strongest evidence first.

        `values` holds the agreed folded names (by field) for the frequency adjustment.
        """
        values = values or {}
        found = [
            Reason(name, level, round(self.weight(name, level, values.get(name)), 2))
            for name, level in levels.items()
            if level is not None
        ]
        return sorted(found, key=lambda r: -abs(r.weight))

    def score(self, found: list[Reason]) -> float:
        """The posterior probability of a match given the field weights."""
        total = self.prior_log2_odds + sum(reason.weight for reason in found)
        return 1.0 / (1.0 + 2.0 ** (-total))

    def to_json(self) -> dict[str, Any]:
        """The file form of the model (`load_model` reads it back)."""
        return {
            "format": MODEL_FORMAT,
            "name": self.name,
            "metadata": dict(self.metadata),
            "priorLog2Odds": self.prior_log2_odds,
            "householdShare": self.household_share,
            "comparisons": {
                f: {lv: {"m": m, "u": u} for lv, (m, u) in levels.items()}
                for f, levels in self.levels.items()
            },
            "nameFrequencies": {
                "minFrequency": self.min_frequency,
                **{f: dict(table) for f, table in self.name_frequencies.items()},
            },
        }


def _probability(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ModelError(f"{where} must be a number in (0, 1], got {value!r}")
    return float(value)


def model_from_json(data: Any, source: str = "model") -> MatchModel:
    """Build a model from its JSON form, checking every value (a bad file fails at start)."""
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"{source} is not a {MODEL_FORMAT} file")
    comparisons = data.get("comparisons")
    if not isinstance(comparisons, dict) or not comparisons:
        raise ModelError(f"{source} has no comparisons")
    levels: dict[str, dict[str, tuple[float, float]]] = {}
    for name, found in comparisons.items():
        if not isinstance(found, dict) or not found:
            raise ModelError(f"{source}: comparison {name} has no levels")
        levels[name] = {
            level: (
                _probability(mu.get("m") if isinstance(mu, dict) else None, f"{name}.{level}.m"),
                _probability(mu.get("u") if isinstance(mu, dict) else None, f"{name}.{level}.u"),
            )
            for level, mu in found.items()
        }
    missing = {"firstName", "surname", "dateOfBirth", "address"} - set(levels)
    if missing:
        raise ModelError(f"{source} lacks the comparisons {', '.join(sorted(missing))}")
    prior = data.get("priorLog2Odds")
    if isinstance(prior, bool) or not isinstance(prior, int | float) or not -60 < prior < 0:
        raise ModelError(f"{source}: priorLog2Odds must be a negative number, got {prior!r}")
    frequencies = data.get("nameFrequencies") or {}
    if not isinstance(frequencies, dict):
        raise ModelError(f"{source}: nameFrequencies must be an object")
    tables = {
        f: {str(k): float(v) for k, v in frequencies[f].items()}
        for f in FREQUENCY_FIELDS
        if isinstance(frequencies.get(f), dict)
    }
    return MatchModel(
        name=str(data.get("name") or source),
        levels=levels,
        prior_log2_odds=float(prior),
        household_share=_probability(data.get("householdShare"), "householdShare"),
        name_frequencies=tables,
        min_frequency=_probability(frequencies.get("minFrequency", 1e-5), "minFrequency"),
        metadata=data.get("metadata") or {},
    )


def load_model(path: Path) -> MatchModel:
    """Read a model file (ModelError names what is wrong)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"cannot read the match model {path}: {exc}") from exc
    return model_from_json(data, str(path))


def save_model(model: MatchModel, path: Path) -> None:
    """Write a model file whole or not at all (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


@cache
def hand_set_model() -> MatchModel:
    """The documented starting point: m and u set by hand (models/hand-set.json)."""
    return load_model(HAND_SET_FILE)


def grade(value: float, found: list[Reason] | None = None) -> str | None:
    """certain, probable or possible; None below the possible threshold.

    Without `found` only the thresholds apply; with it, `certain` also needs an identifying
    agreement (date of birth or NI number), else the grade is `probable`.
    """
    if value >= CERTAIN:
        if found is not None and not any((r.field, r.agreement) in IDENTIFYING for r in found):
            return "probable"
        return "certain"
    if value >= PROBABLE:
        return "probable"
    if value >= POSSIBLE:
        return "possible"
    return None
