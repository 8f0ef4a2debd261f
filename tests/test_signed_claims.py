"""Signed claims (optional/signed_claims.sql): the tenant read from the token PostgREST passes in
request.headers, its HS256 signature verified inside the database, so that a session which
forges request.jwt.claims (any session can, with set_config) cannot forge the signature. Tokens
are made here with Python's hmac, independently of the database's implementation."""

import base64
import hashlib
import hmac
import json
import shutil
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import psycopg
import pytest

from helpers import ROOT, query
from pgsuite.migrate import runner
from tenants import session

SECRET = "a-postgrest-jwt-secret-of-at-least-32-characters"
T = datetime(2027, 4, 1, 10, 0, tzinfo=timezone.utc)
T2 = datetime(2027, 4, 1, 10, 30, tzinfo=timezone.utc)
BOOK = "SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(claims: dict, secret: str = SECRET, alg: str = "HS256") -> str:
    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return head + "." + b64(signature)


@pytest.fixture
def signed(world, project_copy):
    """The world's database with signed claims applied, as a project would apply the option."""
    for suffix in (".sql", ".rollback.sql"):
        shutil.copy(ROOT / "optional" / f"signed_claims{suffix}", project_copy.migrations_dir / f"0010_signed_claims{suffix}")
    runner.apply(project_copy, world.dsn)
    query(world.dsn, "SELECT app_private.set_jwt_secret(%s)", (SECRET,))
    return world


@contextmanager
def as_tenant(world, forged_org, bearer):
    """authenticated, with request.jwt.claims forged for `forged_org` and `bearer` in request.headers."""
    with session(world.dsn, "authenticated", forged_org) as conn:
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        conn.execute("SELECT set_config('request.headers', %s, false)", (json.dumps(headers),))
        yield conn


def claims(org, **extra):
    return {"org_id": org, "sub": "user-7", "role": "authenticated", "exp": int(time.time()) + 600, **extra}


def test_a_forged_claim_is_ignored_and_the_signed_one_decides(signed):
    a, b = signed.a, signed.b
    with session(signed.dsn) as owner:
        for t in (a, b):
            owner.execute(BOOK, (t.org, t.staff[0], t.customers[0], T, T2))
    with as_tenant(signed, b.org, token(claims(a.org))) as conn:  # the setting says B, the token says A
        seen = {r["org_id"] for r in conn.execute("SELECT org_id FROM public.appointments").fetchall()}
        assert seen == {a.org}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(BOOK, (b.org, b.staff[1], b.customers[0], T, T2))
        r = conn.execute(BOOK, (a.org, a.staff[1], a.customers[0], T, T2)).fetchone()["r"]
        assert r["success"]
        actor = conn.execute("SELECT actor FROM public.appointment_audit_log WHERE appointment_id = %s",
                             (r["appointment_id"],)).fetchone()["actor"]
        assert actor == "user-7"  # the token's subject


NOBODY = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("bearer,message", [  # made when the test runs: a token made at collection expires in a long suite
    (lambda: token(claims(NOBODY), secret="another-secret-of-at-least-32-chars!!"), "signature does not verify"),
    (lambda: token(claims(NOBODY, exp=int(time.time()) - 5)), "expired"),
    (lambda: token(claims(NOBODY, nbf=int(time.time()) + 600)), "not valid before"),
    (lambda: token(claims(NOBODY), alg="none"), "not a JWT signed with HS256"),
    (lambda: "not.a-jwt", "not a JWT signed with HS256"),
], ids=["forged-signature", "expired", "not-yet-valid", "alg-none", "malformed"])
def test_a_bad_token_is_refused_with_28000(signed, bearer, message):
    a = signed.a
    with as_tenant(signed, a.org, bearer()) as conn:
        with pytest.raises(psycopg.errors.InvalidAuthorizationSpecification, match=message):
            conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2))
    assert query(signed.dsn, "SELECT count(*) FROM appointments") == [(0,)]


def test_no_token_means_no_org_even_with_a_claim_set(signed):
    a = signed.a
    with as_tenant(signed, a.org, None) as conn:
        assert conn.execute("SELECT count(*) AS n FROM public.organizations").fetchone()["n"] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="no org_id claim"):
            conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2))


def test_the_secret_is_the_owners_and_long_keys_are_hashed_as_rfc_2104_says(signed):
    long_secret = "k" * 100  # longer than SHA-256's 64-byte block
    query(signed.dsn, "SELECT app_private.set_jwt_secret(%s)", (long_secret,))
    a = signed.a
    with as_tenant(signed, a.org, token(claims(a.org), secret=long_secret)) as conn:
        assert conn.execute("SELECT count(*) AS n FROM public.organizations").fetchone()["n"] == 1
        for reach in ("SELECT * FROM app_private.jwt_secret", "SELECT app_private.set_jwt_secret('x')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(reach)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="too short"):
        query(signed.dsn, "SELECT app_private.set_jwt_secret('short')")
