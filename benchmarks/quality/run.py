"""The quality benchmark, in one command: `python -m benchmarks.quality.run`.

Loads synthetic residents through the API into real servers (BENCH_* or TEST_* endpoints when
set, else servers started here and stopped at the end), runs the duplicate check, the staff search
and the baseline for every corrupted query, and writes the figures to BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from benchmarks.quality import report
from benchmarks.quality.baseline import baseline_hits
from benchmarks.quality.generator import Query, queries, residents
from benchmarks.quality.metrics import Answer, figures, rank_grades
from devstack.isolation import drop_isolated, isolated_settings
from indexer.runner import build_poller, drain
from service import clients
from service.app import create_app
from service.auth import mint_token
from service.bootstrap import ensure_index, ensure_tables
from service.config import REPO_ROOT, AuthSettings, Settings
from service.matching.learning import learn_from_register

COMMAND = ".venv/bin/python -m benchmarks.quality.run"


@contextmanager
def servers() -> Iterator[tuple[str, str]]:
    """DynamoDB and OpenSearch endpoints: running ones from the environment, or started here."""
    from devstack import opensearch as opensearch_dev
    from devstack.processes import dynamodb_server, free_port

    dynamodb = os.environ.get("BENCH_DYNAMODB_ENDPOINT") or os.environ.get("TEST_DYNAMODB_ENDPOINT")
    search = os.environ.get("BENCH_OPENSEARCH_URL") or os.environ.get("TEST_OPENSEARCH_URL")
    stops = []
    try:
        if not dynamodb:
            port = free_port()
            log = REPO_ROOT / ".run" / "bench-logs" / "dynamodb.log"
            stops.append(dynamodb_server(port, log).start().stop)
            dynamodb = f"http://127.0.0.1:{port}"
        if not search:
            node = opensearch_dev.OpenSearchServer(
                opensearch_dev.provision(),
                http_port=free_port(),
                transport_port=free_port(),
                reset_data=True,
            )
            stops.append(lambda: shutil.rmtree(node.instance_dir, ignore_errors=True))
            stops.append(node.start().stop)
            search = node.url
        if "127.0.0.1" in dynamodb or "localhost" in dynamodb:
            # boto3 insists on credentials even for a local server; these are never real ones.
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "local-benchmark")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local-benchmark")
        yield dynamodb, search
    finally:
        for stop in reversed(stops):
            stop()


def bench_settings(dynamodb: str, search: str) -> Settings:
    """Settings with tables and an alias of this run's own and a throwaway signing secret."""
    base = replace(Settings(), dynamodb_endpoint=dynamodb, opensearch_url=search)
    return isolated_settings(
        base,
        f"bench-{uuid.uuid4().hex[:8]}",
        log_level="WARNING",
        auth=AuthSettings(secret=secrets.token_hex(32)),
    )


def _corruption_breakdown(
    population_queries: list[Query], methods: dict[str, list[Answer]]
) -> list[str]:
    by_label: dict[str, list[int]] = defaultdict(list)
    for number, query in enumerate(population_queries):
        if query.key is None:
            continue
        for label in set(query.corruptions) or {"none"}:
            by_label[label].append(number)
    names = list(methods)
    lines = ["| corruption | queries | " + " | ".join(names) + " |"]
    lines.append("|---" * (len(names) + 2) + "|")
    for label, numbers in sorted(by_label.items()):
        cells = []
        for name in names:
            answers = methods[name]
            hits = sum(
                bool(answers[n].ranked) and answers[n].ranked[0][0] == answers[n].truth
                for n in numbers
            )
            cells.append(f"{hits / len(numbers):.3f}")
        lines.append(f"| {label} | {len(numbers)} | " + " | ".join(cells) + " |")
    return lines


def _ni_breakdown(asked: list[Query], methods: dict[str, list[Answer]]) -> list[str]:
    """Each method's figures for the queries that carry an NI number and those that do not."""
    lines = [
        "| NI number in query | queries (not in index) | "
        + " | ".join(f"{name} recall@1 | {name} recall@10" for name in methods)
        + " | match precision `certain` (n) |",
        "|---" * (2 * len(methods) + 3) + "|",
    ]
    for label, has_ni in (("with", True), ("without", False)):
        numbers = [
            n for n, q in enumerate(asked) if bool(q.person.get("nationalInsuranceNo")) == has_ni
        ]
        cells = []
        for answers in methods.values():
            fig = figures([answers[n] for n in numbers])
            cells += [f"{fig.recall_at_1:.3f}", f"{fig.recall_at_10:.3f}"]
        match = figures([methods["match"][n] for n in numbers])
        certain = match.precision["certain"]
        cells.append(
            f"{'n/a' if certain is None else f'{certain:.3f}'} ({match.graded['certain']})"
        )
        absent = sum(asked[n].key is None for n in numbers)
        lines.append(f"| {label} | {len(numbers)} ({absent}) | " + " | ".join(cells) + " |")
    return lines


def run(
    residents_count: int,
    queries_count: int,
    seed: int,
    output: Path,
    misses: Path | None = None,
) -> dict[str, Any]:
    """Load, query, measure and write; returns the figures per method.

    With `misses`, every match or search query whose person did not come first is written there
    (JSON lines: the method, the query, its corruptions and the answer) for a closer look.
    """
    started = time.monotonic()
    population = residents(residents_count, seed)
    asked = queries(population, queries_count, seed + 1)
    with servers() as (dynamodb, search):
        settings = bench_settings(dynamodb, search)
        ensure_tables(clients.dynamodb_client(settings), settings)
        ensure_index(clients.opensearch_client(settings, "batch"), settings)
        try:
            return _measure(settings, population, asked, started, output, misses)
        finally:
            drop_isolated(settings)


def _post_with_retries(client: Any, payload: dict[str, Any], headers: dict[str, str]) -> Any:
    """Create a person, retrying a 503 (a busy shared server) a few times as Retry-After asks."""
    for attempt in range(5):
        response = client.post("/api/v1/persons", json=payload, headers=headers)
        if response.status_code != 503:
            return response
        time.sleep(1 + attempt)
    return response


def _learned_model_client(settings: Settings, search_client: Any, output: Path) -> Any:
    """A test client of an app that matches with a model learned from the loaded register."""
    path = output.parent / ".run" / f"quality-model-{settings.opensearch_alias}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    learn_from_register(search_client, settings.opensearch_alias, path)
    return create_app(replace(settings, match_model_file=path)).test_client()


def _measure(
    settings: Settings,
    population: list[dict[str, Any]],
    asked: list[Query],
    started: float,
    output: Path,
    misses: Path | None = None,
) -> dict[str, Any]:
    app = create_app(settings)
    token = mint_token(
        settings.auth.secret or "",
        "quality-benchmark",
        ["person-index-read", "person-index-write"],
        expires_in_seconds=3600,
        now=int(time.time()),
    )
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    key_of: dict[str, str] = {}
    for body in tqdm(population, desc="load residents", unit="person"):
        payload = {k: v for k, v in body.items() if k != "key"}
        response = _post_with_retries(client, payload, headers)
        if response.status_code != 201:
            raise click.ClickException(f"loading failed: {response.status_code}")
        key_of[response.get_json()["id"]] = body["key"]
    search_client = clients.opensearch_client(settings, "batch")
    drain(build_poller(settings), max_polls=100000)
    search_client.indices.refresh(index=settings.opensearch_alias)
    learned_client = _learned_model_client(settings, search_client, output)

    answers: dict[str, list[Answer]] = {"match": [], "learned": [], "search": [], "baseline": []}
    missed: list[dict[str, Any]] = []
    for query in tqdm(asked, desc="queries", unit="query"):
        person = query.person
        matched = client.post("/api/v1/persons/matches?limit=10", json=person, headers=headers)
        if matched.status_code != 200:
            raise click.ClickException(f"match failed: {matched.status_code} {matched.get_json()}")
        results = matched.get_json()["results"]
        ranked = [(key_of[r["person"]["id"]], r["grade"]) for r in results]
        answers["match"].append(Answer(query.key, ranked))
        again = learned_client.post(
            "/api/v1/persons/matches?limit=10", json=person, headers=headers
        )
        learned_results = again.get_json()["results"]
        answers["learned"].append(
            Answer(query.key, [(key_of[r["person"]["id"]], r["grade"]) for r in learned_results])
        )
        if query.key is not None and (not ranked or ranked[0][0] != query.key):
            missed.append(
                {
                    "method": "match",
                    "truth": query.key,
                    "corruptions": query.corruptions,
                    "query": person,
                    "answer": [
                        {"key": k, "grade": g, "score": r["score"], "reasons": r["reasons"]}
                        for (k, g), r in zip(ranked, results, strict=True)
                    ][:3],
                }
            )

        params = {k: person[k] for k in ("firstName", "surname", "dateOfBirth") if k in person}
        found = client.get(
            "/api/v1/persons", query_string={**params, "pageSize": 10}, headers=headers
        )
        page = found.get_json()
        if found.status_code != 200:
            raise click.ClickException(f"search failed: {found.status_code} {page}")
        keys = [key_of[r["id"]] for r in page["results"]]
        answers["search"].append(Answer(query.key, [(k, None) for k in keys]))
        if query.key is not None and keys[:1] != [query.key]:
            missed.append(
                {
                    "method": "search",
                    "truth": query.key,
                    "corruptions": query.corruptions,
                    "query": params,
                    "answer": [
                        {"key": k, "score": r["score"]}
                        for k, r in zip(keys, page["results"], strict=True)
                    ][:3],
                    "truthRank": keys.index(query.key) + 1 if query.key in keys else None,
                }
            )

        hits = baseline_hits(
            search_client,
            settings.opensearch_alias,
            person.get("firstName"),
            person.get("surname"),
            10,
        )
        answers["baseline"].append(Answer(query.key, rank_grades([key_of[h["_id"]] for h in hits])))

    measured = {name: figures(items) for name, items in answers.items()}
    text = report.section(
        {
            "match (`POST /persons/matches`), hand-set model": measured["match"],
            "match, model learned from this register (`person-index train-model`)": measured[
                "learned"
            ],
            "search (`GET /persons`)": measured["search"],
            "baseline (multi_match, fuzziness AUTO)": measured["baseline"],
        },
        _corruption_breakdown(asked, answers),
        _ni_breakdown(asked, answers),
        residents=len(population),
        queries=len(asked),
        absent=sum(q.key is None for q in asked),
        seconds=time.monotonic() - started,
        command=COMMAND,
    )
    report.write(output, text)
    if misses:
        misses.write_text("".join(json.dumps(m) + "\n" for m in missed), encoding="utf-8")
    return measured


@click.command()
@click.option("--residents", "residents_count", default=2000, show_default=True)
@click.option("--queries", "queries_count", default=500, show_default=True)
@click.option("--seed", default=11, show_default=True)
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
@click.option(
    "--misses",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the match and search queries missed at rank 1 here (JSON lines).",
)
def main(
    residents_count: int, queries_count: int, seed: int, output: Path, misses: Path | None
) -> None:
    """Measure search and matching quality on synthetic residents; write BENCHMARKS.md."""
    measured = run(residents_count, queries_count, seed, output, misses)
    for name, fig in measured.items():
        click.echo(
            f"{name}: recall@1 {fig.recall_at_1:.3f} recall@10 {fig.recall_at_10:.3f} "
            f"MRR {fig.mrr:.3f} precision {fig.precision}"
        )


if __name__ == "__main__":
    main()
