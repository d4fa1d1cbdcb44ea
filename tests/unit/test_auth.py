import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from service.auth import Caller, InvalidToken, TokenVerifier, mint_token, required_role
from service.config import AuthSettings, ConfigError, Settings

SECRET = "unit-test-secret-that-is-long-enough-for-every-hmac-0123456789abcdef"
NOW = int(time.time())


def _verifier(**overrides) -> TokenVerifier:
    return TokenVerifier(
        AuthSettings(secret=SECRET, service_area_groups={"housing": "grp-housing"}, **overrides)
    )


def test_valid_token_maps_groups_to_roles_and_service_areas() -> None:
    token = mint_token(SECRET, "ann@council", ["person-index-write", "grp-housing"], 3600, NOW)
    caller = _verifier().verify(token)
    assert caller.identity == "ann@council"
    assert caller.roles == {"write"}
    assert caller.has_role("read") and caller.has_role("write") and not caller.has_role("admin")
    assert caller.may_see_service_area("housing")
    assert not caller.may_see_service_area("socialcare")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (mint_token(SECRET, "a", [], 60, NOW - 3600), "expired"),
        (mint_token("x" * 64, "a", [], 3600, NOW), "signature"),
        ("not.a.jwt", "signature or format"),
        (jwt.encode({"exp": NOW + 3600}, SECRET, algorithm="HS256"), "'sub'"),
        (jwt.encode({"sub": "a", "exp": NOW + 3600}, SECRET, algorithm="HS512"), "signature"),
    ],
)
def test_bad_tokens_are_rejected_with_the_reason(token: str, reason: str) -> None:
    with pytest.raises(InvalidToken, match=reason):
        _verifier().verify(token)


def test_audience_and_issuer_are_checked_when_configured() -> None:
    verifier = _verifier(audience="person-index", issuer="https://idp.council")
    good = mint_token(
        SECRET, "a", [], 3600, NOW, audience="person-index", issuer="https://idp.council"
    )
    assert verifier.verify(good).identity == "a"
    with pytest.raises(InvalidToken, match="audience"):
        verifier.verify(
            mint_token(SECRET, "a", [], 3600, NOW, audience="other", issuer="https://idp.council")
        )
    with pytest.raises(InvalidToken, match="issuer"):
        verifier.verify(
            mint_token(SECRET, "a", [], 3600, NOW, audience="person-index", issuer="https://evil")
        )


@pytest.fixture
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_rs256_with_a_pem_public_key(tmp_path: Path, rsa_key) -> None:
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "key.pem").write_bytes(pem)
    verifier = TokenVerifier(AuthSettings(algorithm="RS256", public_key_file=tmp_path / "key.pem"))
    token = jwt.encode(
        {"sub": "svc", "exp": NOW + 3600, "groups": ["person-index-read"]}, rsa_key, "RS256"
    )
    assert verifier.verify(token).roles == {"read"}
    forged = jwt.encode({"sub": "svc", "exp": NOW + 3600}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verifier.verify(forged)


def test_rs256_with_a_jwks_file_picks_the_key_by_kid(tmp_path: Path, rsa_key) -> None:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig"}]}))
    verifier = TokenVerifier(AuthSettings(algorithm="RS256", jwks_file=tmp_path / "jwks.json"))
    claims = {"sub": "svc", "exp": NOW + 3600}
    assert (
        verifier.verify(jwt.encode(claims, rsa_key, "RS256", headers={"kid": "k1"})).identity
        == "svc"
    )
    with pytest.raises(InvalidToken, match="unknown key"):
        verifier.verify(jwt.encode(claims, rsa_key, "RS256", headers={"kid": "k2"}))


@pytest.mark.parametrize(
    ("method", "blueprint", "endpoint", "role"),
    [
        ("GET", "health", "health.healthcheck", None),
        ("GET", "api-docs", "api-docs.openapi_json", None),
        ("GET", "persons", "persons.PersonItem", "read"),
        ("PATCH", "persons", "persons.PersonItem", "write"),
        ("POST", "persons", "persons.Persons", "write"),
        ("DELETE", "persons", "persons.PersonItem", "admin"),
        ("POST", "search", "search.PersonMatches", "read"),
        ("GET", None, None, None),
    ],
)
def test_required_role_by_method_with_named_exceptions(method, blueprint, endpoint, role) -> None:
    assert required_role(method, blueprint, endpoint) == role


def test_admin_includes_every_role() -> None:
    admin = Caller("x", frozenset(), frozenset({"admin"}))
    assert admin.has_role("read") and admin.has_role("write")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "JWT_SECRET must be set"),
        ({"JWT_SECRET": "short"}, "JWT_SECRET must be set"),
        ({"JWT_ALGORITHM": "none", "JWT_SECRET": SECRET}, "JWT_ALGORITHM"),
        ({"JWT_ALGORITHM": "RS256"}, "RS256 needs"),
        ({"JWT_SECRET": SECRET, "ROLE_GROUPS": "[1]"}, "ROLE_GROUPS must be a JSON object"),
        ({"JWT_SECRET": SECRET, "ROLE_GROUPS": '{"superuser": ["x"]}'}, "unknown roles"),
        ({"JWT_SECRET": SECRET, "JWT_PUBLIC_KEY_FILE": "/nope.pem"}, "JWT_PUBLIC_KEY_FILE"),
    ],
)
def test_auth_configuration_errors_name_the_variable(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_auth_can_be_switched_off_without_a_secret() -> None:
    assert Settings.from_env({"AUTH_ENABLED": "false"}).auth.enabled is False
