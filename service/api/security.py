"""Authentication, role checks, security headers and CORS for every request."""

from __future__ import annotations

from flask import Flask, Response, g, request

from service.api.problems import problem
from service.auth import ALL_ROLES, Caller, InvalidToken, TokenVerifier, required_role
from service.config import Settings

# When auth is switched off (local experiments only) every caller may do everything.
UNAUTHENTICATED = Caller(
    identity="anonymous", groups=frozenset(), roles=frozenset(ALL_ROLES), service_areas=frozenset()
)

_API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
# Swagger UI needs its own scripts and styles (served by this app).
_DOCS_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def current_caller() -> Caller:
    """The authenticated caller of the current request."""
    return g.caller


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise InvalidToken("send an Authorization: Bearer <token> header")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def init_security(app: Flask, settings: Settings) -> None:
    """Check every request's token and role, and add security headers to every response."""
    verifier = TokenVerifier(settings.auth) if settings.auth.enabled else None

    @app.before_request
    def _authenticate() -> Response | None:
        role = required_role(request.method, request.blueprint, request.endpoint)
        if role is None:
            return None
        if verifier is None:
            g.caller = UNAUTHENTICATED
            return None
        try:
            g.caller = verifier.verify(_bearer_token())
        except InvalidToken as exc:
            return problem(
                401,
                f"Authentication failed: {exc}.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if not g.caller.has_role(role):
            return problem(403, f"This needs the {role!r} role, which your token does not grant.")
        return None

    @app.after_request
    def _secure_headers(response: Response) -> Response:
        for name, value in _API_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.blueprint in {"api-docs", "swagger_assets"}:
            response.headers["Content-Security-Policy"] = _DOCS_CSP
            response.headers["Cache-Control"] = "no-cache"
        return response

    if settings.cors_origins:
        from flask_cors import CORS

        CORS(app, origins=list(settings.cors_origins), expose_headers=["ETag", "Location"])
