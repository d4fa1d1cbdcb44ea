"""The staff pages under /staff/: find a resident, see their record, add and change people.

Server-rendered with the GOV.UK Design System (govuk-frontend's compiled assets, installed by
`scripts/dev`, and the govuk-frontend-jinja macros). The pages call the same use cases as the API
in-process (`service.backends`) and work without JavaScript.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from service.config import Settings
from service.staff.pages import blp
from service.staff.signin import DEV_TOKEN_SECONDS, EXTENSION, SignIn


def init_staff(app: Flask, settings: Settings) -> None:
    """Register the pages, their sign-in and the session cookie they keep (CSRF token)."""
    app.secret_key = settings.staff_session_secret
    app.config.update(
        SESSION_COOKIE_NAME="person_index_staff",
        SESSION_COOKIE_PATH="/staff",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=DEV_TOKEN_SECONDS),
        # A CSRF token lives as long as the page's session, not one hour: a long form stays valid.
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions[EXTENSION] = SignIn(settings)
    app.register_blueprint(blp)
