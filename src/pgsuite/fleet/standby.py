"""A target's standbys after its deploy: wait (bounded) until each has replayed past the
primary's WAL position at the end of the deploy, then run the read-only part of verify there
(catalog and lints; the scenarios write, so they are not run, and say so). Each standby's
verify is a run of its own, saved with its report, as a target's is."""

import time

from .. import db
from ..errors import CheckFailed, ConfigError, PgsuiteError
from ..progress import Step
from ..render import report as render
from ..report.runs import RunStore
from ..results import Result, new_run_id
from . import summary
from .file import FleetTarget

POLL_S = 0.05


def check(project, target: FleetTarget, timeout: float, progress) -> list[dict]:
    from ..verify import run as verify_run

    if not target.standbys:
        return []
    with db.connect(target.dsn, autocommit=True) as conn:
        position = conn.execute("SELECT pg_catalog.pg_current_wal_lsn()::text").fetchone()[0]
    inputs = verify_run.prepare(project.verify_dir)
    return [_one(project, target, standby, position, timeout, inputs, progress) for standby in target.standbys]


def _one(project, target: FleetTarget, standby, position: str, timeout: float, inputs, progress) -> dict:
    from ..verify import run as verify_run

    outcome = {"name": standby.name, "dsn": db.redact(standby.dsn), "verdict": "ERROR", "error": "", "run_id": "",
               "report": "", "replayed_after_s": None, "categories": {}, "failures": []}
    progress(Step(f"waiting for replay past {position}", f"{target.name}/{standby.name}"))
    try:
        waited = _wait_for_replay(standby.dsn, position, timeout)
        outcome["replayed_after_s"] = round(waited, 2)
        results = verify_run.verify(standby.dsn, project.verify_dir, with_scenarios=False, inputs=inputs)
    except PgsuiteError as exc:
        outcome["error"] = str(exc).strip()
        progress(Step(f"ERROR: {outcome['error'].splitlines()[0]}", f"{target.name}/{standby.name}"))
        return outcome
    results.run["id"] = new_run_id()  # sortable by time among the saved runs, as a deploy's
    results.run["command"] = f"verify (standby {standby.name} of {target.name})"
    results.target["source"] = f"fleet:{target.name}/{standby.name}"
    results.checks.insert(0, Result("standby.replay", "standby", "replayed the deploy", "pass", object=standby.name,
                                    detail=f"replayed past the primary's WAL position {position} after {waited:.2f} s"))
    results.checks.append(Result("scenarios.standby", "scenarios", "behavioural scenarios", "skip",
                                 detail=f"not run: {standby.name} is a read-only standby (the scenarios write); "
                                        f"they ran on the primary {target.name}"))
    store = RunStore(project.runs_dir)
    store.save(results)
    paths = render.write_reports(project, results, store.compare(results), store.root / results.run["id"])
    outcome.update(summary(results), report=str(paths["md"]))
    progress(Step(f"{outcome['verdict']} (replayed after {waited:.2f} s)", f"{target.name}/{standby.name}"))
    return outcome


def _wait_for_replay(dsn: str, position: str, timeout: float) -> float:
    started = time.monotonic()
    with db.connect(dsn, autocommit=True) as conn:
        if not conn.execute("SELECT pg_catalog.pg_is_in_recovery()").fetchone()[0]:
            raise ConfigError("not a standby: pg_is_in_recovery() is false there")
        while True:
            replayed, done = conn.execute(
                "SELECT pg_catalog.pg_last_wal_replay_lsn()::text, "
                "pg_catalog.pg_last_wal_replay_lsn() >= %s::pg_lsn", (position,)).fetchone()
            if done:
                return time.monotonic() - started
            if time.monotonic() - started >= timeout:
                raise CheckFailed(f"did not replay past the primary's WAL position {position} within {timeout:g} s "
                                  f"(replayed up to {replayed or 'nothing'}): a lagging or paused standby")
            time.sleep(POLL_S)
