"""No caller's code ever runs as a function's owner.

An attacker logs in as PostgREST's authenticator (no superuser, NOINHERIT), on a database whose
history left CREATE on `public` to PUBLIC (every database before PostgreSQL 15). Before the
deploy it plants, in `public`, a copy of every function the schema's functions call (each
signature PostgreSQL has under that name, polymorphic arguments also as exact types, the kind
of overload that captures a call) and operators. After the deploy it adds, in its temporary
schema, the same functions, a domain named after every built-in type (the trap an empty
search_path falls into: pg_temp is searched first for types) and a view named after every
relation of the schema. Every trap calls public.pgsuite_pwned(), which reports the role it runs
as and, running as anything else, tries to make the attacker a superuser.

Then, as authenticated and as service_role, it calls every function granted to them. None of
its code may run as anyone but the caller; the attacker must end as it began.
"""

import re

import psycopg
import pytest
from api_calls import PAIRS, Context, call_as
from conftest import ADMIN_DSN, ROOT
from owners import AUTHENTICATOR, OWNER_KINDS, create_database, database_dsn, drop_database, owner_name
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.string import TextLoader
from tenants import make_world

from pgsuite.errors import MigrationFailed
from pgsuite.migrate import runner
from pgsuite.project import Project

REPORTER = f"""
CREATE FUNCTION public.pgsuite_pwned(p_what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'pgsuite-attack: % ran as %', p_what, current_user;
    IF current_user NOT IN ('anon', 'authenticated', 'service_role', '{AUTHENTICATOR}') THEN
        BEGIN
            EXECUTE 'ALTER ROLE {AUTHENTICATOR} SUPERUSER';
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END IF;
    RETURN true;
END
$$
"""
# Every function the schema's functions call by name, with each signature PostgreSQL has for it.
CALLED_FUNCTIONS = r"""
WITH bodies AS (
    SELECT string_agg(p.prosrc, ' ') AS src FROM pg_proc AS p
    WHERE p.pronamespace IN ('public'::regnamespace, 'app_private'::regnamespace)
      AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
), called AS (
    SELECT DISTINCT lower(m[1]) AS name FROM bodies, regexp_matches(bodies.src, '([A-Za-z_][A-Za-z0-9_]*)\s*\(', 'g') AS m
)
SELECT n.nspname AS schema, p.proname AS name,
       array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t) AS args,
       format_type(p.prorettype, NULL) AS returns, p.prokind = 'a' AS aggregate, p.proretset AS returns_set
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN called ON called.name = p.proname
WHERE n.nspname IN ('pg_catalog', 'app_private') AND p.prokind IN ('f', 'a')
ORDER BY 1, 2
"""
CONCRETE = {
    "anyelement": ["uuid", "text", "jsonb", "timestamp with time zone", "integer", "interval"],
    "anynonarray": ["uuid", "text", "jsonb", "timestamp with time zone"],
    "anycompatible": ["uuid", "text", "jsonb", "timestamp with time zone"],
    "anycompatiblenonarray": ["uuid", "text"],
    "anyarray": ["text[]", "uuid[]"],
    "anycompatiblearray": ["text[]", "uuid[]"],
    "anyrange": ["tstzrange"],
    "anycompatiblerange": ["tstzrange"],
    "anymultirange": ["tstzmultirange"],
}
UNUSABLE = {'"any"', "internal", "cstring", "trigger", "event_trigger", "record", "language_handler",
            "fdw_handler", "table_am_handler", "index_am_handler", "tsm_handler", "anyenum"}
BUILTIN_TYPES = """
SELECT t.typname FROM pg_type AS t
WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype IN ('b', 'r', 'm')
  AND t.typcategory <> 'A' AND t.typisdefined
ORDER BY 1
"""
SCHEMA_RELATIONS = """
SELECT c.relname, n.nspname, has_table_privilege(c.oid, 'SELECT') AS readable
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'app_private') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
ORDER BY 1
"""
# Operators the schema uses. (&& on tstzrange is attacked on its own below: planted before the
# deploy it makes the deploy fail, which is the outcome to prove there.)
OPERATORS = [("=", "uuid"), ("=", "text"), ("<>", "text"), ("||", "jsonb"), ("||", "text"),
             ("-", "timestamp with time zone")]


def overload_signatures(reference_dsn: str) -> list[tuple]:
    """(name, argument types, return type, aggregate, returns a set) of every overload to plant,
    polymorphic types also as the exact types the schema passes them."""
    with psycopg.connect(reference_dsn) as conn:
        rows = conn.execute(CALLED_FUNCTIONS).fetchall()
    found = set()
    for _, name, args, returns, aggregate, returns_set in rows:
        if set(args) & UNUSABLE or returns in UNUSABLE:
            continue
        variants = [[]]
        for arg in args:
            variants = [v + [choice] for v in variants for choice in CONCRETE.get(arg, [arg])]
        for variant in variants[:12]:
            concrete_return = returns
            if returns in CONCRETE:  # the return follows the polymorphic argument, else a plain type
                concrete_return = next((v for v, a in zip(variant, args) if a in CONCRETE), CONCRETE[returns][0])
            found.add((name, tuple(variant), concrete_return, aggregate, returns_set))
    return sorted(found)


def plant_functions(conn, schema: str, signatures) -> list[str]:
    """Create each overload in `schema`; the signatures PostgreSQL refused, with why."""
    refused = []
    for i, (name, args, returns, aggregate, returns_set) in enumerate(signatures):
        label = _literal(f"{'aggregate' if aggregate else 'overload'} {schema}.{name}({', '.join(args)})")
        arglist = ", ".join(args)
        if aggregate:
            statements = [
                f"CREATE FUNCTION {schema}.pgsuite_sfunc_{i}({', '.join([returns, *args])}) RETURNS {returns}"
                f" LANGUAGE plpgsql AS $body$ BEGIN PERFORM public.pgsuite_pwned({label}); RETURN $1; END $body$",
                f"CREATE AGGREGATE {schema}.{_ident(name)}({arglist or '*'}) (SFUNC = {schema}.pgsuite_sfunc_{i},"
                f" STYPE = {returns})"]
        else:
            result = f"SETOF {returns}" if returns_set else returns
            finish = "" if returns == "void" else ("RETURN;" if returns_set else "RETURN NULL;")
            statements = [f"CREATE FUNCTION {schema}.{_ident(name)}({arglist}) RETURNS {result} LANGUAGE plpgsql"
                          f" AS $body$ BEGIN PERFORM public.pgsuite_pwned({label}); {finish} END $body$"]
        try:
            with conn.transaction():
                for statement in statements:
                    conn.execute(statement)
        except psycopg.Error as exc:
            refused.append(f"{name}({arglist}): {exc.diag.message_primary}")
    return refused


def plant_operators(conn, operators=OPERATORS) -> None:
    for i, (op, typ) in enumerate(operators):
        conn.execute(f"CREATE FUNCTION public.pgsuite_op_{i}(a {typ}, b {typ}) RETURNS boolean LANGUAGE sql"
                     f" AS $$ SELECT public.pgsuite_pwned('operator {op}({typ}, {typ})') $$")
        conn.execute(f"CREATE OPERATOR public.{op} (LEFTARG = {typ}, RIGHTARG = {typ},"
                     f" FUNCTION = public.pgsuite_op_{i})")


def plant_temporary_traps(conn, signatures, relations) -> dict[str, int]:
    """Domains named like every built-in type, views like every relation, function overloads."""
    counts = {"domains": 0, "views": 0}
    for typname in [row["typname"] for row in conn.execute(BUILTIN_TYPES).fetchall()]:
        try:
            with conn.transaction():
                conn.execute(f"CREATE DOMAIN pg_temp.{_ident(typname)} AS pg_catalog.{_ident(typname)}"
                             f" CHECK (public.pgsuite_pwned({_literal('domain ' + typname)}))")
            counts["domains"] += 1
        except psycopg.Error:
            pass  # a type no domain may be based on
    conn.execute("CREATE FUNCTION pg_temp.pgsuite_trap() RETURNS trigger LANGUAGE plpgsql AS $$"
                 " BEGIN PERFORM public.pgsuite_pwned('a write to the temporary ' || TG_TABLE_NAME); RETURN NULL; END $$")
    for relname, schema, readable in relations:  # tuples, read by the admin connection
        source = (f"SELECT * FROM {_ident(schema)}.{_ident(relname)}" if readable
                  else "SELECT NULL::text AS trap")
        conn.execute(f"CREATE TEMP VIEW {_ident(relname)} AS {source}"
                     f" WHERE public.pgsuite_pwned({_literal('a read of the temporary ' + relname)})")
        conn.execute(f"CREATE TRIGGER pgsuite_trap INSTEAD OF INSERT OR UPDATE OR DELETE ON pg_temp.{_ident(relname)}"
                     " FOR EACH ROW EXECUTE FUNCTION pg_temp.pgsuite_trap()")
        counts["views"] += 1
    counts["refused functions"] = plant_functions(conn, "pg_temp", signatures)
    return counts


def _ident(name: str) -> str:
    return sql.Identifier(name).as_string(None)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module", params=OWNER_KINDS)
def attacked(request, owner_templates):
    """A database with an attacker's objects planted before and after the deploy, per owner kind."""
    kind = request.param
    owner = owner_name(kind, ADMIN_DSN)
    signatures = overload_signatures(database_dsn(ADMIN_DSN, owner_templates("postgres"), owner_name("postgres", ADMIN_DSN)))
    name = create_database(ADMIN_DSN, owner, prefix="pgsuite_attack")
    admin = database_dsn(ADMIN_DSN, name, owner_name("postgres", ADMIN_DSN))
    attacker_dsn = database_dsn(ADMIN_DSN, name, AUTHENTICATOR)
    owner_dsn = database_dsn(ADMIN_DSN, name, owner)
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")  # the history of PostgreSQL <= 14
        with psycopg.connect(attacker_dsn, autocommit=True) as conn:
            conn.execute(REPORTER)
            public_refused = plant_functions(conn, "public", signatures)
            plant_operators(conn)
        runner.apply(Project.at(ROOT), owner_dsn)
        with psycopg.connect(admin, autocommit=True) as conn:
            still_open = conn.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", (AUTHENTICATOR,)).fetchone()[0]
            relations = conn.execute(SCHEMA_RELATIONS.replace("has_table_privilege(c.oid",
                                                              "has_table_privilege('authenticated', c.oid")).fetchall()
        assert not still_open, "the deploy left CREATE on public to PUBLIC"
        world = make_world(owner_dsn)
        with psycopg.connect(attacker_dsn, autocommit=True, row_factory=dict_row) as attacker:
            attacker.adapters.register_loader("uuid", TextLoader)
            attacker.execute("SET ROLE authenticated")
            temporary = plant_temporary_traps(attacker, signatures, relations)
            attacker.execute("RESET ROLE")
            # the most hostile path: the attacker's own objects first, then public, pg_catalog last
            attacker.execute("SET search_path = pg_temp, public, pg_catalog")
            yield {"kind": kind, "context": Context(world), "attacker": attacker, "owner": owner,
                   "signatures": signatures, "planted": {"refused public functions": public_refused, **temporary}}
        with psycopg.connect(admin, autocommit=True) as conn:
            escalated = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (AUTHENTICATOR,)).fetchone()[0]
            conn.execute(f"ALTER ROLE {AUTHENTICATOR} NOSUPERUSER")
        assert not escalated, f"the attacker {AUTHENTICATOR} became a superuser"
    finally:
        drop_database(ADMIN_DSN, name)


def test_the_traps_are_armed(attacked):
    """Guard against a vacuous pass: the attack really planted its objects."""
    planted = attacked["planted"]
    assert len(attacked["signatures"]) >= 80, "too few overloads to mean anything"
    assert planted["refused public functions"] == [] and planted["refused functions"] == [], planted
    assert planted["domains"] >= 70 and planted["views"] >= 9, planted
    attacker = attacked["attacker"]
    notices = []
    attacker.add_notice_handler(lambda d: notices.append(d.message_primary))
    # in the attacker's own session the traps fire (as the attacker): unqualified types and
    # public's overloads; pg_temp's functions only when named (PostgreSQL never looks there for them)
    attacker.execute("SELECT '00000000-0000-0000-0000-000000000000'::uuid, btrim('x'), jsonb_agg(1), pg_temp.btrim('x')")
    for trap in ("domain uuid", r"overload public\.btrim\(text\)", r"aggregate public\.jsonb_agg\(integer\)",
                 r"overload pg_temp\.btrim\(text\)"):
        assert any(re.match(rf"pgsuite-attack: {trap} ran as {AUTHENTICATOR}$", n) for n in notices), (trap, notices)


@pytest.mark.parametrize("function,role", PAIRS, ids=[f"{f.split('(')[0]}-{r}" for f, r in PAIRS])
def test_no_trap_runs_as_the_owner_in_any_granted_function(attacked, function, role):
    _, notices = call_as(attacked["context"], function, role, conn=attacked["attacker"])
    foreign = [n for n in notices if n.startswith("pgsuite-attack") and not n.endswith(f"ran as {role}")]
    assert foreign == [], f"{function} as {role} ran the attacker's code: {foreign}"


def test_an_operator_planted_before_the_deploy_cannot_capture_the_no_overlap_constraint(owner_templates):
    """public.&&(tstzrange, tstzrange) is a closer match than pg_catalog's &&(anyrange, anyrange)
    for the exclusion constraint of migration 0003. PostgreSQL accepts there only an operator of
    the GiST index's operator family (and only a superuser can add one to it): the deploy fails,
    loudly, and creates nothing; it never runs with the attacker's operator."""
    owner = owner_name("postgres", ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner, prefix="pgsuite_attack")
    try:
        admin = database_dsn(ADMIN_DSN, name, owner)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
        with psycopg.connect(database_dsn(ADMIN_DSN, name, AUTHENTICATOR), autocommit=True) as conn:
            conn.execute(REPORTER)
            conn.execute("CREATE FUNCTION public.pgsuite_overlaps(a tstzrange, b tstzrange) RETURNS boolean"
                         " LANGUAGE sql AS $$ SELECT public.pgsuite_pwned('operator &&') $$")
            conn.execute("CREATE OPERATOR public.&& (LEFTARG = tstzrange, RIGHTARG = tstzrange,"
                         " FUNCTION = public.pgsuite_overlaps, COMMUTATOR = OPERATOR(public.&&))")
        with pytest.raises(MigrationFailed, match="(?s)0003_appointments.*is not a member of operator family"):
            runner.apply(Project.at(ROOT), admin)
        with psycopg.connect(admin, autocommit=True) as conn:
            assert conn.execute("SELECT to_regclass('public.appointments')").fetchone()[0] is None
    finally:
        drop_database(ADMIN_DSN, name)
