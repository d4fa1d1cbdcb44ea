"""The DynamoDB API server (moto) answering one request at a time, like DynamoDB's atomic calls.

moto's own `moto.server` answers on parallel threads without locking its in-memory tables, so two
concurrent UpdateItem calls can read the same counter value (seen here: 20 parallel creates got
19 distinct personRefs) and concurrent transactions can fail inside moto. DynamoDB applies each
request atomically; handling one request at a time gives the local stack and the tests the same
guarantee. Without threads the server speaks HTTP/1.0 and closes each connection, so no client
holds it.

Run: python -m devstack.dynamodb_server -H 127.0.0.1 -p 8000
"""

from __future__ import annotations

import argparse
import os

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler
from werkzeug.serving import run_simple


def main() -> None:
    """Serve moto's DynamoDB and DynamoDB Streams APIs on host:port until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    run_simple(
        args.host,
        args.port,
        DomainDispatcherApplication(create_backend_app),
        threaded=False,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
