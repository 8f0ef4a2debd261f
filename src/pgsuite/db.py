"""Connections. Connection failures become ConnectError (exit 3) with the target named."""

import configparser
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .errors import ConfigError, ConnectError
from .redact import unparseable_dsn_message

SECRET_KEYS = ("password", "sslpassword")  # libpq's keywords whose value is a secret
CONNECT_TIMEOUT_S = 10  # only when the DSN, PGCONNECT_TIMEOUT and the service file say nothing


def connect(dsn: str, **kwargs) -> psycopg.Connection:
    """Open a psycopg connection, raising ConnectError naming the target when that fails."""
    if "connect_timeout" not in kwargs:
        timeout = connect_timeout(dsn)
        if timeout is not None:
            kwargs["connect_timeout"] = timeout
    try:
        return psycopg.connect(dsn, **kwargs)
    except psycopg.ProgrammingError as exc:  # malformed DSN: libpq's message may quote its password
        raise ConfigError(f"invalid DSN {redact(dsn)!r}: {unparseable_dsn_message(str(exc))}") from exc
    except psycopg.OperationalError as exc:
        where = redact(dsn) or "the server of libpq's environment (PGHOST, PGSERVICE ...)"
        raise ConnectError(f"cannot connect to {where}: {str(exc).strip()}") from exc


Database = str | psycopg.Connection  # a DSN, or a run's connection that the callee borrows


@contextmanager
def using(database: Database, **kwargs):
    """A connection for one step: the run's own when given one (left open, and as the caller set
    it), else one opened from the DSN for the step and closed after it."""
    if isinstance(database, psycopg.Connection):
        yield database
        return
    with connect(database, **kwargs) as conn:
        yield conn


def connect_timeout(dsn: str, environ=os.environ) -> str | None:
    """The connect_timeout to pass, if any. psycopg enforces the timeout itself and reads it from
    the DSN and PGCONNECT_TIMEOUT (None: nothing to pass), but not from a service file (its value
    is passed); when none of them gives one, pgsuite's default."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return None  # psycopg.connect reports the malformed DSN
    if "connect_timeout" in params or environ.get("PGCONNECT_TIMEOUT"):
        return None
    service = params.get("service") or environ.get("PGSERVICE")
    from_service = service_parameters(service, environ).get("connect_timeout") if service else None
    return from_service or str(CONNECT_TIMEOUT_S)


def service_parameters(service: str, environ=os.environ) -> dict[str, str]:
    """A service's parameters as libpq reads them: the user's file (PGSERVICEFILE, else
    ~/.pg_service.conf) first, then the system's (PGSYSCONFDIR/pg_service.conf; psycopg's libpq
    and Debian's look in /etc/postgresql-common without it)."""
    files = [Path(environ["PGSERVICEFILE"]) if environ.get("PGSERVICEFILE") else Path.home() / ".pg_service.conf",
             Path(environ.get("PGSYSCONFDIR") or "/etc/postgresql-common") / "pg_service.conf"]
    for file in files:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(file, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue  # libpq reports a broken service file when it connects
        if parser.has_section(service):
            return dict(parser.items(service))
    return {}


def client_environment(dsn: str, environ=os.environ) -> dict[str, str]:
    """The environment of a client program (pg_dump ...) connecting to `dsn` as connect() does:
    libpq's own variables and HOME (.pgpass, the service file) kept, the password of the DSN
    passed without showing it on a command line, the default timeout only when none is given."""
    env = {k: v for k, v in environ.items() if k.startswith("PG") or k in ("HOME", "LANG", "LC_ALL")}
    env["PATH"] = "/usr/bin:/bin"
    try:
        password = conninfo_to_dict(dsn).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        env["PGPASSWORD"] = password
    if connect_timeout(dsn, environ) == str(CONNECT_TIMEOUT_S):  # libpq prefers a service's own to this
        env["PGCONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT_S)
    return env


def redact(dsn: str) -> str:
    """The DSN with any password hidden, for messages."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparseable DSN>"
    for key in SECRET_KEYS:
        if key in params:
            params[key] = "***"
    return make_conninfo(**params)


def database_name(dsn: str) -> str:
    """The database `dsn` connects to: its dbname when it names one, else the server's answer (libpq's
    environment, a service file and the user-name default decide it then)."""
    name = conninfo_to_dict(dsn).get("dbname")
    if name:
        return name
    with connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT current_database()").fetchone()[0]


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
