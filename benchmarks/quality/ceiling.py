"""The ceiling: every query compared with every stored person, no index, a simple summed score.

What an exhaustive comparison finds is the most any candidate search could hand the model. The
score adds, each in 0..1: Jaro-Winkler of the first names and of the surnames (or of the two
crossed over, when names are swapped, whichever is higher), date of birth agreement (1 exact,
0.5 one character off) and address token similarity (token set ratio of the folded texts). A
missing value on either side adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from service.domain.normalise import fold_name


@dataclass(frozen=True)
class Columns:
    """The compared values of a list of people, folded; "" where a value is missing."""

    first_name: list[str]
    surname: list[str]
    date_of_birth: list[str]
    address: list[str]


def columns(people: Sequence[dict[str, Any]]) -> Columns:
    """The compared values of API-style bodies (firstName, surname, dateOfBirth, addresses)."""

    def address(person: dict[str, Any]) -> str:
        return fold_name(((person.get("addresses") or [{}])[0]).get("fullAddress") or "")

    return Columns(
        first_name=[fold_name(p.get("firstName") or "") for p in people],
        surname=[fold_name(p.get("surname") or "") for p in people],
        date_of_birth=[str(p.get("dateOfBirth") or "") for p in people],
        address=[address(p) for p in people],
    )


def _similarity(
    queries: list[str], stored: list[str], scorer: Callable[..., float], scale: float = 1.0
) -> np.ndarray:
    """Pairwise similarity in 0..1, zero wherever either value is missing."""
    matrix = process.cdist(queries, stored, scorer=scorer, dtype=np.float32, workers=-1) / scale
    matrix[np.array([not q for q in queries], dtype=bool), :] = 0
    matrix[:, np.array([not s for s in stored], dtype=bool)] = 0
    return matrix


def _date_agreement(queries: list[str], stored: list[str]) -> np.ndarray:
    distance = process.cdist(
        queries, stored, scorer=Levenshtein.distance, dtype=np.int32, workers=-1
    )
    agreement = np.where(distance == 0, 1.0, np.where(distance == 1, 0.5, 0.0)).astype(np.float32)
    agreement[np.array([not q for q in queries], dtype=bool), :] = 0
    agreement[:, np.array([not s for s in stored], dtype=bool)] = 0
    return agreement


def scores(queries: Columns, stored: Columns) -> np.ndarray:
    """The summed score of every (query, stored person) pair, shape (queries, stored)."""
    jaro = JaroWinkler.normalized_similarity
    straight = _similarity(queries.first_name, stored.first_name, jaro) + _similarity(
        queries.surname, stored.surname, jaro
    )
    crossed = _similarity(queries.first_name, stored.surname, jaro) + _similarity(
        queries.surname, stored.first_name, jaro
    )
    return (
        np.maximum(straight, crossed)
        + _date_agreement(queries.date_of_birth, stored.date_of_birth)
        + _similarity(queries.address, stored.address, fuzz.token_set_ratio, scale=100.0)
    )


def ranked(matrix: np.ndarray, keys: Sequence[str], limit: int = 10) -> list[list[str]]:
    """The keys of each query's `limit` best-scored people, best first (ties by position)."""
    order = np.argsort(-matrix, axis=1, kind="stable")[:, :limit]
    return [[keys[i] for i in row] for row in order]
