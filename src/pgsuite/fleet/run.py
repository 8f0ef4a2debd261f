"""`pgsuite deploy --fleet FILE`: each target deployed exactly as a single deploy (its own lock,
migrations, verify, run record and report), wave after wave, up to `parallel` targets at once.

A wave starts only when every target of the previous one passed; after a failure the later
waves are not run (unless continue_on_failure), and those targets say so. A target that cannot
be reached, or whose deploy stops on an error, is a failed target with the reason: the others
go on within its wave."""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .. import db
from ..errors import PgsuiteError
from ..results import now_iso
from ..target import Target
from . import standby, summary
from .file import Fleet, FleetTarget


@dataclass
class TargetOutcome:
    name: str
    wave: str
    labels: dict
    dsn: str  # redacted
    verdict: str  # PASS, FAIL, ERROR (the deploy could not run: why in `error`), NOT RUN
    error: str = ""
    run_id: str = ""
    report: str = ""  # the target's own report.md
    migration_head: str | None = None
    categories: dict = field(default_factory=dict)  # category: status
    failures: list = field(default_factory=list)  # {id, category, status, reason}
    seconds: float = 0.0
    standbys: list = field(default_factory=list)  # each standby's replay and read-only verify (standby.check)


@dataclass
class WaveOutcome:
    name: str
    targets: list[str]
    parallel: int
    started_at: str = ""
    seconds: float | None = None  # None: not run
    state: str = "not run"


def deploy_fleet(project, fleet: Fleet, deploy_one, continue_on_failure: bool = False,
                 progress=lambda name, message: None) -> tuple[list[WaveOutcome], list[TargetOutcome]]:
    """`deploy_one(project, Target)` is deploy.deploy (a parameter: the CLI passes its options)."""
    waves, outcomes = [], []
    stopped = ""
    for wave in fleet.waves:
        record = WaveOutcome(wave.name, [t.name for t in wave.targets], wave.parallel)
        waves.append(record)
        if stopped:
            outcomes += [_not_run(t, wave.name, stopped) for t in wave.targets]
            continue
        record.started_at, started = now_iso(), time.perf_counter()
        with ThreadPoolExecutor(max_workers=wave.parallel, thread_name_prefix=f"wave-{wave.name}") as pool:
            done = list(pool.map(lambda t: _deploy(project, t, wave.name, deploy_one, fleet.standby_timeout, progress),
                                 wave.targets))
        outcomes += done
        record.seconds = round(time.perf_counter() - started, 2)
        failed = [o.name for o in done if o.verdict != "PASS"]
        record.state = "fail" if failed else "pass"
        if failed and not continue_on_failure:
            stopped = f"wave {wave.name} failed on {', '.join(failed)}"
    return waves, outcomes


def _deploy(project, target: FleetTarget, wave: str, deploy_one, standby_timeout: float, progress) -> TargetOutcome:
    outcome = TargetOutcome(target.name, wave, target.labels, db.redact(target.dsn), "ERROR")
    progress(target.name, "deploying")
    started = time.perf_counter()
    try:
        done = deploy_one(project, Target(target.dsn, f"fleet:{target.name}"))
    except PgsuiteError as exc:  # unreachable, locked, refused by the gate, a bad input...
        outcome.error = str(exc).strip()
    except Exception as exc:  # a bug must not take the other targets down: it is this target's error
        outcome.error = f"internal error: {type(exc).__name__}: {exc}"
    else:
        for key, value in summary(done.results).items():
            setattr(outcome, key, value)
        outcome.report = str(done.report_paths["md"])
        outcome.migration_head = done.results.deployment.get("migration_head")
        try:
            outcome.standbys = standby.check(project, target, standby_timeout, progress)
        except PgsuiteError as exc:  # the primary went away after its deploy
            outcome.verdict, outcome.error = "ERROR", f"standbys not checked: {str(exc).strip()}"
        if outcome.verdict == "PASS" and any(s["verdict"] != "PASS" for s in outcome.standbys):
            outcome.verdict = "FAIL"
            outcome.error = "standby: " + ", ".join(f"{s['name']} {s['verdict']}" for s in outcome.standbys
                                                    if s["verdict"] != "PASS")
    outcome.seconds = round(time.perf_counter() - started, 2)
    progress(target.name, outcome.verdict + (f": {outcome.error.splitlines()[0]}" if outcome.error else "")
             + f" ({outcome.seconds} s)")
    return outcome


def _not_run(target: FleetTarget, wave: str, why: str) -> TargetOutcome:
    return TargetOutcome(target.name, wave, target.labels, db.redact(target.dsn), "NOT RUN",
                         error=f"not run: {why}")
