"""`pgsuite lint`: the project's SQL judged before it runs, as one RunResults.

Categories:
- "migration safety": every file parses; pgsuite's rules (lint/rules/) on every statement,
  top-level or inside a DO block or a function body; squawk's rules (`.squawk.toml`). Forward
  migrations, repeatable sql/ files and any file given by path are judged; rollback files and
  scenarios are not (rolling back drops by nature: `migrate check-rollback` rehearses them).
- "style": sqlfluff (`.sqlfluff`) on every file, warnings only.
- "compilation" (with a target): plpgsql_check on every PL/pgSQL function there.

With a target, a table it does not have is new (nobody waits on it), and every finding about a
table says how big it is and how busy. A finding is silenced by `-- pgsuite-ignore: RULE reason`
above its statement, or by a `suppress:` entry of verify/config.yaml; both need the reason.
"""

import contextlib
import functools
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import db
from ..errors import ConfigError
from ..catalog_lint.registry import suppress
from ..project import Project
from ..results import Finding, Result, RunResults, now_iso, run_header
from ..verify import expectations
from ..verify import compile as compile_check
from . import sizes as sizes_lib
from ..parse import statements
from . import scope, sqlfluff, squawk
from .scope import EVERYTHING
from .rules import Context, rules

SAFETY = "migration safety"
STYLE = "style"
JUDGED = ("migration", "repeatable", "sql")  # roles the safety rules and squawk judge
STATEMENT_LIMIT = 2000


def collect(project: Project, paths: list[Path] | None = None) -> list[statements.SqlFile]:
    """The files to lint, each with its role: the project's migrations, sql/ and scenarios by default."""
    root = project.root.resolve()
    if not paths:
        paths = [project.migrations_dir, root / "sql", root / "verify" / "scenarios"]
        paths = [p for p in paths if p.is_dir()]
    found: dict[Path, statements.SqlFile] = {}
    for given in paths:
        if not given.exists():
            raise ConfigError(f"{given}: no such file or folder")
        if given.is_file() and given.suffix != ".sql":
            raise ConfigError(f"{given}: not an .sql file")
        for path in sorted(given.rglob("*.sql")) if given.is_dir() else [given]:
            resolved = path.resolve()
            if resolved not in found:
                found[resolved] = statements.read(path, _name(root, resolved), _role(root, resolved))
    return list(found.values())


def lint(project: Project, paths: list[Path] | None = None, dsn: str | None = None, since: str | None = None,
         whole: bool = False) -> RunResults:
    """What is new judged (sql_lint/scope.py: the migrations accepted already are left out, and
    counted); `paths`, `whole`: every file named, or the whole history."""
    started = time.perf_counter()
    files = collect(project, paths)
    results = RunResults(run=run_header("lint"))
    # one connection for all the target tells, when there is one
    with db.connect(dsn, autocommit=True) if dsn else contextlib.nullcontext() as conn:
        chosen = EVERYTHING if paths else scope.choose(project.root, files, conn, since, whole)
        on_target = {}
        if conn is not None:
            from ..verify.run import describe_target

            results.target = describe_target(conn)
            on_target = dict(live=sizes_lib.read(conn), pg_version=str(results.target["server_version"]).split()[0],
                             live_types=functools.cache(lambda: sizes_lib.column_types(conn)), database=conn)
        results.checks += _scope_line(files, chosen)
        results.checks += safety(project, files, accepted=chosen.accepted, **on_target)
        results.checks += style(project, [f for f in files if f.name not in chosen.accepted])
        if conn is not None:
            results.checks += compile_check.run(conn, function_locator(files))
    results.run["finished_at"] = now_iso()
    results.run["duration_s"] = round(time.perf_counter() - started, 3)
    return results


def _scope_line(files: list[statements.SqlFile], chosen: scope.Scope) -> list[Result]:
    """The one line saying how many accepted migrations were left out (not run: never a pass)."""
    if not chosen.migrations:
        return []
    judged = sum(1 for f in files if f.role == "migration" and f.name not in chosen.accepted)
    return [Result("safety.scope", SAFETY, "what is new is judged", "skip",
                   detail=f"not run on {len(chosen.migrations)} accepted migration(s), {chosen.why}; "
                          f"{judged} judged (`pgsuite lint --all` judges the whole history)")]


def safety(project: Project, files: list[statements.SqlFile], new_tables: set[str] | None = None,
           live: dict | None = None, pg_version: str | None = None, carry: bool = False,
           live_types: Callable[[], dict] | None = None, database: db.Database | None = None,
           accepted: frozenset[str] = frozenset()) -> list[Result]:
    """The migration-safety checks. `new_tables`: created earlier in the same deployment; `carry`:
    a table one file creates is new for the files after it (the files are one deployment);
    `live_types`: reads the target's column types (when a type change needs one). Column types the files make carry in any case: they
    are facts of the history, whether or not it is applied. With the target's `database`, what a
    statement costs the rows of a table the target holds empty is not a finding (it blocks nobody
    for longer than any catalog change)."""
    history = [f for f in files if f.role in JUDGED]
    judged = [f for f in history if f.name not in accepted]
    config = _config_suppressions(project)
    by_rule: dict[str, list[Finding]] = {rule.id: [] for rule in rules()}
    problems = [Finding("syntax", "error", f"SQL syntax error: {f.syntax_error[1]}", file=f.name,
                        line=f.syntax_error[0], fix="fix the statement; PostgreSQL's parser refuses it")
                for f in files if f.syntax_error]
    problems += _bad_ignores([f for f in files if f.name not in accepted])
    created = set(new_tables or ())
    types: dict = {}
    for sql_file in history:
        context = Context(sql_file, new_tables=set(created), live_tables=set(live) if live is not None else None,
                          column_types=types, live_types=live_types)
        for statement in sql_file.statements:
            if sql_file.name in accepted:  # not judged, but what it makes is the history's
                context.learn(statement)
                continue
            for rule in rules():
                for message, obj in rule.check(statement, context) or ():
                    by_rule[rule.id].append(Finding(
                        rule.id, rule.level, message, file=sql_file.name, line=statement.line,
                        statement=statement.text[:STATEMENT_LIMIT], object=obj, fix=rule.fix,
                        docs=f"docs/rules.md#{rule.id.lower()}"))
            context.learn(statement)
        if carry:
            created |= context.new_tables
    if database is not None and live is not None:
        by_rule = _without_empty_tables(by_rule, live, database)
    checks = [Result("safety.syntax", SAFETY, "every file parses (PostgreSQL's parser)", "pass",
                     remediation="fix what the parser refuses").with_findings(
        [f for f in problems if f.rule == "syntax"])]
    checks.append(Result("safety.suppressions", SAFETY, "every pgsuite-ignore names a known rule and gives a reason",
                         "pass", remediation="name the rule's id and say why").with_findings(
        [f for f in problems if f.rule != "syntax"]))
    for rule in rules():
        found = _sized(_suppressed(by_rule[rule.id], files, config), live, rule.work)
        checks.append(Result(f"safety.{rule.id}", SAFETY, f"{rule.id}: {rule.title}", "pass", remediation=rule.fix,
                             level=rule.level).with_findings(found))
    checks += _grouped("safety.squawk", SAFETY, "squawk", judged, config, files, live,
                       lambda: squawk.run(project.root, judged, pg_version),
                       None if squawk.binary() else "squawk is not installed (pip install squawk-cli)")
    return checks


def _without_empty_tables(by_rule: dict[str, list[Finding]], live: dict, database) -> dict[str, list[Finding]]:
    """The findings of the rules about a table's rows (a scan, a rewrite, an index build, a lock
    held while they run) dropped where the target holds the table empty; never those about lost
    data or broken callers."""
    about_rows = {r.id for r in rules() if r.hazard is not None and not r.hazard.data_loss
                  and (r.hazard.work.sizing or not r.hazard.breaks_callers)}
    tables = {f.object for rule_id in about_rows for f in by_rule[rule_id]}
    empty = sizes_lib.empty(database, tables, live) if tables else set()
    return {rule_id: [f for f in found if not (rule_id in about_rows and f.object in empty)]
            for rule_id, found in by_rule.items()}


def style(project: Project, files: list[statements.SqlFile]) -> list[Result]:
    return _grouped("style.sqlfluff", STYLE, "sqlfluff", files, _config_suppressions(project), files, None,
                    lambda: sqlfluff.run(project.root, files), None)


def _grouped(prefix, category, tool, judged, config, files, live, produce, missing) -> list[Result]:
    """One check per rule of an external tool that found something; one passing check if none did."""
    title = f"{tool} on {len(judged)} file(s)"
    if missing:
        return [Result(prefix, category, title, "skip", detail=f"not run: {missing}")]
    if not judged:
        return [Result(prefix, category, title, "skip", detail="not run: no file to judge")]
    started = time.perf_counter()
    try:
        found = _sized(_suppressed(produce(), files, config), live)
    except (RuntimeError, OSError) as exc:
        return [Result(prefix, category, title, "error", detail=f"{tool} could not run: {exc}")]
    duration = round((time.perf_counter() - started) * 1000, 1)
    if not found:
        return [Result(prefix, category, title, "pass", detail=f"no finding in {len(judged)} file(s)",
                       duration_ms=duration)]
    checks = []
    for rule in sorted({f.rule for f in found}):
        mine = [f for f in found if f.rule == rule]
        checks.append(Result(f"{category_prefix(prefix)}.{rule}", category, f"{rule}", "pass", remediation=mine[0].fix,
                             level=mine[0].level, duration_ms=duration).with_findings(mine))
    return checks


def category_prefix(prefix: str) -> str:
    return prefix.split(".")[0]


def _suppressed(found: list[Finding], files, config) -> list[Finding]:
    """Inline suppressions (the statement's pgsuite-ignore comments) first, then the config's."""
    tops = {f.name: [s for s in f.statements if not s.context] for f in files}
    out = []
    for finding in found:
        statement = _statement_at(tops.get(finding.file, []), finding.line)
        reason = next((why for rule, why in (statement.ignores if statement else ()) if why and _names(rule, finding.rule)),
                      None)
        out.append(replace(finding, suppressed=reason, suppressed_by="source") if reason else finding)
    return suppress(out, config)


def _names(token: str, rule: str) -> bool:
    """An ignore names a rule by its id, or by its short form (M001 for M001_create_index_...)."""
    return token == rule or rule.startswith(token + "_")


def _statement_at(tops, line: int):
    before = [s for s in tops if s.line <= line]
    return before[-1] if before else None


def _bad_ignores(files) -> list[Finding]:
    known = {rule.id for rule in rules()}
    problems = []
    for sql_file in files:
        for statement in sql_file.statements:
            if statement.context:
                continue
            for token, why in statement.ignores:
                known_rule = any(_names(token, k) for k in known) or token.startswith(("squawk.", "sqlfluff."))
                if not known_rule:
                    problems.append(Finding("suppression", "error", f"pgsuite-ignore names no known rule: {token}",
                                            file=sql_file.name, line=statement.line))
                elif not why:
                    problems.append(Finding("suppression", "error",
                                            f"pgsuite-ignore {token} gives no reason, so it silences nothing",
                                            file=sql_file.name, line=statement.line))
    return problems


def _sized(found: list[Finding], live: dict | None, work: str | None = None) -> list[Finding]:
    if not live:
        return found
    return [replace(f, message=f"{f.message} ({f.object}: {live[f.object].describe(work)})") if f.object in live
            else f for f in found]


def _config_suppressions(project: Project):
    config = project.root / "verify" / "config.yaml"
    return expectations.load_suppressions(config) if config.exists() else []


def function_locator(files):
    """(schema, name) -> (file, first line of the body) of the last file that defines the function."""
    where = {}
    for sql_file in files:
        for statement in sql_file.statements:
            node = statement.node
            if not statement.context and type(node).__name__ == "CreateFunctionStmt":
                parts = [p.sval for p in node.funcname]
                schema, name = (parts[0], parts[-1]) if len(parts) > 1 else ("public", parts[0])
                body = next((o.arg[0].sval for o in node.options or () if o.defname == "as"), "")
                where[(schema, name)] = (sql_file.name, statements.body_line(statement, body))
    return lambda schema, name: where.get((schema, name), ("", 0))


def _name(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _role(root: Path, path: Path) -> str:
    parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
    if parts[:1] == ("migrations",):
        return "rollback" if path.name.endswith(".rollback.sql") else "migration"
    if parts[:1] == ("sql",):
        return "repeatable"
    if parts[:2] == ("verify", "scenarios"):
        return "scenario"
    return "sql"
