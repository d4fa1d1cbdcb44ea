"""The register both sweep benchmarks sweep, with its known duplicates, and how a sweep is graded.

`benchmarks.sweep` (the service's own sweep over OpenSearch) and `benchmarks.sweep_splink`
(Splink's batch linkage in DuckDB) build the same records from the same seeds here, so their
figures compare: `persons` residents of the scale benchmark's population, plus `duplicates`
corrupted copies of some of them (the quality generator's `queries()`: typos, nicknames, swapped
fields, married names, missing values). No servers: only the search documents the index would
hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from benchmarks.quality.generator import queries
from benchmarks.scale.loading import resident_documents, stored_item
from benchmarks.scale.population import Population, person_id
from service.domain.search_document import search_document
from service.matching.sweep import pair_key

Pair = tuple[str, str]


@dataclass(frozen=True)
class KnownRegister:
    """Residents (generated on demand), the search documents of their corrupted copies, and every
    pair of records of one person (a resident and its copies: a resident may be copied twice)."""

    population: Population
    copies: list[dict[str, Any]]
    truth: frozenset[Pair]

    def __len__(self) -> int:
        return len(self.population) + len(self.copies)

    def documents(self) -> Iterator[dict[str, Any]]:
        """Every record's search document: the residents in order, then the copies."""
        yield from resident_documents(self.population)
        yield from self.copies


def known_register(persons: int, duplicates: int, seed: int) -> KnownRegister:
    """The register of `persons` residents (population seed `seed`) and `duplicates` copies drawn
    with seed `seed + 1`; the copies' ids come from seed `seed + 2`, their personRefs follow the
    residents'."""
    population = Population(persons, seed)
    copies_seed = seed + 1
    copies: list[dict[str, Any]] = []
    records: dict[str, list[str]] = {}
    for number, query in enumerate(queries(population, duplicates, copies_seed, absent_share=0.0)):
        copy_id = person_id(copies_seed + 1, number)
        body = {key: value for key, value in query.person.items() if key != "key"}
        copies.append(search_document(stored_item(body, copy_id, persons + number + 1)))
        resident = population.id_of(query.key)
        records.setdefault(resident, [resident]).append(copy_id)
    truth = frozenset(
        pair_key(first, second)
        for ids in records.values()
        for first, second in combinations(ids, 2)
    )
    return KnownRegister(population, copies, truth)


@dataclass(frozen=True)
class SweepQuality:
    """How the pairs a sweep wrote compare with the known duplicates."""

    written: int
    certain: int
    found: int  # known pairs among those written
    certain_found: int
    known: int

    @property
    def recall(self) -> float:
        return self.found / max(1, self.known)

    @property
    def precision(self) -> float:
        return self.found / max(1, self.written)

    @property
    def certain_precision(self) -> float:
        return self.certain_found / max(1, self.certain)


def sweep_quality(pairs: Mapping[Pair, str], truth: frozenset[Pair]) -> SweepQuality:
    """Grade written pairs (pair in `pair_key` order -> grade) against the known duplicates."""
    certain = {pair for pair, grade in pairs.items() if grade == "certain"}
    return SweepQuality(
        written=len(pairs),
        certain=len(certain),
        found=len(truth & pairs.keys()),
        certain_found=len(truth & certain),
        known=len(truth),
    )


def quality_rows(quality: SweepQuality) -> list[tuple[str, str]]:
    """The quality rows of a sweep's BENCHMARKS.md table, worded alike for both engines."""
    return [
        (
            "pairs written (probable or better)",
            f"{quality.written:,} ({quality.certain:,} certain)",
        ),
        ("known duplicate pairs found (recall)", f"{quality.recall:.3f}"),
        ("precision of the pairs written", f"{quality.precision:.3f}"),
        ("precision of `certain` pairs", f"{quality.certain_precision:.3f}"),
    ]
