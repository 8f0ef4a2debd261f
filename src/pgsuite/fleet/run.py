"""`pgsuite deploy --fleet FILE`: each target deployed exactly as a single deploy (its own lock,
migrations, verify, run record and report), wave after wave, up to `parallel` targets at once.

A wave starts only when every target of the previous one passed; after a failure the later
waves are not run (unless continue_on_failure), and those targets say so. A target that cannot
be reached, or whose deploy stops on an error, is a failed target with the reason: the others
go on within its wave."""

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import db
from ..errors import ConfigError, PgsuiteError
from ..migrate.retry import LockRetry
from ..progress import Progress, Step, quiet
from ..results import now_iso, run_header
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


@dataclass
class FleetDeploy:
    """A whole `deploy --fleet`: its run header, waves and targets, the fleet document and its report files."""

    run: dict
    waves: list[WaveOutcome]
    outcomes: list[TargetOutcome]
    document: dict  # fleet/report.document: verdict, counts, targets, failures by cause
    paths: dict[str, Path]  # md, html, junit

    @property
    def passed(self) -> bool:
        return self.document["verdict"] == "PASS"


def deploy_file(project, fleet: Fleet, continue_on_failure: bool = False, junit: Path | None = None,
                lock_timeout: str = "60s", allow_unsafe: str | None = None, policy: LockRetry = LockRetry(),
                progress: Progress = quiet) -> FleetDeploy:
    """Deploy every target of a fleet file (fleet/file.load) as `pgsuite deploy --fleet` does,
    then write the fleet report under reports/fleets/RUN/ (and its JUnit XML to `junit`)."""
    from .. import deploy as deploy_lib
    from . import report

    def deploy_one(project, target):
        return deploy_lib.deploy(project, target, lock_timeout=lock_timeout, allow_unsafe=allow_unsafe, policy=policy)

    run = run_header("deploy --fleet", fleet_file=str(fleet.path))
    started = time.perf_counter()
    waves, outcomes = deploy_fleet(project, fleet, deploy_one, continue_on_failure, progress)
    run["finished_at"], run["duration_s"] = now_iso(), round(time.perf_counter() - started, 2)
    doc = report.document(run, waves, outcomes)
    paths = report.write(project, doc, project.fleets_dir / run["id"])
    if junit is not None:
        try:
            shutil.copyfile(paths["junit"], junit)
        except OSError as exc:
            raise ConfigError(f"cannot write {junit}: {exc.strerror}") from exc
    return FleetDeploy(run, waves, outcomes, doc, paths)


def deploy_fleet(project, fleet: Fleet, deploy_one, continue_on_failure: bool = False,
                 progress: Progress = quiet) -> tuple[list[WaveOutcome], list[TargetOutcome]]:
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
    progress(Step("deploying", target.name))
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
    progress(Step(outcome.verdict + (f": {outcome.error.splitlines()[0]}" if outcome.error else "")
                  + f" ({outcome.seconds} s)", target.name))
    return outcome


def _not_run(target: FleetTarget, wave: str, why: str) -> TargetOutcome:
    return TargetOutcome(target.name, wave, target.labels, db.redact(target.dsn), "NOT RUN",
                         error=f"not run: {why}")
