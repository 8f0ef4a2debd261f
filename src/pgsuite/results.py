"""The one results model. Every check yields a Result; every output renders a RunResults.

Statuses: pass, fail, error (the check itself could not run), skip (not run, with the
reason in detail), warn (found something configured as a warning). A category is failing
when any of its checks failed or errored, warning when one warned (and none failed); a run
passes only when no category fails. A warning is never counted as passed, a skip never as run.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

from . import redact

STATUSES = ("pass", "fail", "error", "skip", "warn")
FAILING = ("fail", "error")
# what every output calls a status: a check that could not run is NOT RUN, never SKIP or a pass
LABELS = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "skip": "NOT RUN", "warn": "WARN"}


@dataclass(frozen=True)
class Finding:
    """One thing a lint found: what verify's lints and `pgsuite lint` both produce. A check (a
    Result) holds the findings of one rule; its status follows from their levels."""

    rule: str
    level: str  # "error" fails its check, "warning" warns
    message: str
    file: str = ""  # where, for findings in files (relative to the project)
    line: int = 0
    statement: str = ""  # the statement it is about
    object: str = ""  # the database object it is about: "public.appointments"
    fix: str = ""
    docs: str = ""  # where the rule is documented
    suppressed: str = ""  # the reason, when a suppression silenced it
    suppressed_by: str = ""  # "source" (a pgsuite-ignore comment), "config" (verify/config.yaml), "allow-unsafe",
    # "accepted" (verify/config.yaml's accepted: present when the project began; it warns, never passes)

    def __post_init__(self):
        for name in ("message", "statement"):
            object.__setattr__(self, name, redact.secrets(getattr(self, name)))

    @property
    def where(self) -> str:
        """file:line, else the object: what a suppression's `object` pattern matches."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.object


@dataclass(frozen=True)
class Definition:
    """A long text that differs (a view's query, a function's body): the detail shows their diff,
    the HTML report both wholes."""

    name: str  # "function public.f(): body"
    expected: str
    found: str

    def __post_init__(self):  # a body may hold what the detail's diff had redacted
        for name in ("expected", "found"):
            object.__setattr__(self, name, redact.secrets(getattr(self, name)))


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
    findings: tuple[Finding, ...] = ()  # what a lint found, suppressed ones included
    definitions: tuple[Definition, ...] = ()  # the whole texts behind a diff in detail

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} for check {self.id}")
        # whatever a check carries ends up on a console, in results.json and in reports
        for name in ("title", "object", "expected", "actual", "detail", "remediation", "sql"):
            object.__setattr__(self, name, redact.secrets(getattr(self, name)))

    def with_(self, **changes) -> Result:
        return replace(self, **changes)

    def with_findings(self, findings: list[Finding]) -> Result:
        """This check judged by `findings`: fail (or warn, if every live one is a warning) when
        one is not suppressed, else warn for a pre-existing (accepted) one, else pass; the detail
        lists them, suppressed and pre-existing ones with the reason."""
        live = [f for f in findings if not f.suppressed]
        muted = [f for f in findings if f.suppressed and f.suppressed_by != "accepted"]
        older = [f for f in findings if f.suppressed and f.suppressed_by == "accepted"]
        status = ("fail" if any(f.level == "error" for f in live) else "warn") if live else ("warn" if older else "pass")
        detail = ([_located(f) for f in live] + [f"pre-existing: {_located(f)} ({f.suppressed})" for f in older]
                  + [f"suppressed: {_located(f)} ({f.suppressed})" for f in muted])
        objects = sorted({f.object for f in live if f.object})
        return replace(self, status=status, findings=tuple(findings), detail="\n".join(detail),
                       object=", ".join(objects) or self.object, expected="no findings",
                       actual=f"{len(live)} finding(s)" + (f", {len(older)} pre-existing" if older else "")
                       + (f", {len(muted)} suppressed" if muted else ""),
                       remediation=self.remediation if live or older else "")


@dataclass
class RunResults:
    """A run: what was checked, against which target, with which outcome."""

    checks: list[Result] = field(default_factory=list)
    run: dict = field(default_factory=dict)  # id, started_at, finished_at, tool, command
    target: dict = field(default_factory=dict)  # server_version, database, user, ...
    deployment: dict = field(default_factory=dict)  # what a deploy applied, its impact, rollback files
    catalog: dict = field(default_factory=dict)  # the live catalog verify read (what the report shows)
    benchmarks: list = field(default_factory=list)  # the latest saved `pgsuite bench run` of each workload

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
            "benchmarks": self.benchmarks,
            "categories": self.categories(),
            "checks": [asdict(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict) -> RunResults:
        checks = [Result(**{**c, "findings": tuple(Finding(**f) for f in c.get("findings", ()))})
                  for c in data["checks"]]
        return cls(checks=checks, run=data["run"], target=data.get("target", {}),
                   deployment=data.get("deployment", {}), catalog=data.get("catalog", {}),
                   benchmarks=data.get("benchmarks", []))


def _located(finding: Finding) -> str:
    return f"{finding.where}: {finding.message}" if finding.file else finding.message


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


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by time, to the microsecond: 20261125T211500.123456Z-3fa2c1."""
    now = now or datetime.now(timezone.utc)
    return f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{secrets.token_hex(3)}"


def run_header(command: str, run_id: str | None = None, **extra) -> dict:
    """The one header of every run (deploy, verify, lint, trace, check-rollback, a fleet's)."""
    from . import __version__

    return {"id": run_id or new_run_id(), "started_at": now_iso(), "tool": f"pgsuite {__version__}",
            "command": command, **extra}
