"""Who is using the staff pages: the same verified bearer JWT as the API.

In production the pages sit behind an authenticating proxy (oauth2-proxy, or an AWS load
balancer's OIDC listener) that signs the member of staff in and passes their token on in the
`Authorization` header; nothing here keeps a session of its own for that. With the development
flag (`STAFF_DEV_SIGNIN`, local stack only) a sign-in page mints a token with the development
secret and keeps it in the signed session cookie instead.
"""

from __future__ import annotations

import time

from flask import session

from service.api.security import UNAUTHENTICATED
from service.auth import Caller, InvalidToken, TokenVerifier, mint_token
from service.config import Settings

# Where the app keeps its SignIn (app.extensions).
EXTENSION = "person_index_staff"
SESSION_TOKEN = "devToken"
DEV_TOKEN_SECONDS = 8 * 3600
# The development sign-in's choices: a role and what it may do, in words.
DEV_ROLES = {
    "read": "Read only: find and view residents",
    "write": "Read and write: also add and change residents",
    "admin": "Administrator",
}


class SignIn:
    """Turns a request's token (header, else the development session) into a Caller."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        auth = settings.auth
        self._verifier = TokenVerifier(auth) if auth.enabled else None

    @property
    def development(self) -> bool:
        """True when the development sign-in page is offered."""
        return self._settings.staff_dev_signin

    def caller(self, authorization: str | None) -> Caller | None:
        """The signed-in member of staff, or None (no token, or one that fails verification)."""
        if self._verifier is None:
            return UNAUTHENTICATED
        token = _bearer(authorization)
        if token is None and self.development:
            token = session.get(SESSION_TOKEN)
        if not token:
            return None
        try:
            return self._verifier.verify(token)
        except InvalidToken:
            return None

    def start_development_session(self, email: str, role: str) -> None:
        """Sign in as `email` with `role`'s first group and every service area's group."""
        auth = self._settings.auth
        groups = [auth.role_groups[role][0], *auth.service_area_groups.values()]
        token = mint_token(
            str(auth.secret),
            email,
            groups,
            DEV_TOKEN_SECONDS,
            int(time.time()),
            audience=auth.audience,
            issuer=auth.issuer,
        )
        session.clear()
        session[SESSION_TOKEN] = token


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
