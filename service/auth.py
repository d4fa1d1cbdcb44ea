"""Bearer-token authentication and role checks.

Tokens are JWTs verified for signature and expiry (and audience and issuer where configured),
signed either with an HS256 secret or with RS256 keys from a PEM or JWKS file. Roles come from
the token's `groups` claim through a configured mapping; each service area's extended data has a
group of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from service.config import AuthSettings

# Each role includes the ones before it: a writer may read, an administrator may do the rest.
ROLES = ("read", "write", "admin")
# Roles granted only by name, never through a higher role: a bulk copy of personal data (export)
# is a decision of its own, not a kind of read.
SEPARATE_ROLES = ("export",)
ALL_ROLES = ROLES + SEPARATE_ROLES
GROUPS_CLAIM = "groups"


class InvalidToken(Exception):
    """A bearer token was missing or failed verification; the message says why (no token text)."""


@dataclass(frozen=True)
class Caller:
    """Who is calling and what they may do."""

    identity: str
    groups: frozenset[str]
    roles: frozenset[str]
    service_areas: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, role: str) -> bool:
        """True when the caller holds `role` or, for a ranked role, a role above it."""
        if role in SEPARATE_ROLES:
            return role in self.roles
        return any(ROLES.index(held) >= ROLES.index(role) for held in self.roles if held in ROLES)

    def may_see_service_area(self, service_area: str) -> bool:
        return service_area in self.service_areas


class TokenVerifier:
    """Verifies bearer tokens and turns their claims into a Caller."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._keys = self._load_keys(settings)

    @staticmethod
    def _load_keys(settings: AuthSettings) -> dict[str | None, Any]:
        if settings.algorithm == "HS256":
            if not settings.secret:
                raise ValueError("HS256 needs JWT_SECRET")
            return {None: settings.secret}
        if settings.jwks_file:
            jwks = jwt.PyJWKSet.from_json(settings.jwks_file.read_text(encoding="utf-8"))
            return {key.key_id: key.key for key in jwks.keys}
        if settings.public_key_file:
            return {None: settings.public_key_file.read_text(encoding="utf-8")}
        raise ValueError("RS256 needs JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE")

    def _key_for(self, token: str) -> Any:
        if None in self._keys:
            return self._keys[None]
        try:
            key_id = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("the token is not a well-formed JWT") from exc
        if key_id not in self._keys:
            raise InvalidToken("the token is signed with an unknown key")
        return self._keys[key_id]

    def verify(self, token: str) -> Caller:
        """The caller a valid token names, or InvalidToken saying what is wrong with it."""
        settings = self._settings
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=[settings.algorithm],
                audience=settings.audience,
                issuer=settings.issuer,
                leeway=settings.leeway_seconds,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": settings.audience is not None,
                    "verify_iss": settings.issuer is not None,
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("the token is not meant for this service (audience)") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("the token comes from an unexpected issuer") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken(f"the token lacks the {exc.claim!r} claim") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("the token's signature or format is not valid") from exc
        return self.caller(claims)

    def caller(self, claims: Mapping[str, Any]) -> Caller:
        """Map verified claims to a Caller (identity, roles, service areas)."""
        raw_groups = claims.get(GROUPS_CLAIM) or []
        groups = (
            frozenset(g for g in raw_groups if isinstance(g, str))
            if isinstance(raw_groups, list)
            else frozenset()
        )
        roles = frozenset(
            role
            for role, role_groups in self._settings.role_groups.items()
            if groups & set(role_groups)
        )
        areas = frozenset(
            area for area, group in self._settings.service_area_groups.items() if group in groups
        )
        identity = str(claims.get("email") or claims["sub"])
        return Caller(identity=identity, groups=groups, roles=roles, service_areas=areas)


def mint_token(
    secret: str,
    subject: str,
    groups: list[str],
    expires_in_seconds: int,
    now: int,
    audience: str | None = None,
    issuer: str | None = None,
) -> str:
    """An HS256 development token (the `person-index token` command uses this)."""
    claims: dict[str, Any] = {
        "sub": subject,
        GROUPS_CLAIM: groups,
        "iat": now,
        "exp": now + expires_in_seconds,
    }
    if audience:
        claims["aud"] = audience
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, secret, algorithm="HS256")


PUBLIC_BLUEPRINTS = frozenset({"health", "metrics", "api-docs", "swagger_assets"})
# The staff pages check sign-in themselves (the same tokens, from the header or the development
# sign-in's session) and answer with pages, not problem+json: service/staff/signin.py.
SELF_AUTHENTICATING_BLUEPRINTS = frozenset({"staff"})
# Endpoints whose HTTP method says the wrong thing: a duplicate check is a POST that only reads.
ROLE_OVERRIDES: dict[str, str] = {
    "search.PersonMatches": "read",
    "export.PersonExport": "export",
}


def required_role(method: str, blueprint: str | None, endpoint: str | None) -> str | None:
    """The role a request needs: None for public endpoints, else by method with named exceptions."""
    if endpoint is None or endpoint == "static":
        return None
    if blueprint in PUBLIC_BLUEPRINTS or blueprint in SELF_AUTHENTICATING_BLUEPRINTS:
        return None
    if endpoint in ROLE_OVERRIDES:
        return ROLE_OVERRIDES[endpoint]
    if method in {"GET", "HEAD", "OPTIONS"}:
        return "read"
    if method == "DELETE":
        return "admin"
    return "write"
