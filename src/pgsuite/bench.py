"""`pgsuite bench`: timings as ratios against a baseline measured in the same run.

verify: the project's schema alone (the baseline), then the schema plus N generated tables
(the project's verify/bench_tables.sql when it has one, shaped like its own; generic ones if not), each verified against a snapshot of itself, median of R runs. Runs in a scratch
database created on the target server and dropped afterwards.
"""

import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import db, queries
from .errors import ConfigError
from .migrate import runner
from .project import Project
from .verify import snapshot
from .verify.run import verify


@dataclass(frozen=True)
class Measurement:
    case: str
    objects: int  # checks run
    median_ms: float
    runs: list[float]
    ratio: float  # median / the baseline's median

    @property
    def per_object_ms(self) -> float:
        return self.median_ms / self.objects if self.objects else 0.0


def bench_verify(project: Project, dsn: str, tables: int = 1000, repeat: int = 5) -> list[Measurement]:
    scratch = f"pgsuite_bench_{uuid.uuid4().hex[:8]}"
    with db.connect(dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    target = make_conninfo(**{**conninfo_to_dict(dsn), "dbname": scratch})
    try:
        runner.apply(project, target)
        baseline = _measure("schema", project, target, project.root / "verify" / "schema.yaml", repeat)
        with db.connect(target, autocommit=True) as conn:
            conn.execute("SELECT set_config('pgsuite.bench_tables', %s, false)", (str(tables),))
            conn.execute(_table_generator(project))
        with tempfile.TemporaryDirectory() as tmp:
            pinned = Path(tmp) / "with_tables.yaml"
            pinned.write_text(snapshot.snapshot(target), encoding="utf-8")
            grown = _measure(f"schema + {tables} tables", project, target, pinned, repeat)
    finally:
        with db.connect(dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
    return [
        Measurement(baseline[0], baseline[1], baseline[2], baseline[3], 1.0),
        Measurement(grown[0], grown[1], grown[2], grown[3], round(grown[2] / baseline[2], 2)),
    ]


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
