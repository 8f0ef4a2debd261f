"""Compare a run with its baseline, finding by finding.

The baseline of a run is the latest earlier run against the same target that passed, or that
someone approved (`pgsuite report approve RUN`): a regression is judged against a state known
to be good, so a failure stays a regression until it is fixed (or its run approved), instead of
becoming "pre-existing" on the next run.

A finding is one line of a failing check's detail (an object and its difference), with ids
and timestamps masked: a new finding inside a check that was already failing is a regression
too. Findings present in an approved baseline are accepted, not regressions. "Fixed" looks at
the previous run, whatever it was: checks that failed then and pass now.
"""

import re
from dataclasses import dataclass, field

from ..results import FAILING, Result, RunResults

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?\b")
WHOLE_DETAIL = ("catalog", "lints")  # each detail line is a finding; elsewhere the first line (the error) is


@dataclass(frozen=True)
class Finding:
    check_id: str
    text: str


@dataclass
class Comparison:
    baseline_id: str | None  # None: no passing or approved run to compare with
    baseline_kind: str = ""  # "passed" or "approved"
    previous_id: str | None = None
    regressions: list[Result] = field(default_factory=list)  # checks with a finding the baseline did not have
    regression_findings: list[Finding] = field(default_factory=list)
    accepted: list[Result] = field(default_factory=list)  # failing, every finding accepted in the approved baseline
    fixed: list[Result] = field(default_factory=list)  # failed in the previous run, pass now
    new_checks: list[Result] = field(default_factory=list)  # checks the baseline did not have
    removed: list[Result] = field(default_factory=list)  # baseline checks this run does not have
    no_longer_run: list[Result] = field(default_factory=list)  # ran in the baseline, not now
    new_warnings: list[Result] = field(default_factory=list)  # warn with a finding the baseline did not warn of

    @property
    def made(self) -> bool:
        return self.baseline_id is not None

    def classification(self, check_id: str) -> str:
        for label, items in (("regression", self.regressions), ("accepted in the baseline", self.accepted),
                             ("new warning", self.new_warnings), ("fixed", self.fixed), ("new", self.new_checks),
                             ("not run now", self.no_longer_run)):
            if any(c.id == check_id for c in items):
                return label
        return "unchanged" if self.made else "no baseline"

    def is_regression(self, finding: Finding) -> bool:
        return finding in self.regression_findings


def findings(check: Result, statuses=FAILING) -> list[Finding]:
    if check.status not in statuses:
        return []
    lines = [line for line in check.detail.splitlines() if line.strip()] or [check.title]
    if check.category not in WHOLE_DETAIL:
        lines = lines[:1]
    return [Finding(check.id, _masked(line)) for line in lines]


def _masked(line: str) -> str:
    return TIMESTAMP.sub("<time>", UUID.sub("<uuid>", line.strip()))


def compare(current: RunResults, baseline: RunResults | None, previous: RunResults | None = None,
            baseline_kind: str = "passed") -> Comparison:
    result = Comparison(baseline_id=baseline.run.get("id", "?") if baseline else None,
                        baseline_kind=baseline_kind if baseline else "",
                        previous_id=previous.run.get("id") if previous else None)
    if previous is not None:
        before = {c.id: c for c in previous.checks}
        result.fixed = [c for c in current.checks if c.status not in FAILING and c.status != "skip"
                        and c.id in before and before[c.id].status in FAILING]
    if baseline is None:
        return result
    known = {f for c in baseline.checks for f in findings(c)}
    warned = {f for c in baseline.checks for f in findings(c, ("warn",))}
    before = {c.id: c for c in baseline.checks}
    now = {c.id for c in current.checks}
    for check in current.checks:
        mine = findings(check)
        new = [f for f in mine if f not in known]
        if new:
            result.regressions.append(check)
            result.regression_findings += new
        elif mine:
            result.accepted.append(check)
        if any(f not in warned for f in findings(check, ("warn",))):
            result.new_warnings.append(check)
        old = before.get(check.id)
        if old is None:
            result.new_checks.append(check)
        elif old.status != "skip" and check.status == "skip":
            result.no_longer_run.append(check)
    result.removed = [c for c in baseline.checks if c.id not in now]
    return result
