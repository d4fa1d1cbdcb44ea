"""Configuration, read once from environment variables with local defaults.

Every setting the API, the indexer and the command-line tools use is read here and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(ValueError):
    """A configuration variable has a value the service cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults that match the local development stack."""

    aws_region: str = "eu-west-2"
    # None means "the real AWS endpoint for the region"; set it for the local DynamoDB server.
    dynamodb_endpoint: str | None = "http://127.0.0.1:8000"
    persons_table: str = "Persons"
    counters_table: str = "PersonIndexCounters"
    checkpoints_table: str = "PersonIndexCheckpoints"

    opensearch_url: str = "http://127.0.0.1:9200"
    # "none" for a local node, "sigv4" for Amazon OpenSearch Service (boto3 credentials).
    opensearch_auth: str = "none"
    opensearch_alias: str = "persons"
    mappings_dir: Path = field(default=REPO_ROOT / "mappings")

    # Request-path clients fail fast; batch jobs (indexer, rebuild) wait longer.
    request_timeout_seconds: float = 5.0
    batch_timeout_seconds: float = 60.0

    indexer_batch_size: int = 100
    indexer_idle_sleep_seconds: float = 1.0

    max_page_size: int = 100
    default_page_size: int = 20
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, validating each one."""
        env = os.environ if env is None else env
        endpoint = env.get("DYNAMODB_ENDPOINT", cls.dynamodb_endpoint)
        auth = env.get("OPENSEARCH_AUTH", cls.opensearch_auth).strip().lower()
        if auth not in {"none", "sigv4"}:
            raise ConfigError(f"OPENSEARCH_AUTH must be 'none' or 'sigv4', got {auth!r}")
        mappings_dir = Path(env.get("MAPPINGS_DIR", str(REPO_ROOT / "mappings")))
        settings = cls(
            aws_region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", cls.aws_region)),
            dynamodb_endpoint=endpoint or None,
            persons_table=env.get("PERSONS_TABLE", cls.persons_table),
            counters_table=env.get("COUNTERS_TABLE", cls.counters_table),
            checkpoints_table=env.get("CHECKPOINTS_TABLE", cls.checkpoints_table),
            opensearch_url=env.get("OPENSEARCH_URL", cls.opensearch_url).rstrip("/"),
            opensearch_auth=auth,
            opensearch_alias=env.get("OPENSEARCH_ALIAS", cls.opensearch_alias),
            mappings_dir=mappings_dir,
            request_timeout_seconds=_float(
                env, "REQUEST_TIMEOUT_SECONDS", cls.request_timeout_seconds
            ),
            batch_timeout_seconds=_float(env, "BATCH_TIMEOUT_SECONDS", cls.batch_timeout_seconds),
            indexer_batch_size=_int(env, "INDEXER_BATCH_SIZE", cls.indexer_batch_size),
            indexer_idle_sleep_seconds=_float(
                env, "INDEXER_IDLE_SLEEP_SECONDS", cls.indexer_idle_sleep_seconds
            ),
            max_page_size=_int(env, "MAX_PAGE_SIZE", cls.max_page_size),
            default_page_size=_int(env, "DEFAULT_PAGE_SIZE", cls.default_page_size),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", cls.max_body_bytes),
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
        )
        if settings.default_page_size > settings.max_page_size:
            raise ConfigError("DEFAULT_PAGE_SIZE must not exceed MAX_PAGE_SIZE")
        if not settings.mappings_dir.is_dir():
            raise ConfigError(f"MAPPINGS_DIR {settings.mappings_dir} is not a directory")
        return settings
