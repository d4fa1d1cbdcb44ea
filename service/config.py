"""Configuration, read once from environment variables with local defaults.

Every setting the API, the indexer and the command-line tools use is read here and nowhere else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.domain.vocabulary import PERSON_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
# Cursors only replay searches their holder may run anyway; the key keeps them the service's own.
LOCAL_CURSOR_SECRET = "person-index-local-cursor-key"
# Signs the staff pages' session cookies on the local stack only (set STAFF_SESSION_SECRET).
LOCAL_STAFF_SESSION_SECRET = "person-index-local-staff-session-key"
# Every hit of a staff search's re-ranked window is fetched and scored on each of its pages.
MAX_SEARCH_RERANK_WINDOW = 500


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


def _json_object(env: Mapping[str, str], name: str) -> dict[str, Any] | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{name} must be a JSON object: {exc.msg}") from exc
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a JSON object, got {type(value).__name__}")
    return value


def _optional_path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    if not raw:
        return None
    path = Path(raw)
    if not path.is_file():
        raise ConfigError(f"{name} {raw} is not a readable file")
    return path


@dataclass(frozen=True)
class AuthSettings:
    """How bearer tokens are verified and their groups mapped to roles (see service/auth.py)."""

    enabled: bool = True
    algorithm: str = "HS256"
    secret: str | None = None
    public_key_file: Path | None = None
    jwks_file: Path | None = None
    audience: str | None = None
    issuer: str | None = None
    role_groups: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "read": ("person-index-read",),
            "write": ("person-index-write",),
            "admin": ("person-index-admin",),
            # A bulk copy of personal data is not a read: exporting is granted on its own.
            "export": ("person-index-export",),
        }
    )
    # serviceArea -> the group whose members may read and write that area's extended data.
    service_area_groups: Mapping[str, str] = field(default_factory=dict)
    leeway_seconds: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AuthSettings:
        """Read the JWT_* and group-mapping variables."""
        algorithm = env.get("JWT_ALGORITHM", cls.algorithm).strip().upper()
        if algorithm not in {"HS256", "RS256"}:
            raise ConfigError(f"JWT_ALGORITHM must be HS256 or RS256, got {algorithm!r}")
        roles = _json_object(env, "ROLE_GROUPS")
        if roles is not None:
            unknown = set(roles) - {"read", "write", "admin", "export"}
            if unknown:
                raise ConfigError(f"ROLE_GROUPS names unknown roles: {', '.join(sorted(unknown))}")
            roles = {role: tuple(groups) for role, groups in roles.items()}
        areas = _json_object(env, "SERVICE_AREA_GROUPS")
        auth = cls(
            enabled=_bool(env, "AUTH_ENABLED", cls.enabled),
            algorithm=algorithm,
            secret=env.get("JWT_SECRET") or None,
            public_key_file=_optional_path(env, "JWT_PUBLIC_KEY_FILE"),
            jwks_file=_optional_path(env, "JWT_JWKS_FILE"),
            audience=env.get("JWT_AUDIENCE") or None,
            issuer=env.get("JWT_ISSUER") or None,
            **({"role_groups": roles} if roles is not None else {}),
            **({"service_area_groups": areas} if areas is not None else {}),
        )
        if auth.enabled and algorithm == "HS256" and len(auth.secret or "") < 32:
            raise ConfigError("JWT_SECRET must be set (at least 32 characters) when auth is on")
        if auth.enabled and algorithm == "RS256" and not (auth.public_key_file or auth.jwks_file):
            raise ConfigError("RS256 needs JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE")
        return auth


def _names(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    names = tuple(part.strip() for part in raw.split(",") if part.strip())
    bad = [part for part in names if not part.replace("-", "").isalnum()]
    if bad:
        raise ConfigError(f"{name} must list names of letters, digits and '-', got {bad}")
    return names


def person_types_from_env(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The configured person types (PERSON_TYPES), read alone: batch tools validate rows with the
    API's schemas outside any app, and read the same variable."""
    return _names(os.environ if env is None else env, "PERSON_TYPES", PERSON_TYPES)


@dataclass(frozen=True)
class ServerSettings:
    """How gunicorn runs the API (read by service/gunicorn_conf.py)."""

    # Processes: one per core. Threads per process: a request mostly waits on OpenSearch or
    # DynamoDB, so threads overlap those waits instead of queueing behind a busy sync worker.
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    threads: int = 8
    bind: str = "127.0.0.1:5000"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerSettings:
        """Read WEB_WORKERS, WEB_THREADS and WEB_BIND."""
        env = os.environ if env is None else env
        default = cls()
        return cls(
            workers=_int(env, "WEB_WORKERS", default.workers),
            threads=_int(env, "WEB_THREADS", default.threads),
            bind=env.get("WEB_BIND") or default.bind,
        )


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults that match the local development stack."""

    aws_region: str = "eu-west-2"
    # None means "the real AWS endpoint for the region"; set it for the local DynamoDB server.
    dynamodb_endpoint: str | None = "http://127.0.0.1:8000"
    persons_table: str = "Persons"
    counters_table: str = "PersonIndexCounters"
    checkpoints_table: str = "PersonIndexCheckpoints"
    cross_references_table: str = "PersonCrossReferences"
    history_table: str = "PersonHistory"
    extended_table: str = "PersonExtendedData"
    extended_service_areas: tuple[str, ...] = ("housing", "socialcare", "benefits", "revenues")
    extended_max_bytes: int = 16 * 1024
    links_config: Path = field(default=REPO_ROOT / "service" / "links.json")
    link_health_interval_seconds: float = 30.0
    dead_letters_table: str = "PersonIndexDeadLetters"

    opensearch_url: str = "http://127.0.0.1:9200"
    # "none" for a local node, "sigv4" for Amazon OpenSearch Service (boto3 credentials).
    opensearch_auth: str = "none"
    opensearch_alias: str = "persons"
    mappings_dir: Path = field(default=REPO_ROOT / "mappings")

    # Connections kept per client: at least the threads a worker runs (WEB_THREADS).
    opensearch_pool_size: int = 16
    # Compress batch requests (bulk bodies); request-path calls are never compressed.
    opensearch_compress: bool = True
    # Request-path clients fail fast; batch jobs (indexer, rebuild) wait longer.
    request_timeout_seconds: float = 5.0
    batch_timeout_seconds: float = 60.0

    # Stream records per GetRecords call (DynamoDB Streams allows up to 1,000): per-batch costs
    # (checkpoint, status and history writes) are then shared by more records.
    indexer_batch_size: int = 1000
    # Bulk requests sent at once for one batch (its parts, as external versions keep the order).
    indexer_bulk_threads: int = 2
    indexer_idle_sleep_seconds: float = 1.0
    indexer_max_backoff_seconds: float = 30.0
    rebuild_segments: int = 4
    # Set for gunicorn with several workers: prometheus-client then aggregates across workers.
    prometheus_multiproc_dir: str | None = None

    # The match model file (`person-index train-model` writes one); None: the hand-set model.
    match_model_file: Path | None = None

    max_page_size: int = 100
    default_page_size: int = 20
    # Signs search cursors (they hold the search, not server state). Every API process behind
    # one address needs the same key; the default is for the local stack only.
    cursor_secret: str = LOCAL_CURSOR_SECRET
    # The first hits of a staff search re-ranked by the matching model; 0 keeps OpenSearch order.
    search_rerank_window: int = 30
    max_body_bytes: int = 64 * 1024
    # JSON bodies nested deeper are refused (400) before they are parsed.
    max_json_depth: int = 32
    # Person types a person may have; add one here (PERSON_TYPES) without a code change.
    person_types: tuple[str, ...] = PERSON_TYPES
    # Items per DynamoDB scan page of an export (memory is bounded by one page).
    export_page_size: int = 1000
    log_level: str = "INFO"
    auth: AuthSettings = field(default_factory=AuthSettings)
    # Origins allowed to call the API from a browser; none unless configured.
    cors_origins: tuple[str, ...] = ()
    # Signs the staff pages' session cookie (CSRF token, development sign-in); every process
    # behind one address needs the same key.
    staff_session_secret: str = LOCAL_STAFF_SESSION_SECRET
    # The staff pages' development sign-in page (mints a token with JWT_SECRET): local stack only.
    staff_dev_signin: bool = False

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
            cross_references_table=env.get("CROSS_REFERENCES_TABLE", cls.cross_references_table),
            history_table=env.get("HISTORY_TABLE", cls.history_table),
            extended_table=env.get("EXTENDED_TABLE", cls.extended_table),
            extended_service_areas=_names(
                env, "EXTENDED_SERVICE_AREAS", cls.extended_service_areas
            ),
            extended_max_bytes=_int(env, "EXTENDED_MAX_BYTES", cls.extended_max_bytes),
            links_config=Path(env.get("LINKS_CONFIG") or str(REPO_ROOT / "service" / "links.json")),
            link_health_interval_seconds=_float(
                env, "LINK_HEALTH_INTERVAL_SECONDS", cls.link_health_interval_seconds
            ),
            dead_letters_table=env.get("DEAD_LETTERS_TABLE", cls.dead_letters_table),
            opensearch_url=env.get("OPENSEARCH_URL", cls.opensearch_url).rstrip("/"),
            opensearch_auth=auth,
            opensearch_alias=env.get("OPENSEARCH_ALIAS", cls.opensearch_alias),
            opensearch_pool_size=_int(env, "OPENSEARCH_POOL_SIZE", cls.opensearch_pool_size),
            opensearch_compress=_bool(env, "OPENSEARCH_COMPRESS", cls.opensearch_compress),
            mappings_dir=mappings_dir,
            request_timeout_seconds=_float(
                env, "REQUEST_TIMEOUT_SECONDS", cls.request_timeout_seconds
            ),
            batch_timeout_seconds=_float(env, "BATCH_TIMEOUT_SECONDS", cls.batch_timeout_seconds),
            indexer_batch_size=_int(env, "INDEXER_BATCH_SIZE", cls.indexer_batch_size),
            indexer_bulk_threads=_int(env, "INDEXER_BULK_THREADS", cls.indexer_bulk_threads),
            indexer_idle_sleep_seconds=_float(
                env, "INDEXER_IDLE_SLEEP_SECONDS", cls.indexer_idle_sleep_seconds
            ),
            indexer_max_backoff_seconds=_float(
                env, "INDEXER_MAX_BACKOFF_SECONDS", cls.indexer_max_backoff_seconds
            ),
            rebuild_segments=_int(env, "REBUILD_SEGMENTS", cls.rebuild_segments),
            prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            match_model_file=_optional_path(env, "MATCH_MODEL_FILE"),
            max_page_size=_int(env, "MAX_PAGE_SIZE", cls.max_page_size),
            default_page_size=_int(env, "DEFAULT_PAGE_SIZE", cls.default_page_size),
            cursor_secret=env.get("CURSOR_SECRET") or env.get("JWT_SECRET") or LOCAL_CURSOR_SECRET,
            search_rerank_window=_int(
                env, "SEARCH_RERANK_WINDOW", cls.search_rerank_window, minimum=0
            ),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", cls.max_body_bytes),
            max_json_depth=_int(env, "MAX_JSON_DEPTH", cls.max_json_depth),
            person_types=person_types_from_env(env),
            export_page_size=_int(env, "EXPORT_PAGE_SIZE", cls.export_page_size),
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
            auth=AuthSettings.from_env(env),
            cors_origins=tuple(
                origin.strip() for origin in env.get("CORS_ORIGINS", "").split(",") if origin
            ),
            staff_session_secret=env.get("STAFF_SESSION_SECRET")
            or env.get("JWT_SECRET")
            or LOCAL_STAFF_SESSION_SECRET,
            staff_dev_signin=_bool(env, "STAFF_DEV_SIGNIN", cls.staff_dev_signin),
        )
        if settings.indexer_batch_size > 1000:
            raise ConfigError("INDEXER_BATCH_SIZE must be at most 1000 (DynamoDB Streams' limit)")
        if settings.search_rerank_window > MAX_SEARCH_RERANK_WINDOW:
            raise ConfigError(f"SEARCH_RERANK_WINDOW must be at most {MAX_SEARCH_RERANK_WINDOW}")
        if settings.default_page_size > settings.max_page_size:
            raise ConfigError("DEFAULT_PAGE_SIZE must not exceed MAX_PAGE_SIZE")
        if settings.staff_dev_signin and settings.auth.algorithm != "HS256":
            raise ConfigError("STAFF_DEV_SIGNIN needs JWT_ALGORITHM=HS256 (it mints HS256 tokens)")
        if not settings.mappings_dir.is_dir():
            raise ConfigError(f"MAPPINGS_DIR {settings.mappings_dir} is not a directory")
        return settings
