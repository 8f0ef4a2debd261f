"""Login roles the tests act as. Roles are cluster-wide: each is created once if missing (as a
platform would provide it) and kept; its attributes and memberships are set every time."""

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

API_ROLES = ("anon", "authenticated", "service_role")


def ensure_role(admin_dsn: str, name: str, attributes: str = "LOGIN", member_of=()) -> None:
    """Create role `name` if missing, then set its attributes and memberships."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        for role in (name, *API_ROLES):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                try:
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                except psycopg.errors.DuplicateObject:
                    pass  # created meanwhile by a concurrent test run
        conn.execute(sql.SQL("ALTER ROLE {} " + attributes).format(sql.Identifier(name)))
        for group in member_of:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name)))


def as_user(dsn: str, user: str) -> str:
    """The same database, logged in as `user` (the test servers trust local connections)."""
    params = conninfo_to_dict(dsn)
    params.pop("password", None)
    return make_conninfo(**{**params, "user": user})
