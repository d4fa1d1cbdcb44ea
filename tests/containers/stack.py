"""The container stack of docker-compose.yml, started with testcontainers for the tests.

Every container uses the host's network and listens on 127.0.0.1 on ports chosen free at start,
so the suite never clashes with servers already running on the host and never talks to a
container bridge address. Each container is removed when the stack stops, whatever happened.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import secrets
import time
from collections.abc import Callable, Iterator, Mapping

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HealthcheckWaitStrategy

from devstack.cli import DEV_JWT_SECRET, DEV_SERVICE_AREA_GROUPS
from devstack.images import (
    API_IMAGE,
    DYNAMODB_IMAGE,
    OPENSEARCH_IMAGE,
    STABLE_TAG,
    engine_version,
    image_id,
)
from devstack.processes import free_port
from service.config import Settings

IMAGES = tuple(f"{name}:{STABLE_TAG}" for name in (API_IMAGE, DYNAMODB_IMAGE, OPENSEARCH_IMAGE))
SECOND = 1_000_000_000  # docker's health check durations are in nanoseconds
# The indexer runs from the API image; its check is the one docker-compose.yml gives it.
INDEXER_HEALTHCHECK = {
    "test": ["CMD", "person-indexer", "health", "--max-lag", "60"],
    "interval": 5 * SECOND,
    "timeout": 10 * SECOND,
    "retries": 3,
    "start_period": 30 * SECOND,
}


class EngineUnavailable(RuntimeError):
    """No Docker engine answers: the suite cannot run here."""


class ImagesMissing(RuntimeError):
    """The engine lacks the images `scripts/dev images` builds."""


def check_engine() -> None:
    """Raises EngineUnavailable unless an engine answers, ImagesMissing unless it holds the
    project's images."""
    if engine_version() is None:
        raise EngineUnavailable("no Docker engine answers (`docker version` reaches no server)")
    missing = [image for image in IMAGES if image_id(image) is None]
    if missing:
        raise ImagesMissing(
            f"the engine lacks {', '.join(missing)}: build them with `scripts/dev images`"
        )


@dataclasses.dataclass
class Ports:
    """Free loopback ports for one stack."""

    api: int
    dynamodb: int
    opensearch: int
    opensearch_transport: int

    @classmethod
    def free(cls) -> Ports:
        return cls(free_port(), free_port(), free_port(), free_port())


def backend_env(ports: Ports) -> dict[str, str]:
    """The environment docker-compose.yml gives bootstrap, the API and the indexer."""
    return {
        "DYNAMODB_ENDPOINT": f"http://127.0.0.1:{ports.dynamodb}",
        "OPENSEARCH_URL": f"http://127.0.0.1:{ports.opensearch}",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": "eu-west-2",
        "JWT_SECRET": DEV_JWT_SECRET,
        "SERVICE_AREA_GROUPS": json.dumps(DEV_SERVICE_AREA_GROUPS),
        "WEB_WORKERS": "2",
    }


@dataclasses.dataclass
class Stack:
    """The running stack: where it listens and its containers (the indexer may be restarted)."""

    ports: Ports
    containers: dict[str, DockerContainer]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}/api/v1"

    def settings(self) -> Settings:
        """Settings that reach the stack's DynamoDB API and OpenSearch from the host."""
        return Settings.from_env(backend_env(self.ports))

    def kill_indexer(self) -> None:
        """SIGKILL the indexer container, as a crash would."""
        self.containers["indexer"].get_wrapped_container().kill()

    def restart_indexer(self, timeout: float = 120) -> None:
        """Start the killed indexer container again and wait until it is healthy."""
        container = self.containers["indexer"]
        container.get_wrapped_container().start()
        wait_healthy(container, timeout)


def wait_healthy(container: DockerContainer, timeout: float) -> None:
    """Waits for the container's own health check (HEALTHCHECK or the one it was given)."""
    HealthcheckWaitStrategy().with_startup_timeout(int(timeout)).with_poll_interval(
        1
    ).wait_until_ready(container)


def _container(image: str, name: str, env: Mapping[str, str], **kwargs: object) -> DockerContainer:
    container = DockerContainer(image, name=name, network_mode="host", **kwargs)
    for key, value in env.items():
        container.with_env(key, value)
    return container


def _start(
    stack: contextlib.ExitStack, container: DockerContainer, healthy_within: float | None
) -> DockerContainer:
    stack.callback(container.stop)  # removes the container (force), even after a failed start
    container.start()
    if healthy_within is not None:
        try:
            wait_healthy(container, healthy_within)
        except (TimeoutError, RuntimeError) as exc:
            stdout, stderr = container.get_logs()
            raise RuntimeError(
                f"{container.image} did not become healthy: {exc}\n"
                f"last output:\n{(stdout + stderr).decode(errors='replace')[-3000:]}"
            ) from exc
    return container


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    """Starts OpenSearch, the DynamoDB API, bootstrap, the API and the indexer; removes them."""
    ports = Ports.free()
    prefix = f"person-index-test-{secrets.token_hex(3)}"
    env = backend_env(ports)
    with contextlib.ExitStack() as stack:
        opensearch = _container(
            f"{OPENSEARCH_IMAGE}:{STABLE_TAG}",
            f"{prefix}-opensearch",
            {
                "discovery.type": "single-node",
                "network.host": "127.0.0.1",
                "http.port": str(ports.opensearch),
                "transport.port": str(ports.opensearch_transport),
                "cluster.routing.allocation.disk.threshold_enabled": "false",
                "OPENSEARCH_JAVA_OPTS": "-Xms512m -Xmx512m",
                "DISABLE_SECURITY_PLUGIN": "true",
                "DISABLE_INSTALL_DEMO_CONFIG": "true",
            },
        )
        dynamodb = _container(
            f"{DYNAMODB_IMAGE}:{STABLE_TAG}",
            f"{prefix}-dynamodb",
            {"DYNAMODB_PORT": str(ports.dynamodb)},
        )
        # Both start at once; OpenSearch takes the longest.
        for container in (dynamodb, opensearch):
            stack.callback(container.stop)
            container.start()
        for container in (dynamodb, opensearch):
            wait_healthy(container, 180)
        api_image = f"{API_IMAGE}:{STABLE_TAG}"
        bootstrap = _container(
            api_image,
            f"{prefix}-bootstrap",
            env,
            command=["person-index", "bootstrap"],
            healthcheck={"test": ["NONE"]},
        )
        _start(stack, bootstrap, None)
        exit_code = bootstrap.get_wrapped_container().wait(timeout=120)["StatusCode"]
        if exit_code != 0:
            stdout, stderr = bootstrap.get_logs()
            raise RuntimeError(f"bootstrap exited with {exit_code}:\n{(stdout + stderr).decode()}")
        api = _start(
            stack,
            _container(api_image, f"{prefix}-api", {**env, "WEB_BIND": f"127.0.0.1:{ports.api}"}),
            120,
        )
        indexer = _start(
            stack,
            _container(
                api_image,
                f"{prefix}-indexer",
                env,
                command=["person-indexer", "run"],
                healthcheck=INDEXER_HEALTHCHECK,
            ),
            120,
        )
        containers = {"opensearch": opensearch, "dynamodb": dynamodb, "api": api}
        yield Stack(ports, {**containers, "indexer": indexer})


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    """Polls `condition()` until it is true or `timeout` seconds pass; returns whether it was."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
