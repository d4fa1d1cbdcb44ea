"""Tokens for integration tests, signed with the test secret the `settings` fixture configures."""

from __future__ import annotations

import time

from service.auth import mint_token

TEST_SECRET = "test-secret-for-the-person-index-suite-0123456789"
ROLE_GROUPS = [
    "person-index-read",
    "person-index-write",
    "person-index-admin",
    "person-index-export",
]
SERVICE_AREA_GROUPS = {
    "housing": "person-index-housing",
    "socialcare": "person-index-socialcare",
    "benefits": "person-index-benefits",
    "revenues": "person-index-revenues",
}
ALL_GROUPS = ROLE_GROUPS + list(SERVICE_AREA_GROUPS.values())


def bearer(groups: list[str] | None = None, subject: str = "tester@example.council") -> str:
    """An Authorization header value for a token with `groups` (default: every role and area)."""
    token = mint_token(
        TEST_SECRET,
        subject,
        ALL_GROUPS if groups is None else groups,
        expires_in_seconds=3600,
        now=int(time.time()),
    )
    return f"Bearer {token}"
