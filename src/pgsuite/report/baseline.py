"""Compare a run with a baseline run: what regressed, what was fixed, what was already failing."""

from dataclasses import dataclass, field

from ..results import FAILING, Result, RunResults

PASSING = ("pass", "warn")


@dataclass
class Comparison:
    baseline_id: str | None  # None: no baseline, so regressions cannot be assessed
    regressions: list[Result] = field(default_factory=list)  # passed before, fail now
    fixed: list[Result] = field(default_factory=list)  # failed before, pass now
    still_failing: list[Result] = field(default_factory=list)  # failed before and now
    new_failing: list[Result] = field(default_factory=list)  # new checks that fail
    new_checks: list[Result] = field(default_factory=list)  # every check the baseline did not have
    removed: list[Result] = field(default_factory=list)  # baseline checks this run did not have
    no_longer_run: list[Result] = field(default_factory=list)  # ran before, skipped now

    @property
    def made(self) -> bool:
        return self.baseline_id is not None

    def classification(self, check_id: str) -> str:
        for label, items in (("regression", self.regressions), ("fixed", self.fixed),
                             ("still failing", self.still_failing), ("new", self.new_checks),
                             ("not run now", self.no_longer_run)):
            if any(c.id == check_id for c in items):
                return label
        return "unchanged" if self.made else "no baseline"


def compare(current: RunResults, baseline: RunResults | None) -> Comparison:
    if baseline is None:
        return Comparison(baseline_id=None)
    before = {c.id: c for c in baseline.checks}
    now = {c.id: c for c in current.checks}
    result = Comparison(baseline_id=baseline.run.get("id", "?"))
    for check in current.checks:
        old = before.get(check.id)
        if old is None:
            result.new_checks.append(check)
            if check.status in FAILING:
                result.new_failing.append(check)
        elif old.status in PASSING and check.status in FAILING:
            result.regressions.append(check)
        elif old.status in FAILING and check.status in PASSING:
            result.fixed.append(check)
        elif old.status in FAILING and check.status in FAILING:
            result.still_failing.append(check)
        elif old.status != "skip" and check.status == "skip":
            result.no_longer_run.append(check)
    result.removed = [c for c in baseline.checks if c.id not in now]
    return result
