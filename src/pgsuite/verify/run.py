"""One verify run: catalog checks, lints and scenarios against a target, as RunResults."""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import content_cache, db, queries
from ..catalog_lint import registry
from ..errors import ConfigError
from ..results import RunResults, now_iso, run_header
from . import catalog, compare, expectations, scenarios


@dataclass(frozen=True)
class Inputs:
    """Everything verify reads from files, read and checked before any connection."""

    expected: expectations.Expectations
    scenarios: scenarios.Scenarios


def prepare(verify_dir: Path, expect_file: Path | None = None) -> Inputs:
    """Load and check verify/ (expectations, config, scenarios); ConfigError names file and line."""
    if not registry.lints():
        raise ConfigError("no lint found in the installed pgsuite: the package is incomplete (reinstall it)")
    project_root = verify_dir.parent
    return Inputs(expectations.load(verify_dir, expect_file, content_cache.folder(project_root, "expectations")),
                  scenarios.discover(verify_dir / "scenarios", content_cache.folder(project_root, "scenarios")))


def verify(dsn: str, verify_dir: Path, expect_file: Path | None = None, with_scenarios: bool = True,
           inputs: Inputs | None = None, conn=None) -> RunResults:
    """`conn`: a run's connection for the catalog side (else one is opened); the scenarios always
    have a connection of their own, from `dsn`."""
    inputs = inputs or prepare(verify_dir, expect_file)  # bad files fail before any connection
    expected = inputs.expected
    results = RunResults(run=run_header("verify"))
    # scenarios run on a connection of their own while the catalog is read and linted. Each side
    # works in its own transactions (the scenarios' rolled back, never visible to the catalog
    # read), and the catalog side never holds a table lock while it waits for one: PostgreSQL's
    # deparse functions release theirs at once and each lint commits. So no deadlock.
    with ThreadPoolExecutor(max_workers=1) as pool:
        behaviour = pool.submit(_run_scenarios, dsn, inputs.scenarios) if with_scenarios else None
        with db.using(conn or dsn) as conn:
            results.target = describe_target(conn)
            started = time.perf_counter()
            live = catalog.read(conn, expected.exclude_schemas)
            introspection_ms = (time.perf_counter() - started) * 1000
            results.target["deployer"] = f"{live.deployer} (from the {live.deployer_source})"
            results.catalog = live.document
            checks = compare.compare(expected, live)
            share = round(introspection_ms / max(len(checks), 1), 2)
            results.checks += [c.with_(duration_ms=share) for c in checks]  # the reads are shared
            conn.commit()
            results.checks += registry.run(conn, list(live.document["schemas"]), expected.suppress,
                                           vars(expected.project), content_cache.folder(verify_dir.parent, "refiners"))
            conn.commit()
        if behaviour is not None:
            results.checks += behaviour.result()
    results.run["finished_at"] = now_iso()
    return results


def _run_scenarios(dsn: str, found: scenarios.Scenarios) -> list:
    if not found.files:
        return []
    with db.connect(dsn) as conn:
        return scenarios.run(conn, found)


def describe_target(conn) -> dict:
    row = conn.execute(queries.load("describe_target")).fetchone()
    conn.commit()
    keys = ("server_version", "server_version_num", "database", "user", "host", "port", "system_identifier")
    target = dict(zip(keys, row))
    target["host"] = target["host"] or "local socket"
    return target
