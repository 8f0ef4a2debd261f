"""One real PostgreSQL per test session, a migrated template, a fresh database per test.

The server is the embedded one (a separate data folder from the developer's, under
.pgsuite/test) unless PGSUITE_TEST_DSN names another. Nothing here is mocked.
"""

import os
import shutil
from pathlib import Path

import psycopg
import pytest
from owners import OWNER_KINDS, create_database, database_dsn, drop_database, ensure_roles, owner_name
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pytest_postgresql import factories

from pgsuite import server
from pgsuite.migrate import runner
from pgsuite.project import Project

ROOT = Path(__file__).resolve().parents[1]
TEST_STATE_DIR = Path(os.environ.get("PGSUITE_TEST_STATE_DIR") or ROOT / ".pgsuite" / "test")
# the embedded server is stopped at the end of the session that started it (and only by that one);
# under PGSUITE_TEST_DSN too, since target tests start it on demand
STARTED_HERE = not server.status(TEST_STATE_DIR).running


def _server_params() -> dict:
    dsn = os.environ.get("PGSUITE_TEST_DSN") or server.start(TEST_STATE_DIR)
    params = conninfo_to_dict(dsn)
    return {
        "host": params.get("host", "127.0.0.1"),
        "port": int(params.get("port", 5432)),
        "user": params.get("user", "postgres"),
        "password": params.get("password"),
    }


SERVER = _server_params()
ADMIN_DSN = make_conninfo(**{k: v for k, v in SERVER.items() if v is not None}, dbname="postgres")


def _migrated(host, port, user, dbname, password, **_):
    runner.apply(Project.at(ROOT), make_conninfo(host=host, port=port, user=user, dbname=dbname, password=password))


postgresql_proc = factories.postgresql_noproc(dbname="pgsuite_test", load=[_migrated], **SERVER)
postgresql = factories.postgresql("postgresql_proc")
empty_proc = factories.postgresql_noproc(dbname="pgsuite_empty", **SERVER)
empty_postgresql = factories.postgresql("empty_proc")


def dsn_of(conn: psycopg.Connection) -> str:
    info = conn.info
    return make_conninfo(host=info.host, port=info.port, user=info.user, dbname=info.dbname)


@pytest.fixture
def db(postgresql) -> str:
    """DSN of a fresh database with the project's migrations applied."""
    postgresql.autocommit = True
    return dsn_of(postgresql)


@pytest.fixture
def empty_db(empty_postgresql) -> str:
    """DSN of a fresh, empty database."""
    empty_postgresql.autocommit = True
    return dsn_of(empty_postgresql)


@pytest.fixture
def sandbox(tmp_path) -> Project:
    """A project folder of the test's own, with a copy of the real migrations (and how they are
    linted: the safety gate judges them on an empty database)."""
    shutil.copytree(ROOT / "migrations", tmp_path / "migrations")
    (tmp_path / "sql").mkdir()
    (tmp_path / "verify").mkdir()
    shutil.copy(ROOT / "verify" / "config.yaml", tmp_path / "verify" / "config.yaml")
    shutil.copy(ROOT / ".squawk.toml", tmp_path / ".squawk.toml")
    return Project.at(tmp_path)


@pytest.fixture
def world(db):
    """Two tenants (a, b) in a migrated database, each with staff, customers and a service."""
    from tenants import make_world

    return make_world(db)


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A full project folder of the test's own (migrations, sql, verify, bench, templates): its runs
    and reports land in tmp_path, never in the repository."""
    for part in ("migrations", "sql", "verify", "bench", "reports/templates"):
        shutil.copytree(ROOT / part, tmp_path / part)
    for config in (".squawk.toml", ".sqlfluff"):  # how the project lints its SQL
        shutil.copy(ROOT / config, tmp_path / config)
    return Project.at(tmp_path)


@pytest.fixture(scope="session", autouse=True)
def login_roles():
    """The owner roles and the PostgREST-like authenticator the tests log in as."""
    ensure_roles(ADMIN_DSN)


def pytest_unconfigure(config):
    """Stop the embedded server this session started: no test leaves a server running."""
    if STARTED_HERE:
        server.stop(TEST_STATE_DIR)


@pytest.fixture(scope="session")
def owner_templates():
    """Per owner kind, a template database deployed by that role (made on first use)."""
    made: dict[str, str] = {}

    def template(kind: str) -> str:
        if kind not in made:
            owner = owner_name(kind, ADMIN_DSN)
            name = create_database(ADMIN_DSN, owner, prefix=f"pgsuite_tpl_{kind}")
            made[kind] = name
            runner.apply(Project.at(ROOT), database_dsn(ADMIN_DSN, name, owner))
        return made[kind]

    yield template
    for name in made.values():
        drop_database(ADMIN_DSN, name)


@pytest.fixture(params=OWNER_KINDS)
def owned_db(request, owner_templates):
    """(owner kind, DSN as the owner) of a fresh database deployed by that owner role."""
    kind = request.param
    owner = owner_name(kind, ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner, template=owner_templates(kind))
    yield kind, database_dsn(ADMIN_DSN, name, owner)
    drop_database(ADMIN_DSN, name)
