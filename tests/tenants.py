"""Test data: tenants with staff, customers and services, and sessions acting as a role."""

import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.string import TextLoader

from owners import AUTHENTICATOR
from roles import as_user


@dataclass
class Tenant:
    org: str
    staff: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    service: str = ""


@dataclass
class World:
    dsn: str
    a: Tenant
    b: Tenant


def make_world(dsn: str, staff_per_org: int = 4) -> World:
    tenants = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in ("A", "B"):
            t = Tenant(org=str(uuid.uuid4()))
            conn.execute("INSERT INTO organizations (id, name) VALUES (%s, %s)", (t.org, f"Org {name}"))
            for i in range(staff_per_org):
                sid = str(uuid.uuid4())
                conn.execute("INSERT INTO staff_members (id, org_id, name) VALUES (%s, %s, %s)", (sid, t.org, f"S{i}"))
                t.staff.append(sid)
            for i in range(2):
                cid = str(uuid.uuid4())
                conn.execute("INSERT INTO customers (id, org_id, name) VALUES (%s, %s, %s)", (cid, t.org, f"C{i}"))
                t.customers.append(cid)
            t.service = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO services (id, org_id, name, duration_minutes) VALUES (%s, %s, 'Cut', 30)",
                (t.service, t.org),
            )
            tenants.append(t)
    return World(dsn, *tenants)


def claims(org: str | None, sub: str = "user-1") -> str:
    return json.dumps({"org_id": org, "sub": sub, "role": "authenticated"})


@contextmanager
def session(dsn: str, role: str | None = None, org: str | None = None, autocommit: bool = True):
    """A connection acting as `role` as PostgREST does: logged in as the authenticator (no
    superuser, no rights of its own), SET ROLE, the org claim set. Without a role: the DSN's
    own user (the owner, who sets up test data)."""
    login = as_user(dsn, AUTHENTICATOR) if role else dsn
    with psycopg.connect(login, autocommit=autocommit, row_factory=dict_row) as conn:
        # uuids as text: they compare with the ids in jsonb outcomes and in Tenant
        conn.adapters.register_loader("uuid", TextLoader)
        if role:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        if org:
            conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (claims(org),))
        yield conn
