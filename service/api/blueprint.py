"""The project's flask-smorest Blueprint: validation failures are 400, as the API contract says."""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser


class _Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):
    """Use this instead of flask_smorest.Blueprint so the documented status matches the real one."""

    ARGUMENTS_PARSER = _Parser()
