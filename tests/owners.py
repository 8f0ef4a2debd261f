"""The owner roles a schema is deployed as, as users deploy it:

- "postgres": the server's own superuser (the suite's default),
- "superuser": a superuser with another name,
- "nonsuper": a database owner that is not a superuser and has no BYPASSRLS, as on managed
  PostgreSQL services; like Supabase's owner it is a member of the API roles (verify's
  scenarios SET ROLE to them).

Each kind gets a template database deployed by that role; tests clone it.
"""

import uuid

import psycopg
from psycopg import sql
from roles import API_ROLES, as_user, ensure_role

OWNER_KINDS = ("postgres", "superuser", "nonsuper")
ROLES = {
    "superuser": ("pgsuite_test_super", "LOGIN SUPERUSER"),
    "nonsuper": ("pgsuite_test_owner", "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT"),
}
AUTHENTICATOR = "pgsuite_test_authenticator"  # PostgREST's login: NOINHERIT, SET ROLE to an API role


def owner_name(kind: str, admin_dsn: str) -> str:
    return ROLES[kind][0] if kind in ROLES else psycopg.conninfo.conninfo_to_dict(admin_dsn).get("user", "postgres")


def ensure_roles(admin_dsn: str) -> None:
    """The owner roles and the authenticator, created once per cluster, set every session."""
    ensure_role(admin_dsn, ROLES["superuser"][0], ROLES["superuser"][1])
    ensure_role(admin_dsn, ROLES["nonsuper"][0], ROLES["nonsuper"][1], API_ROLES)
    ensure_role(admin_dsn, AUTHENTICATOR, "LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT", API_ROLES)


def create_database(admin_dsn: str, owner: str, template: str | None = None, prefix: str = "pgsuite_t") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    statement = sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(statement)
    return name


def drop_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_dsn(admin_dsn: str, dbname: str, user: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(as_user(admin_dsn, user))
    return psycopg.conninfo.make_conninfo(**{**params, "dbname": dbname})
