"""gunicorn settings for the API.

Run as `gunicorn -c python:service.gunicorn_conf 'service.app:create_app()'`.

Threaded workers (gthread), one process per core: a request spends most of its time waiting on
OpenSearch or DynamoDB, and threads let those waits overlap. The control socket (gunicorn >= 23
binds ~/.gunicorn/gunicorn.ctl and deletes whatever is there on start and stop) is off, so
several API processes on one host (tests, benchmarks) never break each other's.
"""

from service.config import ServerSettings

_server = ServerSettings.from_env()

worker_class = "gthread"
workers = _server.workers
threads = _server.threads
bind = _server.bind
control_socket_disable = True
