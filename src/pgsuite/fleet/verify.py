"""`pgsuite verify --fleet FILE`: verify every target (read-only, several at once); with
`--against NAME`, drift: every target's catalog against a snapshot of one reference target's,
naming what differs where (one line per distinct difference, with the targets it is on)."""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, PgsuiteError
from ..progress import Progress, Step, quiet
from .file import Fleet

FAILING = ("fail", "error")


@dataclass
class TargetVerify:
    name: str
    verdict: str  # PASS, FAIL, ERROR (could not verify: why in `error`)
    error: str = ""
    checks: int = 0
    problems: list = field(default_factory=list)  # {id, status, object, detail}


def verify_fleet(project, fleet: Fleet, against: str | None = None, with_scenarios: bool = True,
                 progress: Progress = quiet) -> list[TargetVerify]:
    from ..verify import run as verify_run
    from ..verify import snapshot

    targets = fleet.targets
    parallel = max(w.parallel for w in fleet.waves)
    if against is None:
        inputs = verify_run.prepare(project.verify_dir)  # bad files: exit 2 before any target
        return _each(targets, parallel, progress,
                     lambda t: verify_run.verify(t.dsn, project.verify_dir, with_scenarios=with_scenarios,
                                                 inputs=inputs), categories=None)
    reference = next((t for t in targets if t.name == against), None)
    if reference is None:
        raise ConfigError(f"--against {against}: no such target in {fleet.path} "
                          f"(targets: {', '.join(t.name for t in targets)})")
    progress(Step("reading the reference catalog", reference.name))
    with tempfile.TemporaryDirectory() as tmp:
        pinned = Path(tmp) / f"{reference.name}.yaml"
        pinned.write_text(snapshot.snapshot(reference.dsn, portable=True), encoding="utf-8")
        inputs = verify_run.prepare(project.verify_dir, pinned)
        return _each(targets, parallel, progress,
                     lambda t: verify_run.verify(t.dsn, project.verify_dir, with_scenarios=False, inputs=inputs),
                     categories=("catalog",))


def _each(targets, parallel: int, progress, verify_one, categories) -> list[TargetVerify]:
    def one(target) -> TargetVerify:
        progress(Step("verifying", target.name))
        try:
            results = verify_one(target)
        except PgsuiteError as exc:
            outcome = TargetVerify(target.name, "ERROR", error=str(exc).strip())
        else:
            checks = [c for c in results.checks if categories is None or c.category in categories]
            problems = [{"id": c.id, "status": c.status, "object": c.object,
                         "detail": (c.detail or c.actual or c.title).strip()} for c in checks if c.status in FAILING]
            outcome = TargetVerify(target.name, "FAIL" if problems else "PASS", checks=len(checks), problems=problems)
        progress(Step(outcome.verdict + (f": {outcome.error.splitlines()[0]}" if outcome.error else ""), target.name))
        return outcome

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, targets))


def differences(outcomes: list[TargetVerify]) -> list[dict]:
    """Each distinct problem once, with the targets it is on (most widespread first)."""
    grouped: dict[tuple, list[str]] = {}
    for o in outcomes:
        for p in o.problems:
            grouped.setdefault((p["id"], p["detail"]), []).append(o.name)
        if o.error:
            grouped.setdefault(("verify", o.error), []).append(o.name)
    return [{"check": check, "detail": detail, "targets": names}
            for (check, detail), names in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
