"""`pgsuite bench`: timings as ratios against a baseline measured in the same run.

lint: `pgsuite lint` on the project (the baseline), then on the project plus N generated
migrations (tables, indexes, columns, a DO block, a CREATE INDEX CONCURRENTLY migration every
tenth), in a copy of the project in a temporary folder; median of R runs, no database.

verify: the project's schema alone (the baseline), then the schema plus N generated tables
(the project's verify/bench_tables.sql when it has one, shaped like its own; generic ones if not), each verified against a snapshot of itself, median of R runs. Runs in a scratch
database created on the target server and dropped afterwards. Where the server has pgTAP, the
same objects of the grown schema are also asserted by a pgTAP suite (bench.pgtap), timed the same
way; where it has not, that case says it was not run, and why.
"""

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import content_cache, db, queries, server
from . import pgtap as bench_pgtap
from ..errors import ConfigError
from ..migrate import runner
from ..project import Project
from ..verify import catalog, snapshot
from ..verify.expectations import DEFAULT_EXCLUDED_SCHEMAS
from ..verify.run import verify


@dataclass(frozen=True)
class Measurement:
    case: str
    objects: int  # checks run
    median_ms: float | None  # None: not run (the note says why)
    runs: list[float]
    ratio: float | None  # median / the baseline's median
    note: str = ""  # a line under the table: a comparison, or why the case was not run

    @property
    def per_object_ms(self) -> float | None:
        return None if self.median_ms is None else (self.median_ms / self.objects if self.objects else 0.0)


def bench_verify(project: Project, dsn: str, tables: int = 1000, repeat: int = 5) -> list[Measurement]:
    with db.scratch_database(dsn, "pgsuite_bench") as target:
        runner.apply(project, target)
        baseline = _measure("schema", project, target, project.root / "verify" / "schema.yaml", repeat)
        with db.connect(target, autocommit=True) as conn:
            conn.execute("SELECT set_config('pgsuite.bench_tables', %s, false)", (str(tables),))
            conn.execute(_table_generator(project))
        with tempfile.TemporaryDirectory() as tmp:
            pinned = Path(tmp) / "with_tables.yaml"
            pinned.write_text(snapshot.snapshot(target), encoding="utf-8")
            grown = _measure(f"schema + {tables} tables", project, target, pinned, repeat)
            processes = _measure_processes(project, target, pinned, tables, repeat, baseline[2])
        pgtap = _measure_pgtap(f"pgTAP, schema + {tables} tables", target, repeat, baseline[2], grown[2])
    return [
        Measurement(baseline[0], baseline[1], baseline[2], baseline[3], 1.0),
        Measurement(grown[0], grown[1], grown[2], grown[3], round(grown[2] / baseline[2], 2)),
        *processes,
        pgtap,
    ]


def _measure_processes(project: Project, target: str, pinned: Path, tables: int, repeat: int,
                       baseline_ms: float) -> list[Measurement]:
    """Whole processes on the grown schema, in turn: pg_dump --schema-only (the server's own
    version's where the machine has it) and `pgsuite verify --no-scenarios`, cold (no parsed
    expectations cached) and warm, on a copy of the project (its cache is left alone)."""
    with db.connect(target) as conn:
        relations = conn.execute(queries.load("bench_relations")).fetchone()[0]
        dump = [str(server.pg_dump_for(conn.info.server_version)), "--schema-only", "--dbname", target]
    with tempfile.TemporaryDirectory() as tmp:
        copy = _copy_of(project, Path(tmp))
        check = [sys.executable, "-m", "pgsuite", "--project", str(copy.root), "verify", "--dsn", target,
                 "--expect", str(pinned), "--no-scenarios", "--output", str(Path(tmp) / "out")]
        runs: dict[str, list[float]] = {"pg_dump": [], "cold": [], "warm": []}
        for _ in range(repeat):
            shutil.rmtree(content_cache.folder(copy.root), ignore_errors=True)
            for case, command in (("pg_dump", dump), ("cold", check), ("warm", check)):
                started = time.perf_counter()
                done = subprocess.run(command, env=db.client_environment(target), capture_output=True, text=True)
                runs[case].append(round((time.perf_counter() - started) * 1000, 1))
                if done.returncode != 0:
                    raise ConfigError(f"bench verify: {command[0]} exited {done.returncode}: "
                                      f"{(done.stderr or done.stdout).strip()[-300:]}")
    dump_ms = statistics.median(runs["pg_dump"])
    found = [Measurement(f"pg_dump --schema-only, schema + {tables} tables (process)", relations, dump_ms,
                         runs["pg_dump"], round(dump_ms / baseline_ms, 2))]
    for case in ("cold", "warm"):
        median = statistics.median(runs[case])
        found.append(Measurement(f"pgsuite verify --no-scenarios, {case} (process)", relations, median, runs[case],
                                 round(median / baseline_ms, 2),
                                 f"verify {case}, whole process: {median / dump_ms:.2f}x pg_dump --schema-only's "
                                 f"time on the same {relations} relations (target: 2x)"))
    return found


def _measure_pgtap(case: str, target: str, repeat: int, baseline_ms: float, pgsuite_ms: float) -> Measurement:
    """After pgsuite's runs (the extension is not in the snapshot they verify against)."""
    with db.connect(target) as conn:
        if not bench_pgtap.available(conn):
            return Measurement(case, 0, None, [], None, "pgTAP baseline not run: the server has no pgtap extension "
                                                        "(Debian: postgresql-NN-pgtap)")
        conn.commit()
        tests = bench_pgtap.assertions(catalog.read(conn, DEFAULT_EXCLUDED_SCHEMAS).document)
        conn.execute("CREATE SCHEMA pgtap")  # the scratch database is the bench role's own: it may
        conn.execute("CREATE EXTENSION pgtap SCHEMA pgtap")  # (Debian's pgtap needs no superuser)
        conn.execute("SET search_path = pgtap, pg_catalog")
        conn.commit()
        runs = [round(bench_pgtap.run(conn, tests), 1) for _ in range(repeat)]
    median = statistics.median(runs)
    return Measurement(case, len(tests), median, runs, round(median / baseline_ms, 2),
                       f"pgTAP took {median / pgsuite_ms:.2f}x pgsuite's time on the same objects "
                       f"({len(tests)} assertions; pgsuite also checks bodies, settings and RLS, "
                       "and runs lints and scenarios)")


def bench_lint(project: Project, migrations: int = 200, repeat: int = 3) -> list[Measurement]:
    """Cold: nothing cached (every file linted by sqlfluff); warm: sqlfluff's answers cached, as when
    only a new migration was added. Both on copies, so the project's own cache is left alone."""
    from ..sql_lint import run as lint_run  # heavy: only for this benchmark

    def measure(case: str, root: Path, cold: bool):
        copy = Project.at(root)
        runs, checks = [], 0
        for _ in range(repeat):
            if cold:
                shutil.rmtree(content_cache.folder(root), ignore_errors=True)
            started = time.perf_counter()
            results = lint_run.lint(copy)
            runs.append(round((time.perf_counter() - started) * 1000, 1))
            checks = len(results.checks)
        return case, checks, statistics.median(runs), runs

    measured = []
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy_of(project, Path(tmp)).root
        measured += [measure("project, cold", root, True), measure("project, warm", root, False)]
        _generate_migrations(root / "migrations", migrations)
        grown = f"project + {migrations} migrations"
        measured += [measure(f"{grown}, cold", root, True), measure(f"{grown}, warm", root, False)]
    baseline = measured[0][2]
    return [Measurement(*m, round(m[2] / baseline, 2)) for m in measured]


def bench_fleet(project: Project, dsn: str, targets: int = 50, parallel: int = 8) -> list[Measurement]:
    """N fresh databases deployed one after another (the baseline: N single deploys), then N more
    as one fleet with `parallel` at once; each deploy applies, verifies and reports, on a copy of
    the project (its runs and reports land in a temporary folder)."""
    from contextlib import ExitStack

    from .. import deploy as deploy_lib
    from ..fleet.file import Fleet, FleetTarget, Wave
    from ..fleet.run import deploy_fleet
    from ..target import Target

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as databases:
        copy = _copy_of(project, Path(tmp))
        dsns = [databases.enter_context(db.scratch_database(dsn, "pgsuite_bench_fleet")) for _ in range(2 * targets)]
        started = time.perf_counter()
        for n, target in enumerate(dsns[:targets]):
            outcome = deploy_lib.deploy(copy, Target(target, "bench"))
            if not outcome.results.passed:
                raise ConfigError(f"bench fleet: single deploy {n + 1} failed: fix the schema first")
        sequential_ms = (time.perf_counter() - started) * 1000
        fleet = Fleet(copy.root / "fleet.yaml", (Wave("all", tuple(FleetTarget(f"t{n}", target) for n, target
                                                               in enumerate(dsns[targets:])), parallel),))
        started = time.perf_counter()
        _, outcomes = deploy_fleet(copy, fleet, deploy_lib.deploy)
        fleet_ms = (time.perf_counter() - started) * 1000
        failed = [o for o in outcomes if o.verdict != "PASS"]
        if failed:
            raise ConfigError(f"bench fleet: {len(failed)} fleet target(s) failed "
                              f"({', '.join(o.name for o in failed[:5])}): {failed[0].error or 'see the checks'}")
    return [Measurement(f"{targets} single deploys, one after another", targets, round(sequential_ms, 1),
                        [round(sequential_ms, 1)], 1.0),
            Measurement(f"fleet of {targets}, {parallel} at once", targets, round(fleet_ms, 1), [round(fleet_ms, 1)],
                        round(fleet_ms / sequential_ms, 2))]


def _copy_of(project: Project, root: Path) -> Project:
    """The project's files and lint configuration in `root`: benchmarks write their caches, runs
    and reports there, never into the project."""
    for part in ("migrations", "sql", "verify", "reports/templates"):
        if (project.root / part).is_dir():
            shutil.copytree(project.root / part, root / part)
    for config in (".squawk.toml", ".sqlfluff"):
        if (project.root / config).exists():
            shutil.copy(project.root / config, root / config)
    return Project.at(root)


def _generate_migrations(folder: Path, count: int) -> None:
    start = max(int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]_*.sql")) + 1
    for i in range(count):
        name = f"{start + i:04d}_bench_{i}"
        if i % 10 == 9:
            body = ("-- transactional: false\n"
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_bench_{i - 1}_note ON public.bench_{i - 1} (note);\n")
            undo = f"-- transactional: false\nDROP INDEX CONCURRENTLY IF EXISTS public.idx_bench_{i - 1}_note;\n"
        else:
            body = (f"CREATE TABLE public.bench_{i} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                    "    note text,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n"
                    f"CREATE INDEX idx_bench_{i}_created ON public.bench_{i} (created_at);\n"
                    f"ALTER TABLE public.bench_{i} ADD COLUMN kind text NOT NULL DEFAULT 'plain';\n"
                    "DO $$\nBEGIN\n"
                    f"    EXECUTE format('COMMENT ON TABLE public.%I IS %L', 'bench_{i}', 'generated');\n"
                    "END\n$$;\n")
            undo = f"DROP TABLE public.bench_{i};\n"
        (folder / f"{name}.sql").write_text(body, encoding="utf-8")
        (folder / f"{name}.rollback.sql").write_text(undo, encoding="utf-8")


def _table_generator(project: Project) -> str:
    own = project.root / "verify" / "bench_tables.sql"
    return own.read_text(encoding="utf-8") if own.exists() else queries.load("bench_generate_tables")


def _measure(case: str, project: Project, target: str, expect: Path, repeat: int):
    runs, checks = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        results = verify(target, project.root / "verify", expect)
        runs.append(round((time.perf_counter() - started) * 1000, 1))
        if not results.passed:
            failing = [c.id for c in results.checks if c.status in ("fail", "error")][:5]
            raise ConfigError(f"bench {case}: the schema fails verify ({', '.join(failing)}): fix it first, "
                              "the timing of a failing verify would mean nothing")
        checks = len(results.checks)
    return case, checks, statistics.median(runs), runs
