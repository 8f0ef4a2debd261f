"""`pgsuite deploy`: apply, verify, save the run, render the report. Every step's outcome is a
check in the one results model, so a failed migration is a failing check, not a crash."""

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .bench.store import BenchStore
from .context import RunContext
from .errors import LockTimeout, MigrationFailed, ValidationFailed
from .progress import Progress, Step, quiet
from .verify import api_surface
from .verify import compile as compile_check
from .sql_lint import gate
from .sql_lint import run as lint_run
from .migrate import files as migration_files
from .migrate import repeatable, runner
from .migrate.repeatable import RepeatableFailed
from .migrate.retry import LockRetry
from .migrate.status import status as migration_status
from .project import Project
from .report.baseline import Comparison
from .render import report as render
from .report import impact, pytest_junit
from .report.runs import RunStore
from .results import Result, RunResults, new_run_id, now_iso, run_header
from .target import Target
from .verify.run import describe_target, verify


@dataclass
class Plan:
    """What a deploy would do: pending migrations (with their impact) and changed repeatables."""

    pending: list[dict] = field(default_factory=list)
    repeatables: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    results: RunResults
    comparison: Comparison
    report_paths: dict[str, Path]


def plan(project: Project, target: Target) -> Plan:
    """Read-only: nothing is written to the database or the run store."""
    files = {f.id: f for f in migration_files.discover(project.migrations_dir)}
    entries = migration_status(project, target.dsn)
    result = Plan()
    created: set[str] = set()
    for e in entries:
        if e.kind == "migration" and e.state == "pending":
            effects = impact.analyse(files[e.name].statements, created)
            result.pending.append({"id": e.name, "effects": [x.as_dict() for x in effects]})
        elif e.kind == "repeatable" and e.state != "applied":
            result.repeatables.append(e.name)
    return result


def deploy(project: Project, target: Target, with_tests: bool = False, tests_junit: Path | None = None,
           progress: Progress = quiet, lock_timeout: str = "60s", junit: Path | None = None,
           allow_unsafe: str | None = None, policy: LockRetry = LockRetry()) -> Outcome:
    """Lint what would be applied (the gate), apply, verify, compile, (test,) save and report.
    `tests_junit` reads a pytest JUnit XML already written (a CI job that ran the tests before);
    `with_tests` runs the project's pytest suite now; `allow_unsafe` (a reason) lets error-level
    findings of the gate through, recorded with them."""
    context = RunContext.read(project, target)  # a bad file exits 2 with nothing applied
    store = RunStore(project.runs_dir)
    run_id = new_run_id()
    started = time.perf_counter()
    results = RunResults(run=run_header("deploy", run_id, git_commit=project.git_commit()))
    with context.connected():
        _deploy_steps(context, results, progress, lock_timeout, allow_unsafe, policy)
    if tests_junit is not None:
        results.checks += pytest_junit.read(tests_junit)
    elif with_tests:
        results.checks += pytest_junit.run_pytest(project.root, store.root / run_id / "pytest.xml")
    else:
        results.checks.append(Result("tests.pytest", "tests", "project test suite (pytest)", "skip",
                                     detail="not run: pass --with-tests to run the project's pytest suite"))
    # measured earlier, on this server: shown beside this run, never counted among its checks
    results.benchmarks = BenchStore(project.bench_dir).latest(results.target.get("system_identifier"))
    results.run["finished_at"] = now_iso()
    results.run["duration_s"] = round(time.perf_counter() - started, 2)
    store.save(results)
    comparison = store.compare(results)
    paths = render.write_reports(project, results, comparison, store.root / run_id, junit)
    return Outcome(results, comparison, paths)


def _deploy_steps(context: RunContext, results: RunResults, progress, lock_timeout: str,
                  allow_unsafe: str | None, policy: LockRetry) -> None:
    """Everything a deploy does on the database, each step on the context's connection."""
    project, conn, inputs = context.project, context.conn, context.verify
    results.target = {**describe_target(conn), "source": context.target.source}
    api_roles = list(inputs.expected.project.api_roles or [])
    surface_before = api_surface.read(conn, api_roles) if api_roles else None
    before = migration_status(project, conn, context.migrations, context.repeatables)
    pending = [e.name for e in before if e.kind == "migration" and e.state == "pending"]
    changed = [e.name for e in before if e.kind == "repeatable" and e.state != "applied"]

    applied: list[tuple[str, float]] = []

    def record(step: Step) -> None:  # what was applied, even when a later migration fails
        if step.what == "applied":
            applied.append((step.subject, step.seconds))
        progress(step)

    safety = gate.Gate(project, conn, allow_unsafe)  # refuses (raises) before anything is applied
    checks, repeatables = _apply(context, record, applied, pending, lock_timeout, safety, policy)
    results.checks += (safety.verdict.checks if safety.verdict else []) + checks
    files, by_name = context.migration_by_id, context.repeatable_by_name
    created: set[str] = set()  # tables this deployment created: nobody else waits on them
    # the head: the last migration, in file order, applied before this run or by it
    done = {e.name for e in before if e.kind == "migration" and e.state == "applied"} | {m for m, _ in applied}
    heads = [m.id for m in context.migrations if m.id in done]
    results.deployment = {
        "applied": [_applied_entry(files[m], seconds, created) for m, seconds in applied],
        "not_applied": [m for m in pending if m not in dict(applied)],
        "repeatables": [_repeatable_entry(by_name[name], created) for name in repeatables],
        "repeatables_pending": [name for name in changed if name not in repeatables],
        "migration_head": heads[-1] if heads else None,
    }
    if safety.verdict and safety.verdict.overridden:
        results.deployment["allow_unsafe"] = {"reason": allow_unsafe,
                                              "findings": [asdict(f) for f in safety.verdict.overridden]}
    # behaviour is judged on the schema the project makes: after a failed migration the scenarios
    # would only fail on what is missing, so they are not run, and say why
    stopped = [c.id for c in checks if c.category == "migrations" and c.status in ("fail", "error")]
    verified = verify(context.target.dsn, project.verify_dir, inputs=inputs, with_scenarios=not stopped, conn=conn)
    results.checks += verified.checks
    if stopped and inputs.scenarios.files:
        results.checks.append(Result("scenarios.not_run", "scenarios", "behavioural scenarios", "skip",
                                     detail=f"not run: {', '.join(stopped)} failed, so the schema is not the "
                                            "project's"))
    results.target["deployer"] = verified.target.get("deployer")
    results.catalog = verified.catalog
    results.checks += compile_check.run(conn, lint_run.function_locator(lint_run.collect(project)))
    # what changed for the API's callers, as a fact of this deployment (it is applied: a warning)
    surface_after = api_surface.read(conn, api_roles) if api_roles else None
    results.checks.append(api_surface.check(surface_before, surface_after, api_roles, level="warning"))


def _apply(context: RunContext, progress, applied: list[tuple[str, float]], pending: list[str],
           lock_timeout: str, safety: gate.Gate, policy: LockRetry) -> tuple[list[Result], list[str]]:
    """The migration step as checks: validation, each pending migration applied, failed or not run,
    the repeatables; and the repeatable files re-applied."""
    validated = Result("migrations.validate", "migrations", "applied migrations match their files", "pass",
                       detail="checksums of every applied migration and rollback file match")
    started = time.perf_counter()
    failure, why_not, outcome = None, "", None
    try:
        outcome = runner.apply(context.project, context.target.dsn, progress=progress, lock_timeout=lock_timeout,
                               gate=safety, policy=policy, connection=context.conn, files=context.migrations,
                               repeatables=context.repeatables)
    except ValidationFailed as exc:
        validated = validated.with_(status="fail", detail="\n".join(exc.problems),
                                    remediation="restore the applied files as they were, and change the schema "
                                                "with a new migration")
        why_not = "the applied migrations do not match their files"
    except MigrationFailed as exc:
        migration_id = exc.migration_id.split(" ")[0]
        failure = Result(f"migration.{migration_id}", "migrations", f"apply {migration_id}", "fail",
                         object=f"migrations/{migration_id}.sql", detail=str(exc), sql=exc.statement,
                         duration_ms=round((time.perf_counter() - started) * 1000, 1),
                         remediation="fix the migration: it was rolled back, nothing of it is applied")
        why_not = f"{migration_id} failed before it"
    except LockTimeout as exc:
        failure = Result("migrations.lock", "migrations", "the migration lock", "error", detail=str(exc),
                         remediation="wait for the other run to finish, or raise --lock-timeout")
        why_not = "the migration lock was not obtained"
    except RepeatableFailed as exc:
        failure = Result("migrations.repeatables", "migrations", "repeatable sql/ files", "fail", detail=str(exc),
                         remediation="fix the file: no repeatable file was applied")
    checks = [validated]
    done = dict(applied)
    for m in pending:
        if m in done:
            checks.append(Result(f"migration.{m}", "migrations", f"apply {m}", "pass", object=f"migrations/{m}.sql",
                                 duration_ms=round(done[m] * 1000, 1)))
        elif failure is not None and failure.id == f"migration.{m}":
            checks.append(failure)
        elif why_not:
            checks.append(Result(f"migration.{m}", "migrations", f"apply {m}", "skip", object=f"migrations/{m}.sql",
                                 detail=f"not run: {why_not}"))
    if failure is not None and failure.id == "migrations.lock":
        checks.append(failure)
    if not pending:
        checks.append(Result("migrations.pending", "migrations", "pending migrations", "pass",
                             detail="none pending: the database was up to date"))
    if failure is not None and failure.id == "migrations.repeatables":
        checks.append(failure)
    elif why_not:
        checks.append(Result("migrations.repeatables", "migrations", "repeatable sql/ files", "skip",
                             detail=f"not run: {why_not}"))
    else:
        checks.append(Result("migrations.repeatables", "migrations", "repeatable sql/ files", "pass",
                             detail=("re-applied: " + ", ".join(outcome.repeatables)) if outcome.repeatables
                             else "all unchanged"))
    return checks, (outcome.repeatables if outcome else [])


def _applied_entry(file: migration_files.MigrationFile, seconds: float, created: set[str]) -> dict:
    return {
        "id": file.id,
        "seconds": round(seconds, 3),
        "statements": len(file.statements),
        "transactional": file.transactional,
        "rollback_file": file.rollback_checksum is not None,
        "rollback_statements": len(file.rollback_statements),
        "effects": [e.as_dict() for e in impact.analyse(file.statements, created)],
    }


def _repeatable_entry(file: repeatable.RepeatableFile, created: set[str]) -> dict:
    """A re-applied sql/ file and what its statements do to live tables (policies dropped and made...)."""
    return {"name": file.name, "effects": [e.as_dict() for e in impact.analyse([file.text], created)]}
