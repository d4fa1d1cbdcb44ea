"""A request id on every log line of a request, and one line per request (no query strings)
with where its time went (also answered as a Server-Timing header)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from service import timings

REQUEST_ID_HEADER = "X-Request-Id"
SERVER_TIMING_HEADER = "Server-Timing"
# Kept in the request's own environ, not in `g`: a request made while another is handled (a
# test's client inside a view) shares the outer request's app context, so `g` as well.
_STARTED = "person_index.started"
_TIMING = "person_index.timing"
# A caller's id is kept only when it is this plain: it goes on every log line of the request.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class RequestIdFilter(logging.Filter):
    """Adds `requestId` (None outside a request) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.requestId = g.get("request_id")
        except RuntimeError:  # outside a request
            record.requestId = None
        return True


def init_request_logging(app: Flask) -> None:
    """Give each request an id (the caller's X-Request-Id if sane) and log one line per request.

    Only the method, the route pattern (never the query string, which holds names), the status
    and the time of the request and of its phases (`service.timings`) are logged.
    """
    log = logging.getLogger("service.requests")

    @app.before_request
    def _start() -> None:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        sane = _SANE_REQUEST_ID.fullmatch(supplied)
        g.request_id = supplied if sane else str(uuid.uuid4())
        request.environ[_STARTED] = time.perf_counter()
        request.environ[_TIMING] = timings.start()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        seconds = time.perf_counter() - request.environ.get(_STARTED, time.perf_counter())
        token = request.environ.pop(_TIMING, None)
        phases = timings.finish(token) if token is not None else {}
        response.headers[SERVER_TIMING_HEADER] = timings.server_timing(phases, seconds)
        rule = request.url_rule.rule if request.url_rule else "<unmatched>"
        log.info(
            "request",
            extra={
                "method": request.method,
                "route": rule,
                "status": response.status_code,
                "durationMs": round(seconds * 1000, 1),
                "phasesMs": {name: round(s * 1000, 1) for name, s in phases.items()},
            },
        )
        return response
