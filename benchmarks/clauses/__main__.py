"""Run with `.venv/bin/python -m benchmarks.clauses --persons 1000000 --opensearch-url URL`.

What each comparison of the duplicate check and the staff search costs at query time, and what
it buys in recall: the same corrupted queries are sent with every clause of one kind left out
(name typos, prefixes, phonetic codes, nicknames, date of birth forms, the NI number, the
postcode), alternating query by query between the variants so that the machine's other load
falls on all alike. Time is the wall time of the raw OpenSearch request from this process;
recall@1 is the model's ranking of the hits (the hand-set model, as the API ranks them).

Needs the index `benchmarks.scale --persons N --keep-index` leaves behind (alias `scale-N-SEED`)
on a node at `--opensearch-url`; figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from opensearchpy import OpenSearch
from tqdm import tqdm

from benchmarks.quality import report as sections
from benchmarks.quality.generator import Query, queries
from benchmarks.scale.population import Population
from benchmarks.scale.timing import percentile
from benchmarks.scale.workload import SEARCH_FIELDS
from service.config import Settings
from service.matching.matcher import Matcher, Wanted, compared_person, params_of
from service.search.cursor import CursorCodec
from service.search.queries import search_body
from service.search.rerank import model_query, rerank
from service.search.searcher import PersonSearcher

START, END = "<!-- clauses:start -->", "<!-- clauses:end -->"
COMMAND = ".venv/bin/python -m benchmarks.clauses"
# The API's first staff-search request: its re-rank window and one more hit.
SEARCH_WINDOW = Settings().search_rerank_window + 1
Body = dict[str, Any]

# Left out in turn: `_name` suffixes (a comparison of names, in every name field) or prefixes.
VARIANTS: dict[str, Callable[[str], bool]] = {
    "nothing (as served)": lambda name: False,
    "name typos (fuzzy)": lambda name: name.endswith(":typo") and "dateOfBirth" not in name,
    "name prefixes (edge n-grams)": lambda name: name.endswith(":prefix"),
    "Beider-Morse codes": lambda name: name.endswith(":phonetic-bm"),
    "double metaphone codes": lambda name: name.endswith(":phonetic"),
    "nicknames": lambda name: name.endswith(":nickname"),
    "date of birth one digit off": lambda name: name == "dateOfBirth:typo",
    "date of birth day/month swapped": lambda name: name == "dateOfBirth:swapped",
    "NI number": lambda name: name.startswith("nationalInsuranceNo"),
    "postcode": lambda name: name.startswith("postcode"),
}


def _leaf_name(clause: Any) -> str | None:
    """The `_name` of a leaf clause (`{kind: {field: {..., _name}}}` or `{kind: {..., _name}}`)."""
    if not isinstance(clause, dict) or len(clause) != 1 or "bool" in clause:
        return None
    (query,) = clause.values()
    if not isinstance(query, dict):
        return None
    if isinstance(query.get("_name"), str):
        return query["_name"]
    inner = [value for value in query.values() if isinstance(value, dict)]
    return inner[0].get("_name") if len(inner) == 1 else None


def without(node: Any, left_out: Callable[[str], bool]) -> Any:
    """A copy of a query body without the leaf clauses whose name `left_out` picks."""
    if isinstance(node, dict):
        return {key: without(value, left_out) for key, value in node.items()}
    if isinstance(node, list):
        kept = [item for item in node if not left_out(_leaf_name(item) or "")]
        return [without(item, left_out) for item in kept]
    return node


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)
    right_first: int = 0
    known: int = 0

    def row(self, name: str, served: Tally) -> str:
        recall = self.right_first / self.known
        change = recall - served.right_first / served.known
        p50, p95 = (1000 * percentile(self.seconds, share) for share in (0.5, 0.95))
        return f"| {name} | {p50:.0f} / {p95:.0f} | {recall:.3f} | {change:+.3f} |"


def _timed(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action(*args, **kwargs)
    return result, time.perf_counter() - started


def _measure(
    client: OpenSearch, alias: str, population: Population, asked: list[Query]
) -> tuple[dict[str, Tally], dict[str, Tally]]:
    searcher = PersonSearcher(client, alias, CursorCodec("x" * 32, 100))
    matcher = Matcher(searcher)
    match = {name: Tally() for name in VARIANTS}
    search = {name: Tally() for name in VARIANTS}
    for query in tqdm(asked, desc="queries", unit="query"):
        person = compared_person({**query.person, "includeDeceased": True})
        wanted_id = population.id_of(query.key) if query.key else None
        bodies = matcher.candidate_bodies(person, Wanted(10))
        searched = {field: query.person.get(field) for field in SEARCH_FIELDS}
        params = params_of({**searched, "includeDeceased": False})  # as GET /persons asks
        staff_body = search_body(params, SEARCH_WINDOW)
        for name, left_out in VARIANTS.items():
            hits, seconds = _timed(searcher.candidate_hits, without(bodies, left_out))
            ranked = matcher.rank(person, hits, Wanted(10))
            _count(match[name], seconds, wanted_id, ranked[0]["person"]["id"] if ranked else None)
            if not (params.first_name or params.surname):
                continue
            body = without(staff_body, left_out)
            found, seconds = _timed(client.search, index=alias, body=body)
            reranked = rerank(found["hits"]["hits"], model_query(params))
            _count(search[name], seconds, wanted_id, reranked[0].hit["_id"] if reranked else None)
    return match, search


def _count(tally: Tally, seconds: float, wanted_id: str | None, first_id: str | None) -> None:
    tally.seconds.append(seconds)
    if wanted_id is not None:
        tally.known += 1
        tally.right_first += first_id == wanted_id


def _section(persons: int, asked: int, match: dict[str, Tally], search: dict[str, Tally]) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    served = "nothing (as served)"
    header = ["| left out | raw p50 / p95 ms | recall@1 | change |", "|---|---|---|---|"]
    lines = [
        START,
        f"## What each comparison costs and buys: {persons:,} persons",
        "",
        f"Command: `{COMMAND} --persons {persons} --opensearch-url URL`",
        "",
        f"Run {now} on {sections.machine()}. The index `benchmarks.scale --keep-index` left (one"
        f" shard, merged into one segment); {asked} corrupted queries of the scale run, each"
        " sent once per row, the rows alternating query by query. Raw time is the OpenSearch"
        " request sent from this process (the duplicate check's multi-search, the staff"
        f" search's first {SEARCH_WINDOW} hits); recall@1 is the API's own ranking of the hits"
        " (the hand-set model; the staff search re-ranked by it). Recall here is on this"
        " generator's corruptions only: a kind that buys nothing here can still be what finds"
        " a duplicate in FEBRL's (the quality section), so nothing is dropped on this table"
        " alone.",
        "",
        f"Duplicate check (`POST /persons/matches`), {match[served].known} queries of people in"
        " the index:",
        "",
        *header,
        *[tally.row(name, match[served]) for name, tally in match.items()],
        "",
        f"Staff search (first name, surname, date of birth), {search[served].known} queries of"
        " people in the index:",
        "",
        *header,
        *[tally.row(name, search[served]) for name, tally in search.items()],
        END,
    ]
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--persons", type=int, required=True, help="Size of the kept scale index.")
@click.option("--opensearch-url", required=True, help="The node holding the kept index.")
@click.option("--queries", "query_count", type=int, default=200, show_default=True)
@click.option("--seed", type=int, default=11, show_default=True, help="The scale run's seed.")
@click.option("--output", type=click.Path(path_type=Path), default=Path("BENCHMARKS.md"))
def main(persons: int, opensearch_url: str, query_count: int, seed: int, output: Path) -> None:
    """Time and recall of the candidate and search queries with each kind of clause left out."""
    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    alias = f"scale-{persons}-{seed}"
    if not client.indices.exists_alias(name=alias):
        raise click.ClickException(f"no index {alias}: run benchmarks.scale with --keep-index")
    if (count := client.count(index=alias)["count"]) != persons:
        raise click.ClickException(f"{alias} holds {count} persons, not {persons}")
    population = Population(persons, seed)
    asked = queries(population, query_count, seed + 1)
    match, search = _measure(client, alias, population, asked)
    sections.write(output, _section(persons, query_count, match, search), START, END)
    click.echo(f"written to {output}")


if __name__ == "__main__":
    main()
