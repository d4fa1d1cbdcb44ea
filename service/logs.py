"""Structured JSON logs for every process. Personal data is never passed to a logger.

The API adds a request id to each line (service/api/request_logs.py); this module has no Flask.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def configure_logging(level: str, *filters: logging.Filter) -> None:
    """Send JSON lines to stderr for the whole process (`filters` add fields to every line)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    for extra in filters:
        handler.addFilter(extra)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Client libraries log request URLs and bodies (search terms are names): keep them quiet.
    for noisy in ("opensearch", "opensearchpy.trace", "urllib3", "botocore", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
