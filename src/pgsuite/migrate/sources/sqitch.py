"""sqitch: `sqitch.plan` lists the changes in order; `deploy/NAME.sql` makes one, `revert/NAME.sql`
undoes it (`verify/NAME.sql` checks it: pgsuite's verify/ does that job, so it is not imported).
Scripts hold their own BEGIN ... COMMIT. The ledger is the registry schema's `changes` table
(schema `sqitch` unless configured), a row per deployed change of the project.

A reworked change (the same name again after a tag, its older scripts in NAME@TAG.sql) is not
imported: pgsuite's history is a list of distinct migrations.
"""

import re
from pathlib import Path

from ...errors import ConfigError
from . import SourceMigration, script

NAME = "sqitch"
LOOKS_LIKE = "sqitch.plan with deploy/ and revert/ folders"
LEDGER = "sqitch.changes"
CHANGE = re.compile(r"^(?P<name>[^\s\[@#:%!+-][^\s\[@#:]*)(?:\s|$)")


def detect(folder: Path) -> bool:
    return (folder / "sqitch.plan").is_file()


def project(folder: Path) -> str | None:
    """The plan's %project, which the registry keys its rows on."""
    for line in (folder / "sqitch.plan").read_text(encoding="utf-8").splitlines():
        if line.startswith("%project="):
            return line.split("=", 1)[1].strip()
    return None


def read(folder: Path) -> list[SourceMigration]:
    plan = folder / "sqitch.plan"
    found: list[SourceMigration] = []
    seen: set[str] = set()
    for number, line in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith(("#", "%", "@")):
            continue  # blank, comment, pragma, tag
        if text.startswith(("-", "+")):
            raise ConfigError(f"{plan}:{number}: a plan line with a '{text[0]}' operator is not imported: "
                              "list each change once, in deploy order")
        match = CHANGE.match(text)
        if not match:
            raise ConfigError(f"{plan}:{number}: not a change line: {text[:80]}")
        name = match["name"]
        if name in seen:
            raise ConfigError(f"{plan}:{number}: change {name} is reworked (planned twice); pgsuite imports "
                              "a history of distinct changes: import the plan before the rework, or squash it")
        seen.add(name)
        deploy = folder / "deploy" / f"{name}.sql"
        if not deploy.is_file():
            raise ConfigError(f"{plan}:{number}: change {name} has no deploy/{name}.sql")
        revert = folder / "revert" / f"{name}.sql"
        found.append(SourceMigration(name, name, script(deploy), script(revert) if revert.is_file() else None,
                                     order=(len(found),)))
    return found
