"""The migration safety gate of `migrate apply` and `deploy`: before anything is applied, the
pending migrations and the changed repeatable files are linted (pgsuite's rules and squawk,
against the target's tables); an error-level finding refuses the whole deployment unless the
caller says `--allow-unsafe "REASON"`. The reason is kept with every finding it overrode.
"""

import functools
from dataclasses import dataclass, replace

from .. import db
from ..errors import CheckFailed
from ..migrate.files import MigrationFile
from ..migrate.repeatable import RepeatableFile
from ..project import Project
from ..results import Finding, Result
from ..parse import statements
from . import run, sizes

OVERRIDE = "allowed by --allow-unsafe: {reason}"


class UnsafeMigration(CheckFailed):
    """Error-level findings in what would be applied (exit 1, nothing applied)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        lines = [f"  {f.file}:{f.line}: {f.rule}: {f.message}" for f in findings]
        super().__init__(f"refused: {len(findings)} unsafe statement(s) in what would be applied; nothing was "
                         "applied\n" + "\n".join(lines) + "\n  fix them (see `pgsuite lint`), suppress one with its "
                         "reason, or deploy with --allow-unsafe \"REASON\"")


@dataclass
class Verdict:
    checks: list[Result]  # the "migration safety" category of the run
    overridden: list[Finding]  # what --allow-unsafe let through
    reason: str | None


def judge(project: Project, database: db.Database, pending: list[MigrationFile], changed: list[RepeatableFile],
          allow_unsafe: str | None = None) -> Verdict:
    """Lint what a deployment would apply, in the text the run read and will execute; raise
    UnsafeMigration for an error-level finding, unless allowed."""
    files = [statements.read(m.path, f"migrations/{m.id}.sql", "migration", m.text) for m in pending]
    files += [statements.read(r.path, f"sql/{r.name}", "repeatable", r.text) for r in changed]
    if not files:
        return Verdict([Result("safety.pending", run.SAFETY, "what would be applied is safe", "pass",
                               detail="nothing pending: no migration or repeatable file to judge")], [], allow_unsafe)
    checks = run.safety(project, files, live=sizes.read(database), carry=True, database=database,
                        live_types=functools.cache(lambda: sizes.column_types(database)))  # read if a type changes
    blocking = [f for c in checks for f in c.findings if f.level == "error" and not f.suppressed]
    if blocking and allow_unsafe is None:
        raise UnsafeMigration(blocking)
    if blocking:
        reason = OVERRIDE.format(reason=allow_unsafe)
        checks = [_overridden(c, blocking, reason) if c.findings else c for c in checks]
    return Verdict(checks, blocking, allow_unsafe)


def _overridden(check: Result, blocking: list[Finding], reason: str) -> Result:
    """An unsafe statement let through is a warning of the run, never a pass."""
    judged = check.with_findings([replace(f, suppressed=reason, suppressed_by="allow-unsafe") if f in blocking else f
                                  for f in check.findings])
    if any(f in blocking for f in check.findings) and judged.status == "pass":
        return replace(judged, status="warn")
    return judged


class Gate:
    """The hook `runner.apply` calls once it holds the migration lock and validated the history,
    with what it is about to apply; it keeps the verdict for the run's report."""

    def __init__(self, project: Project, database: db.Database, allow_unsafe: str | None):
        self.project, self.database, self.allow_unsafe = project, database, allow_unsafe
        self.verdict: Verdict | None = None

    def __call__(self, pending: list[MigrationFile], changed: list[RepeatableFile]) -> None:
        self.verdict = judge(self.project, self.database, pending, changed, self.allow_unsafe)
