"""The schema deploys as any owner role, with the same verdicts: the server's superuser, a
superuser of another name, and a database owner that is neither superuser nor BYPASSRLS (as on
managed PostgreSQL services). deploy runs verify: catalog, lints and the scenarios."""

import psycopg
import pytest
from conftest import ADMIN_DSN
from helpers import pgsuite, query
from owners import OWNER_KINDS, create_database, database_dsn, drop_database, owner_name


@pytest.fixture(params=OWNER_KINDS)
def empty_owned(request):
    kind = request.param
    owner = owner_name(kind, ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner)
    yield kind, owner, name, database_dsn(ADMIN_DSN, name, owner)
    drop_database(ADMIN_DSN, name)


def test_deploy_and_verify_pass_whoever_owns_the_schema(empty_owned, project_copy):
    kind, owner, _, dsn = empty_owned
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", dsn)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASS: " in out.stdout
    verified = pgsuite("--project", str(project_copy.root), "verify", "--dsn", dsn)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # everything the deploy created belongs to the deploying role, who is what ${deployer} meant
    owners = query(dsn, "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c"
                        " WHERE c.relnamespace IN ('public'::regnamespace, 'app_private'::regnamespace)"
                        " UNION SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p"
                        " WHERE p.pronamespace = 'app_private'::regnamespace")
    assert owners == [(owner,)]
    superuser, bypass = query(dsn, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")[0]
    assert (superuser, bypass) == ((False, False) if kind == "nonsuper" else (True, False) if kind == "superuser"
                                   else (superuser, bypass))


def test_a_non_superuser_owner_refuses_to_deploy_where_it_cannot_close_public(project_copy):
    """A database upgraded from PostgreSQL <= 14: `public` belongs to the bootstrap superuser
    and PUBLIC may CREATE there. The owner cannot revoke that (REVOKE only warns): the deploy
    must fail, name the fix, and apply none of the functions."""
    owner = owner_name("nonsuper", ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner)
    try:
        with psycopg.connect(database_dsn(ADMIN_DSN, name, owner_name("postgres", ADMIN_DSN)), autocommit=True) as conn:
            conn.execute("ALTER SCHEMA public OWNER TO CURRENT_USER")
            conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
        dsn = database_dsn(ADMIN_DSN, name, owner)
        out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", dsn)
        assert out.returncode == 1, out.stdout + out.stderr
        assert "FAIL migrations.repeatables" in out.stdout
        assert "PUBLIC can CREATE in schema public (owned by" in out.stdout
        report = sorted(project_copy.runs_dir.iterdir())[-1] / "report.md"
        assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in report.read_text()
        assert query(dsn, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                          " AND proname = 'book_appointment_with_lock'") == [(0,)]
    finally:
        drop_database(ADMIN_DSN, name)
