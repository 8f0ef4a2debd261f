"""The one results model. Every check yields a Result; every output renders a RunResults.

Statuses: pass, fail, error (the check itself could not run), skip (not run, with the
reason in detail), warn (found something configured as a warning). A category is failing
when any of its checks failed or errored, warning when one warned (and none failed); a run
passes only when no category fails. A warning is never counted as passed, a skip never as run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

from . import redact

STATUSES = ("pass", "fail", "error", "skip", "warn")
FAILING = ("fail", "error")


@dataclass(frozen=True)
class Result:
    id: str  # stable: "catalog.table.appointments.indexes", "lint.0001_duplicate_index", ...
    category: str  # "catalog", "lints", "scenarios", "migrations", "tests", ...
    title: str
    status: str
    object: str = ""  # what the check is about: "public.appointments", a function signature...
    expected: str = ""
    actual: str = ""
    detail: str = ""  # the differences, spelled out; the error of an errored check
    remediation: str = ""
    sql: str = ""  # the SQL that was run to decide
    duration_ms: float = 0.0
    level: str = "error"  # what a finding means: "error" fails, "warning" warns

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} for check {self.id}")
        # whatever a check carries ends up on a console, in results.json and in reports
        for name in ("title", "object", "expected", "actual", "detail", "remediation", "sql"):
            object.__setattr__(self, name, redact.secrets(getattr(self, name)))

    def with_(self, **changes) -> Result:
        return replace(self, **changes)


@dataclass
class RunResults:
    """A run: what was checked, against which target, with which outcome."""

    checks: list[Result] = field(default_factory=list)
    run: dict = field(default_factory=dict)  # id, started_at, finished_at, tool, command
    target: dict = field(default_factory=dict)  # server_version, database, user, ...
    deployment: dict = field(default_factory=dict)  # what a deploy applied, its impact, rollback files
    catalog: dict = field(default_factory=dict)  # the live catalog verify read (what the report shows)

    def categories(self) -> list[dict]:
        """Per category, in first-seen order: counts by status and the derived status."""
        order: list[str] = []
        for c in self.checks:
            if c.category not in order:
                order.append(c.category)
        summary = []
        for name in order:
            counts = Counter(c.status for c in self.checks if c.category == name)
            ran = sum(counts[s] for s in ("pass", "fail", "error", "warn"))
            summary.append(
                {
                    "name": name,
                    "checks": sum(counts.values()),
                    **{s: counts[s] for s in STATUSES},
                    "pass_rate": round(100.0 * counts["pass"] / ran, 1) if ran else None,
                    "status": category_status(counts),
                }
            )
        return summary

    @property
    def passed(self) -> bool:
        return not any(c.status in FAILING for c in self.checks)

    @property
    def warnings(self) -> int:
        return sum(c.status == "warn" for c in self.checks)

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"

    def to_dict(self) -> dict:
        return {
            "run": self.run,
            "target": self.target,
            "deployment": self.deployment,
            "verdict": self.verdict,
            "catalog": self.catalog,
            "categories": self.categories(),
            "checks": [asdict(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict) -> RunResults:
        return cls(checks=[Result(**c) for c in data["checks"]], run=data["run"], target=data.get("target", {}),
                   deployment=data.get("deployment", {}), catalog=data.get("catalog", {}))


def category_status(counts: Counter) -> str:
    if counts["fail"] or counts["error"]:
        return "fail"
    if counts["warn"]:
        return "warn"
    if counts["pass"]:
        return "pass"
    return "not run"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
