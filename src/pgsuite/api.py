"""pgsuite as a library: one function per command, what the CLI only parses arguments for (as
alembic's `command` module is to its CLI). Nothing here prints or exits: a run returns the one
results model (results.RunResults) or an outcome that holds it, bad input raises
errors.ConfigError (the CLI's exit 2), a failed check is a verdict, not an exception.

    from pgsuite import api

    project = api.project("path/to/project")
    target = api.target(project, "host=db.internal dbname=app")  # None: libpq's env, then embedded
    outcome = api.deploy(project, target)
    print(outcome.results.verdict, outcome.report_paths["md"])

Progress: pass `progress=` a callable taking a progress.Step (`print(step.line())` shows what
the CLI shows); the default shows nothing. docs/library.md has the whole list.
"""

from pathlib import Path

from .progress import Progress, quiet
from .project import Project
from .target import Target


def project(root: str | Path = ".") -> Project:
    return Project.at(Path(root))


def target(project: Project, dsn: str | None = None) -> Target:
    """The database to work on: `dsn`, else PGSUITE_DSN, DATABASE_URL, libpq's variables, else
    the project's embedded server (started if needed), as every command resolves it."""
    from .target import resolve

    return resolve(dsn, project)


def deploy(project: Project, target: Target, progress: Progress = quiet, **options):
    """Gate, apply, verify, compile, save the run and write its report: deploy.Outcome.
    options: with_tests, tests_junit, lock_timeout, junit, allow_unsafe, policy (deploy.deploy)."""
    from . import deploy as deploy_lib

    return deploy_lib.deploy(project, target, progress=progress, **options)


def plan(project: Project, target: Target):
    """What a deploy would apply, with each statement's locks (deploy --dry-run): deploy.Plan."""
    from . import deploy as deploy_lib

    return deploy_lib.plan(project, target)


def verify(project: Project, target: Target, expect_file: Path | None = None, with_scenarios: bool = True):
    """The live catalog against verify/, the catalog lints and the scenarios: RunResults."""
    from .verify import run

    inputs = run.prepare(project.verify_dir, expect_file)  # bad expectations raise before any connection
    return run.verify(target.dsn, project.verify_dir, with_scenarios=with_scenarios, inputs=inputs)


def lint(project: Project, paths: list[Path] | None = None, target: Target | None = None):
    """The SQL-file rules, squawk and sqlfluff on the project's SQL (sized on `target` if given): RunResults."""
    from .sql_lint import run

    return run.lint(project, paths, target.dsn if target else None)


def migrate_apply(project: Project, target: Target, to: str | None = None, progress: Progress = quiet, **options):
    """Pending migrations (gated when options has gate=), then changed repeatables: runner.MigrationRun."""
    from .migrate import runner

    return runner.apply(project, target.dsn, to=to, progress=progress, **options)


def migrate_rollback(project: Project, target: Target, to: str | None = None, count: int | None = None,
                     progress: Progress = quiet, **options):
    from .migrate import runner

    return runner.rollback(project, target.dsn, to=to, count=count, progress=progress, **options)


def migrate_status(project: Project, target: Target):
    """Every migration and repeatable file with its state: list of migrate.status.Entry."""
    from .migrate.status import status

    return status(project, target.dsn)


def migrate_import(root: str | Path, source: str | Path, source_format: str | None = None):
    """Another tool's history written as migrations/ files (the project made if need be): importer.ImportRun."""
    from .migrate import importer

    return importer.run(Path(root), Path(source), source_format)


def migrate_adopt(project: Project, target: Target):
    """What the imported migrations' tool applied on `target`, recorded as applied: adopt.Adopted."""
    from .migrate import adopt

    return adopt.adopt(project, target.dsn)


def check_rollback(project: Project, target: Target, progress: Progress = quiet):
    """Each migration applied, rolled back and applied again on a scratch database: RunResults."""
    from .migrate import rehearse

    return rehearse.check_rollback(project, target.dsn, progress=progress)


def load_fleet(path: str | Path):
    """A fleet file, validated whole: fleet.file.Fleet."""
    from .fleet import file

    return file.load(path)


def deploy_fleet(project: Project, fleet, progress: Progress = quiet, **options):
    """Every target deployed, wave after wave, and the fleet report written: fleet.run.FleetDeploy.
    options: continue_on_failure, junit, lock_timeout, allow_unsafe, policy."""
    from .fleet import run

    return run.deploy_file(project, fleet, progress=progress, **options)


def verify_fleet(project: Project, fleet, against: str | None = None, with_scenarios: bool = True,
                 progress: Progress = quiet):
    """Every target verified against verify/ (or against the target named `against`): fleet.verify.TargetVerify list."""
    from .fleet import verify as fleet_verify

    return fleet_verify.verify_fleet(project, fleet, against, with_scenarios, progress)


def fleet_status(project: Project, fleet) -> list[dict]:
    from .fleet import status

    return status.status(project, fleet)


def bench_workload(project: Project, target: Target, name: str, repeat: int | None = None,
                   progress: Progress = quiet) -> dict:
    """The project's bench/NAME.yaml run, judged against its thresholds and baseline, and saved."""
    from .bench import suite, workload

    return suite.run_workload(project, target.dsn, workload.load(project, name, repeat), progress)


def bench_all(project: Project, target: Target, progress: Progress = quiet, **options):
    """bench verify, lint, fleet and every workload: bench.suite.AllBenchmarks.
    options: tables, migrations, repeat, targets (and duration, for the workloads)."""
    from .bench import suite

    workloads = suite.load_all(project, options.get("repeat"), options.pop("duration", None))
    return suite.run_all(project, target.dsn, workloads, progress=progress, **options)


def report(project: Project, results, fmt: str = "md", baseline="auto") -> str:
    """A run's report (md, html, json, junit) compared with `baseline` ("auto": the latest passing
    or approved run against the same target; None: no comparison; or a RunResults)."""
    from .render import report as render
    from .report.runs import RunStore

    return render.render(project, results, RunStore(project.runs_dir).compare(results, baseline), fmt)
