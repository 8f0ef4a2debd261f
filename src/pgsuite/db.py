"""Connections. Connection failures become ConnectError (exit 3) with the target named."""

import uuid
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .errors import ConfigError, ConnectError
from .redact import unparseable_dsn_message

CONNECT_TIMEOUT_S = 10


def connect(dsn: str, **kwargs) -> psycopg.Connection:
    """Open a psycopg connection, raising ConnectError naming the target when that fails."""
    kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    try:
        return psycopg.connect(dsn, **kwargs)
    except psycopg.ProgrammingError as exc:  # malformed DSN: libpq's message may quote its password
        raise ConfigError(f"invalid DSN {redact(dsn)!r}: {unparseable_dsn_message(str(exc))}") from exc
    except psycopg.OperationalError as exc:
        raise ConnectError(f"cannot connect to {redact(dsn)}: {str(exc).strip()}") from exc


def redact(dsn: str) -> str:
    """The DSN with any password hidden, for messages."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparseable DSN>"
    if "password" in params:
        params["password"] = "***"
    return make_conninfo(**params)


def with_dbname(dsn: str, dbname: str) -> str:
    """The same connection parameters, for another database of the server."""
    return make_conninfo(**{**conninfo_to_dict(dsn), "dbname": dbname})


@contextmanager
def scratch_database(dsn: str, prefix: str, template: str | None = None):
    """A new database on the server of `dsn` (its role needs CREATEDB), empty or a copy of
    `template`, dropped afterwards whatever happens; yields its DSN."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with connect(dsn, autocommit=True) as admin:
        try:
            admin.execute(statement)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ConfigError(f"cannot create a scratch database on {redact(dsn)}: {exc.diag.message_primary} "
                              "(the role needs CREATEDB)") from exc
    try:
        yield with_dbname(dsn, name)
    finally:
        with connect(dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
