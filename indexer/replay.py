"""Replay dead letters: apply each stored record again and forget the ones that now apply."""

from __future__ import annotations

from dataclasses import dataclass, field

from opensearchpy import OpenSearch

from indexer.apply import apply_batch
from indexer.deadletters import DeadLetterStore


@dataclass
class ReplayReport:
    """Ids of the dead letters replayed, still poison, and left for a retry (OpenSearch down)."""

    applied: list[str] = field(default_factory=list)
    still_poison: list[str] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)


def replay(
    dead_letters: DeadLetterStore, client: OpenSearch, index: str, only: set[str] | None = None
) -> ReplayReport:
    """Apply every dead letter (or those in `only`) in stream order, oldest first."""
    report = ReplayReport()
    letters = [letter for letter in dead_letters.list() if only is None or letter.id in only]
    letters.sort(key=lambda letter: int(letter.sequence_number or 0))
    for letter in letters:
        result = apply_batch(client, index, [letter.record])
        if result.failed:
            report.not_attempted.append(letter.id)
        elif result.poison:
            reason = next(iter(result.poison.values()))
            dead_letters.put(letter.record, reason, letter.source, attempts=letter.attempts + 1)
            report.still_poison.append(letter.id)
        else:
            dead_letters.delete(letter.id)
            report.applied.append(letter.id)
    return report
