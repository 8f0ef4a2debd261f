"""The "compilation" checks: plpgsql_check on every PL/pgSQL function of the target, one check
per function, as a compiler would (a missing column or table, a wrong type, a bad call).

The extension is created inside a transaction that is rolled back, so the target is left as it
was. Where the server has no plpgsql_check, or the role may not create it, the category is "not
run" with the reason, never a pass.
"""

import psycopg
from psycopg.rows import dict_row

from .. import db
from ..results import Finding, Result

CATEGORY = "compilation"
INSTALL_HINT = "Debian: apt-get install postgresql-NN-plpgsql-check"
AVAILABLE = "SELECT installed_version FROM pg_available_extensions WHERE name = 'plpgsql_check'"
# PL/pgSQL functions of the user's schemas (not extensions'); a trigger function is checked
# against a table one of its triggers is on (it needs one to know NEW and OLD)
FUNCTIONS = """
SELECT p.oid, pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes)) AS signature, n.nspname AS schema, p.proname AS name,
       p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype AS is_trigger,
       (SELECT t.tgrelid FROM pg_catalog.pg_trigger AS t WHERE t.tgfoid = p.oid LIMIT 1) AS trigger_table
FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
WHERE l.lanname = 'plpgsql'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                  WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 2
"""
CHECK = """
SELECT lineno, statement, sqlstate, message, detail, hint, level, query
FROM plpgsql_check_function_tb(%(oid)s, %(relid)s, fatal_errors => false, other_warnings => true,
                               extra_warnings => false, performance_warnings => false)
"""


def run(database: db.Database, locate=lambda schema, name: ("", 0)) -> list[Result]:
    """One Result per function; `locate(schema, name)` gives the (file, line) defining it, if known."""
    with db.using(database) as conn:
        try:
            with conn.transaction(force_rollback=True):  # whatever happens here is undone
                available = conn.execute(AVAILABLE).fetchone()
                if available is None:
                    return [_not_run("the plpgsql_check extension is not available on this server "
                                     f"({INSTALL_HINT})")]
                if available[0] is None:
                    try:
                        with conn.transaction():
                            conn.execute("CREATE EXTENSION plpgsql_check")
                    except psycopg.errors.InsufficientPrivilege:
                        return [_not_run("this role may not create the plpgsql_check extension (it needs a "
                                         "superuser); install it in the database, or lint as its owner")]
                functions = conn.cursor(row_factory=dict_row).execute(FUNCTIONS).fetchall()
                return [_check(conn, f, locate) for f in functions] or [_not_run("no PL/pgSQL function to check")]
        except psycopg.errors.UndefinedFunction as exc:
            return [_not_run(f"plpgsql_check did not load: {exc.diag.message_primary}")]


def _check(conn, function: dict, locate) -> Result:
    base = Result(id=f"compile.{function['signature']}", category=CATEGORY, title=f"compile {function['signature']}",
                  status="pass", object=function["signature"], sql=CHECK.strip(),
                  remediation="fix the function's body: it fails when that statement runs")
    if function["is_trigger"] and function["trigger_table"] is None:
        return base.with_(status="skip", detail="not run: a trigger function no trigger uses (plpgsql_check needs "
                                                "the table it fires on)")
    rows = conn.cursor(row_factory=dict_row).execute(
        CHECK, {"oid": function["oid"], "relid": function["trigger_table"] or 0}).fetchall()
    file, line = locate(function["schema"], function["name"])
    findings = [Finding(rule="compile", level="error" if r["level"] == "error" else "warning",
                        message=_message(function["signature"], r), file=file,
                        line=line + (r["lineno"] or 1) - 1 if file else 0, statement=r["query"] or "",
                        object=function["signature"],
                        fix=r["hint"] or "", docs="https://github.com/okbob/plpgsql_check") for r in rows]
    return base.with_findings(findings)


def _message(signature: str, row: dict) -> str:
    where = f"line {row['lineno']} of the body" if row["lineno"] else "the body"
    text = f"{signature}, {where} ({row['statement'] or 'statement'}): {row['message']} [{row['sqlstate']}]"
    return text + (f"; {row['detail']}" if row["detail"] else "")


def _not_run(why: str) -> Result:
    return Result(id="compile.plpgsql_check", category=CATEGORY, title="compile every PL/pgSQL function",
                  status="skip", detail=f"not run: {why}")
