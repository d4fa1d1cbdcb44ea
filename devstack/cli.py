"""`person-index-dev`: provision and run the whole local stack with real servers."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.request
from pathlib import Path

import click
from tqdm import tqdm

from devstack import images as images_dev
from devstack import opensearch as opensearch_dev
from devstack.demo import demo_residents
from devstack.processes import ManagedProcess, StartError, dynamodb_server, http_ok
from service import clients
from service.auth import mint_token
from service.bootstrap import ensure_index, ensure_tables
from service.config import REPO_ROOT, Settings

RUN_DIR = REPO_ROOT / ".run"
# The documented development secret of the local stack (README). Never use it anywhere else.
DEV_JWT_SECRET = "dev-only-person-index-secret-change-me-0123456789"
DEV_SERVICE_AREA_GROUPS = {
    area: f"person-index-{area}" for area in ("housing", "socialcare", "benefits", "revenues")
}
DEV_GROUPS = [
    "person-index-read",
    "person-index-write",
    "person-index-admin",
    "person-index-export",
    *DEV_SERVICE_AREA_GROUPS.values(),
]
BIN = Path(sys.executable).parent


@click.group()
def main() -> None:
    """Local development stack of the person index."""


@main.command()
def provision() -> None:
    """Fetch and assemble OpenSearch with its analysis plugins (once; cached afterwards)."""
    home = opensearch_dev.provision()
    click.echo(f"OpenSearch ready at {home}")


@main.command()
@click.option(
    "--base",
    type=click.Choice(images_dev.PREFERENCES),
    default="auto",
    show_default=True,
    help="auto: the upstream base images where they can be pulled, else local ones.",
)
@click.option("--force", is_flag=True, help="Build again even when an image is up to date.")
def images(base: str, force: bool) -> None:
    """Build the API, DynamoDB API and OpenSearch images (docker-compose.yml runs them)."""
    try:
        tags = images_dev.build_all(base, force)
    except (images_dev.ImageBuildError, opensearch_dev.ProvisionError) as exc:
        raise click.ClickException(str(exc)) from exc
    for name, tag in tags.items():
        click.echo(f"{name}:{images_dev.STABLE_TAG} = {tag}")


def _post_json(url: str, body: dict, token: str) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@main.command()
@click.option("--api-port", default=5000, show_default=True)
@click.option("--dynamodb-port", default=8000, show_default=True)
@click.option("--opensearch-port", default=9200, show_default=True)
@click.option("--seed", default=300, show_default=True, help="Demo residents to create (0: none).")
@click.option(
    "--workers",
    default=os.cpu_count() or 1,
    show_default="one per core",
    help="gunicorn worker processes (each with WEB_THREADS threads, default 8).",
)
def run(api_port: int, dynamodb_port: int, opensearch_port: int, seed: int, workers: int) -> None:
    """Start DynamoDB API, OpenSearch, indexer and API; Ctrl-C stops everything."""
    logs = RUN_DIR / "logs"
    env = {
        "DYNAMODB_ENDPOINT": f"http://127.0.0.1:{dynamodb_port}",
        "OPENSEARCH_URL": f"http://127.0.0.1:{opensearch_port}",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "JWT_SECRET": os.environ.get("JWT_SECRET", DEV_JWT_SECRET),
        "SERVICE_AREA_GROUPS": os.environ.get(
            "SERVICE_AREA_GROUPS", json.dumps(DEV_SERVICE_AREA_GROUPS)
        ),
        # The staff pages' development sign-in (never set outside the local stack).
        "STAFF_DEV_SIGNIN": "true",
    }
    stops: list = []
    try:
        click.echo("Provisioning OpenSearch (cached after the first run)...")
        home = opensearch_dev.provision()
        click.echo(f"Starting the DynamoDB API server on port {dynamodb_port}...")
        stops.append(dynamodb_server(dynamodb_port, logs / "dynamodb.log").start().stop)
        click.echo(f"Starting OpenSearch on port {opensearch_port} (about 20 s)...")
        node = opensearch_dev.OpenSearchServer(home, http_port=opensearch_port)
        stops.append(node.start().stop)
        os.environ.update(env)  # this process bootstraps the tables with the same settings
        settings = Settings.from_env()
        ensure_tables(clients.dynamodb_client(settings), settings)
        ensure_index(clients.opensearch_client(settings, "batch"), settings)
        indexer = ManagedProcess(
            "indexer",
            [str(BIN / "person-indexer"), "run"],
            logs / "indexer.log",
            ready=lambda: True,
            env=env,
        )
        stops.append(indexer.start().stop)
        api = ManagedProcess(
            "API (gunicorn)",
            [
                str(BIN / "gunicorn"),
                "--config",
                "python:service.gunicorn_conf",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{api_port}",
                "service.app:create_app()",
            ],
            logs / "api.log",
            ready=http_ok(f"http://127.0.0.1:{api_port}/api/v1/healthcheck"),
            env=env,
            port=api_port,
        )
        stops.append(api.start(timeout=60).stop)
        base = f"http://127.0.0.1:{api_port}/api/v1"
        token = mint_token(
            env["JWT_SECRET"], "developer@localhost", DEV_GROUPS, 12 * 3600, int(time.time())
        )
        for body in tqdm(
            demo_residents(seed), total=seed, desc="Seeding demo residents", disable=seed == 0
        ):
            _post_json(f"{base}/persons", body, token)
        click.echo(
            f"\nPerson index is running.\n"
            f"  Staff pages:           http://127.0.0.1:{api_port}/staff/ (development sign-in)\n"
            f"  API docs (Swagger UI): {base}/docs\n"
            f"  OpenAPI document:      {base}/openapi.json\n"
            f"  Health:                {base}/healthcheck\n"
            f"  Search example:        {base}/persons?firstName=Aisha&surname=Okonkwo\n"
            f"  OpenSearch:            {node.url}\n"
            f"  Logs:                  {logs} and {node.logs_dir}\n"
            f"  A token with every role (12 h), for Swagger UI's Authorize button or curl:\n"
            f"    {token}\n"
            f"  More: JWT_SECRET={env['JWT_SECRET']} person-index token --group person-index-read\n"
            f"Press Ctrl-C to stop everything."
        )
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            while not stopped.wait(1):
                for name, process in (("indexer", indexer), ("API", api)):
                    if not process.alive():
                        raise StartError(f"the {name} exited; see {process.log_path}")
        except KeyboardInterrupt:
            pass
    except (StartError, opensearch_dev.ProvisionError, opensearch_dev.OpenSearchStartError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        click.echo("Stopping...")
        for stop in reversed(stops):
            stop()
        click.echo("Stopped.")
