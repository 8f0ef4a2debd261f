"""`pgsuite migrate check-rollback`: every migration's rollback rehearsed, in order, on a scratch
database of the target's server: read the catalog, apply the migration, roll it back, read the
catalog again and name every object that differs (left behind, or gone), then apply it again so
the next migration starts from its real base.

Roles are cluster-wide and shared with other databases: a rollback leaves them on purpose, so
they are not compared; nor are yoyo's bookkeeping tables. A difference meant to be (a rollback
that keeps a validated constraint valid, say) is accepted in verify/config.yaml like any
finding: `{lint: rollback, object: <what it names>, reason: ...}`. The target is never touched.
"""

import fnmatch
import time

from .. import db
from ..errors import CheckFailed
from ..progress import Progress, Step, quiet
from ..catalog_lint.registry import suppress
from ..project import Project
from ..results import Finding, Result, RunResults, now_iso, run_header
from ..verify import catalog, kinds
from ..verify.expectations import DEFAULT_EXCLUDED_SCHEMAS, load_suppressions
from . import files as migration_files
from . import runner
from .backend import BOOKKEEPING_TABLES

CATEGORY = "rollback"
NOT_COMPARED = ("roles",)  # cluster-wide


def check_rollback(project: Project, dsn: str, progress: Progress = quiet) -> RunResults:
    migrations = migration_files.discover(project.migrations_dir)  # bad files: exit 2 before any database
    config = project.verify_dir / "config.yaml"
    accepted = load_suppressions(config) if config.exists() else []
    results = RunResults(run=run_header("migrate check-rollback"))
    with db.scratch_database(dsn, "pgsuite_rehearsal") as scratch:
        stopped = ""
        for migration in migrations:
            base = Result(f"rollback.{migration.id}", CATEGORY, f"rollback of {migration.id} restores the schema",
                          "pass", object=f"migrations/{migration.id}.rollback.sql", expected="the catalog as before",
                          remediation="make the rollback drop (or restore) exactly what the migration changed")
            if stopped:
                results.checks.append(base.with_(status="skip", detail=f"not run: {stopped}"))
                continue
            started = time.perf_counter()
            try:
                before = _document(scratch)
                runner.apply(project, scratch, to=migration.id)
                runner.rollback(project, scratch, count=1)
                differences = diff(before, _document(scratch))
            except CheckFailed as exc:
                results.checks.append(base.with_(status="error", detail=str(exc), actual="failed"))
                stopped = f"the rehearsal of {migration.id} failed"
                continue
            found = [Finding("rollback", "error", f"{what}: {how}", object=what) for what, how in differences]
            check = base.with_findings(suppress(found, accepted))
            try:
                runner.apply(project, scratch, to=migration.id)  # the next one starts from its real base
            except CheckFailed as exc:  # what the rollback left behind is often what makes this fail
                check = check.with_(status="fail" if check.status == "fail" else "error",
                                    detail="\n".join(filter(None, [check.detail, f"applying it again failed: {exc}"])))
                stopped = f"{migration.id} could not be applied again after its rollback"
            seconds = time.perf_counter() - started
            progress(Step("rehearsed", migration.id, seconds))
            results.checks.append(check.with_(duration_ms=round(seconds * 1000, 1)))
    results.run["finished_at"] = now_iso()
    return results


def _document(dsn: str) -> dict:
    with db.connect(dsn) as conn:
        document = catalog.read(conn, DEFAULT_EXCLUDED_SCHEMAS).document
    for schema, spec in document["schemas"].items():
        spec["tables"] = {name: table for name, table in spec.get("tables", {}).items()
                          if not any(fnmatch.fnmatchcase(f"{schema}.{name}", p) for p in BOOKKEEPING_TABLES)}
    return {k: v for k, v in document.items() if k not in NOT_COMPARED}


def diff(before: dict, after: dict, path: tuple = ()) -> list[tuple[str, str]]:
    """(what, how) for every object or attribute that differs: left behind, gone, or changed."""
    found = []
    for key in sorted(set(before) | set(after), key=str):
        here = path + (key,)
        is_object = len(here) >= 2 and _kind(here[-2]) is not None
        if key not in after:
            found.append((describe(here), "gone after the rollback (the migration did not create it)" if is_object
                          else f"{before[key]!r} before, not set after the rollback"))
        elif key not in before:
            found.append((describe(here), "left behind by the rollback" if is_object
                          else f"not set before, {after[key]!r} after the rollback"))
        elif isinstance(before[key], dict) and isinstance(after[key], dict):
            found += diff(before[key], after[key], here)
        elif before[key] != after[key]:
            found.append((describe(here), f"{before[key]!r} before, {after[key]!r} after the rollback"))
    return found


def describe(path: tuple) -> str:
    """('schemas', 'public', 'tables', 't', 'columns', 'c') -> 'column public.t.c'."""
    names, label, index = [], "", 0
    while index < len(path):
        section = path[index]
        kind = _kind(section)
        if kind is None or index + 1 >= len(path):
            attribute = ".".join(map(str, path[index:]))
            return f"{label} {'.'.join(names)} {attribute}".strip() if label else attribute
        names.append(str(path[index + 1]))
        label = kind.label()
        index += 2
    return f"{label} {'.'.join(names)}"


def _kind(section):
    try:
        return kinds.by_name(section)
    except (KeyError, StopIteration, ValueError):
        return None
