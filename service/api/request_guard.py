"""Checks every documented API request passes before its view runs.

The OpenAPI document is the source of truth: a query parameter it does not name is a 400 that
names it; an operation that takes a JSON body refuses any other media type (415); and a JSON body
nested deeper than MAX_JSON_DEPTH is a 400 before any parser recurses into it. Bodies larger than
MAX_BODY_BYTES are a 413 (Flask's MAX_CONTENT_LENGTH).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from flask_smorest import Api, abort
from flask_smorest.spec.plugins import FlaskPlugin
from webargs.core import is_json

# One left-to-right pass: a string (to its end, even unterminated) or a bracket. Strings are
# consumed whole, so every byte is read once whatever the input (no backtracking blow-up).
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_QUOTE, _OPENING = ord('"'), frozenset(b"[{")


def json_nesting_exceeds(body: bytes, limit: int) -> bool:
    """True when the JSON text nests arrays and objects more than `limit` deep.

    Brackets inside strings do not count. It looks at the text only, so it is safe on any input.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to nest that deep: the common case, decided in C
    depth = 0
    for token in _TOKEN.finditer(body):
        first = token.group()[0]
        if first == _QUOTE:
            continue
        if first in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says an operation accepts."""

    query: frozenset[str]
    takes_json: bool


def operations_of(spec: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    """(OpenAPI path, METHOD) -> Operation, for every operation of the document."""
    operations = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = shared + operation.get("parameters", [])
            content = operation.get("requestBody", {}).get("content", {})
            operations[(path, method.upper())] = Operation(
                query=frozenset(p["name"] for p in parameters if p.get("in") == "query"),
                takes_json=any(is_json(media) for media in content),
            )
    return operations


def init_request_guard(app: Flask, api: Api, max_json_depth: int) -> None:
    """Check each request against its documented operation (undocumented routes pass)."""
    known: dict[tuple[str, str], Operation] = {}

    @app.before_request
    def _guard() -> None:
        if request.url_rule is None:
            return
        if not known:
            known.update(operations_of(api.spec.to_dict()))
        method = "GET" if request.method == "HEAD" else request.method
        operation = known.get((FlaskPlugin.flaskpath2openapi(request.url_rule.rule), method))
        if operation is None:
            return
        unknown = sorted(set(request.args) - operation.query)
        if unknown:
            allowed = ", ".join(sorted(operation.query)) or "none"
            abort(
                400,
                message=f"Unknown query parameter(s): {', '.join(unknown)} (allowed: {allowed}).",
                errors={name: ["Unknown query parameter."] for name in unknown},
            )
        if not operation.takes_json:
            return
        if not is_json(request.mimetype):
            abort(415, message="The body must be JSON, sent as Content-Type: application/json.")
        if json_nesting_exceeds(request.get_data(cache=True), max_json_depth):
            abort(400, message=f"The JSON body is nested more than {max_json_depth} levels deep.")
