"""gunicorn settings for the API.

Run as `gunicorn -c python:service.gunicorn_conf 'service.app:create_app()'`.

Threaded workers (gthread), one process per core: a request spends most of its time waiting on
OpenSearch or DynamoDB, and threads let those waits overlap. The control socket (gunicorn >= 23
binds ~/.gunicorn/gunicorn.ctl and deletes whatever is there on start and stop) is off, so
several API processes on one host (tests, benchmarks) never break each other's.
"""

import gc
from typing import Any

from service.config import ServerSettings

# Net allocations of tracked objects between collections of the youngest generation (Python's
# default: 700). The model's caches and each request's answers keep the count rising.
YOUNG_COLLECTION_THRESHOLD = 7000

_server = ServerSettings.from_env()

worker_class = "gthread"
workers = _server.workers
threads = _server.threads
bind = _server.bind
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """Once the app is loaded in a worker: its long-lived objects (the app, schemas, the model,
    clients: about 120,000) move out of the collector's sight, and the youngest generation is
    collected less often. Measured in-process over 300 duplicate checks at 1,000,000 persons:
    219 collections (one of them full) and about 0.9 ms of the collector's time per check with
    Python's defaults; 6 collections and under 0.1 ms a check with these."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    worker.log.info(
        "Garbage collection: %d startup objects frozen, youngest generation every %d",
        gc.get_freeze_count(),
        YOUNG_COLLECTION_THRESHOLD,
    )
