"""Learn a match model from the register itself, as Splink does (pure: no servers here).

- u (how often a level occurs for two different people) is counted on random pairs of records:
  in a register, two records drawn at random are almost never the same person.
- m (how often a level occurs for the same person) is estimated by expectation-maximisation
  over candidate pairs: pairs that share a blocking key (the same date of birth, the same
  surname), most of them different people, some the register's own duplicates. As in Splink,
  the fields a blocking rule holds equal are left out of that rule's estimation; each field's m
  comes from the rules that do not block on it.
- Name frequencies (term-frequency adjustment) are counted over every record.

Where the data hold too little evidence for a value, the starting model's value is kept: a level
seen fewer than MIN_U_COUNT times among the random pairs keeps its u, and m is estimated with
the starting model's m as a prior worth PRIOR_PAIRS matching pairs, so a register with few
duplicates moves m only as far as its duplicates show.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from service.matching.compare import name_key
from service.matching.model import FREQUENCY_FIELDS, MatchModel
from service.matching.scoring import raw_field_levels

MIN_U_COUNT = 10
PRIOR_PAIRS = 20.0
EM_ITERATIONS = 30
# The prior odds of a match never exceed the starting point's (1 in 8,192): a small register
# would otherwise call near-misses certain.
MAX_PRIOR_LOG2_ODDS = -13.0

Levels = Mapping[str, str]
Progress = Callable[[Iterable[Any], str, int], Iterable[Any]]


def _no_progress(items: Iterable[Any], _label: str, _total: int) -> Iterable[Any]:
    return items


def query_of_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """An indexed person as the flat partial person the matcher compares (first address)."""
    addresses = document.get("addresses") or []
    postcodes = document.get("postcodes") or []
    return {
        "firstName": document.get("firstName"),
        "surname": document.get("surname"),
        "dateOfBirth": document.get("dateOfBirth"),
        "nationalInsuranceNo": document.get("nationalInsuranceNo"),
        "address": addresses[0] if addresses else None,
        "postcode": postcodes[0] if postcodes else None,
    }


def pair_levels(a: Mapping[str, Any], b: Mapping[str, Any], start: MatchModel) -> dict[str, str]:
    """The raw comparison levels of two indexed records (fields not comparable left out)."""
    levels = raw_field_levels(query_of_document(a), dict(b), start)
    return {f: lv for f, lv in levels.items() if lv is not None}


def random_pairs(count: int, size: int, rng: random.Random) -> Iterator[tuple[int, int]]:
    """`count` pairs of distinct record positions drawn at random (with replacement)."""
    if size < 2:
        return
    for _ in range(count):
        i, j = rng.randrange(size), rng.randrange(size - 1)
        yield i, j + (j >= i)


def estimate_u(comparisons: Iterable[Levels], start: MatchModel) -> dict[str, dict[str, float]]:
    """u of every level from comparisons of random pairs; rare levels keep the start's u."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for levels in comparisons:
        for field, level in levels.items():
            counts[field][level] += 1
    u: dict[str, dict[str, float]] = {}
    for field, levels in start.levels.items():
        seen = counts.get(field, Counter())
        total = sum(seen.values())
        kept = {lv: mu[1] for lv, mu in levels.items() if seen[lv] < MIN_U_COUNT or not total}
        counted = {lv: seen[lv] / total for lv in levels if lv not in kept}
        # The counted levels share what the kept ones leave, in the proportions seen.
        room = max(1.0 - sum(kept.values()), 0.0)
        scale = room / sum(counted.values()) if counted else 0.0
        u[field] = {**kept, **{lv: max(p * scale, 1e-9) for lv, p in counted.items()}}
    return u


@dataclass(frozen=True)
class EmResult:
    """m of each field level estimated on one blocking rule's pairs, and the match share."""

    m: dict[str, dict[str, float]]
    match_share: float
    pairs: int


def _m_step(
    expected: Mapping[str, float],
    present: float,
    start: Mapping[str, tuple[float, float]],
    seen: set[str],
) -> dict[str, float]:
    """New m of the levels seen among the pairs, the start's m (renormalised over those levels)
    acting as a prior worth PRIOR_PAIRS pairs. Levels never seen (a partial date's levels, say,
    which only a partial query can give) keep their m."""
    prior_total = sum(start[lv][0] for lv in seen)
    return {
        lv: max(
            (expected.get(lv, 0.0) + PRIOR_PAIRS * start[lv][0] / prior_total)
            / (present + PRIOR_PAIRS),
            1e-9,
        )
        for lv in seen
    }


def estimate_m(
    comparisons: Sequence[Levels],
    start: MatchModel,
    u: Mapping[str, Mapping[str, float]],
    blocked: frozenset[str],
    iterations: int = EM_ITERATIONS,
    initial_share: float = 0.01,
) -> EmResult:
    """Expectation-maximisation of m over candidate pairs, u held fixed (Fellegi-Sunter EM).

    Fields in `blocked` are held equal by the blocking rule and so left out. Identical comparison
    patterns are grouped, so the cost does not grow with the number of pairs.
    """
    patterns = Counter(
        tuple(sorted((f, lv) for f, lv in levels.items() if f not in blocked))
        for levels in comparisons
    )
    if not patterns:
        return EmResult({}, 0.0, 0)  # no pair shares this key: nothing to learn from it
    seen: dict[str, set[str]] = defaultdict(set)
    for pattern in patterns:
        for f, lv in pattern:
            seen[f].add(lv)
    fields = set(seen)
    m = {f: dict((lv, mu[0]) for lv, mu in start.levels[f].items()) for f in fields}
    share = initial_share
    for _ in range(iterations):
        expected: dict[str, Counter[str]] = defaultdict(Counter)
        present: Counter[str] = Counter()
        matches = 0.0
        for pattern, count in patterns.items():
            log_match = math.log(share) + sum(math.log(m[f][lv]) for f, lv in pattern)
            log_other = math.log(1 - share) + sum(math.log(u[f][lv]) for f, lv in pattern)
            weight = count / (1.0 + math.exp(min(log_other - log_match, 700.0)))
            matches += weight
            for f, lv in pattern:
                expected[f][lv] += weight
                present[f] += weight
        total = sum(patterns.values())
        share = min(max(matches / total, 1e-9), 1 - 1e-9)
        for f in fields:
            m[f] = {**m[f], **_m_step(expected[f], present[f], start.levels[f], seen[f])}
    return EmResult(m, share, sum(patterns.values()))


NameTables = dict[str, dict[str, float]]


def name_frequencies(documents: Iterable[Mapping[str, Any]]) -> tuple[NameTables, int]:
    """How often each folded first name and surname occurs (names seen once are left out: the
    model's minimum frequency, one in the register's size, stands for them); and the count."""
    counts: dict[str, Counter[str]] = {f: Counter() for f in FREQUENCY_FIELDS}
    records = 0
    for document in documents:
        records += 1
        for field in FREQUENCY_FIELDS:
            if document.get(field):
                counts[field][name_key(document[field])] += 1
    tables = {
        field: {name: n / records for name, n in found.items() if n > 1}
        for field, found in counts.items()
    }
    return tables, records


def _full_name(document: Mapping[str, Any]) -> str | None:
    if not document.get("firstName") or not document.get("surname"):
        return None
    return f"{name_key(document['firstName'])}|{name_key(document['surname'])}"


# Blocking rules for the EM pairs: the fields each holds equal, and the key it blocks on. Both
# keys are rare enough that the register's duplicates are a fair share of their pairs: blocking
# on the surname alone would mostly pair relatives of one household, and EM would then learn
# what a household looks like rather than what a duplicate looks like.
BLOCKING_RULES: dict[str, tuple[frozenset[str], Callable[[Mapping[str, Any]], str | None]]] = {
    "dateOfBirth": (
        frozenset({"dateOfBirth"}),
        lambda d: d.get("dateOfBirth") or None,
    ),
    "fullName": (frozenset({"firstName", "surname", "swappedNames"}), _full_name),
}


def blocked_pairs(
    documents: Sequence[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], str | None],
    max_pairs: int,
    rng: random.Random,
) -> list[tuple[int, int]]:
    """Pairs of records sharing a blocking key, at most `max_pairs` (sampled evenly)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, document in enumerate(documents):
        value = key(document)
        if value:
            blocks[value].append(position)
    pairs = [
        (members[i], members[j])
        for members in blocks.values()
        if len(members) > 1
        for i in range(len(members))
        for j in range(i + 1, len(members))
    ]
    if len(pairs) > max_pairs:
        pairs = rng.sample(pairs, max_pairs)
    return pairs


def train(
    documents: Sequence[Mapping[str, Any]],
    start: MatchModel,
    random_pair_count: int = 100_000,
    max_blocked_pairs: int = 100_000,
    seed: int = 1,
    progress: Progress = _no_progress,
) -> MatchModel:
    """A model learned from the register's records, starting from (and falling back on) `start`."""
    rng = random.Random(seed)
    size = len(documents)
    if size < 2:
        raise ValueError("training needs at least two records in the register")
    frequencies, records = name_frequencies(progress(documents, "name frequencies", size))
    draws = random_pairs(random_pair_count, size, rng)
    u = estimate_u(
        (
            pair_levels(documents[i], documents[j], start)
            for i, j in progress(draws, "random pairs (u)", random_pair_count)
        ),
        start,
    )
    estimates: dict[str, list[tuple[dict[str, float], int]]] = defaultdict(list)
    rules: dict[str, Any] = {}
    for rule, (blocked, key) in BLOCKING_RULES.items():
        pairs = blocked_pairs(documents, key, max_blocked_pairs, rng)
        comparisons = [
            pair_levels(documents[i], documents[j], start)
            for i, j in progress(pairs, f"pairs blocked on {rule} (m)", len(pairs))
        ]
        result = estimate_m(comparisons, start, u, blocked)
        rules[rule] = {"pairs": result.pairs, "matchShare": round(result.match_share, 6)}
        for field, levels in result.m.items():
            estimates[field].append((levels, result.pairs * result.match_share))
    # Each field's m: the rules' estimates, weighed by how many duplicates each rule found.
    m = {
        field: {
            level: sum(found[level] * n for found, n in runs) / max(sum(n for _, n in runs), 1e-9)
            for level in start.levels[field]
        }
        for field, runs in estimates.items()
    }
    levels = {
        field: {
            level: (m.get(field, {}).get(level, mu[0]), u[field][level])
            for level, mu in found.items()
        }
        for field, found in start.levels.items()
    }
    prior = min(MAX_PRIOR_LOG2_ODDS, math.log2(1 / size))
    return replace(
        start,
        name=f"learned from {size} records",
        levels=levels,
        prior_log2_odds=round(prior, 3),
        name_frequencies=frequencies,
        min_frequency=1 / records,
        metadata={
            "trainedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "startedFrom": start.name,
            "records": size,
            "randomPairs": random_pair_count,
            "blockingRules": rules,
            "seed": seed,
        },
    )
