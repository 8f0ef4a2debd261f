"""Which migrations `pgsuite lint` judges: what is new. A migration already accepted is left out
and counted in one line of the results (never as a pass): one applied on the target (`--dsn`),
one unchanged since a git ref (`--since`), or, with neither, one that came from elsewhere: the
baseline `pgsuite init` took from a live database, or a migration `migrate import` brought from
another tool (their statements ran in production before pgsuite judged them). `--all` judges the
whole history. Left-out files still teach the rules the history (column types, what exists)."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import queries
from ..errors import ConfigError
from ..migrate.baseline import BASELINE_ID
from ..migrate.importer import HEADER
from ..parse import statements


@dataclass(frozen=True)
class Scope:
    migrations: frozenset[str]  # the accepted migrations' file names (as results name them)
    why: str  # what made them accepted, for the one line

    @property
    def accepted(self) -> frozenset[str]:
        """The files left out: the accepted migrations and their rollbacks."""
        return self.migrations | {n[:-len(".sql")] + ".rollback.sql" for n in self.migrations}


EVERYTHING = Scope(frozenset(), "")


def choose(root: Path, files: list[statements.SqlFile], database=None, since: str | None = None,
           whole: bool = False) -> Scope:
    """The migrations to leave out; `database` is the target's connection, when --dsn was given."""
    migrations = [f for f in files if f.role == "migration"]
    if whole or not migrations:
        return EVERYTHING
    if since is not None:
        changed = _changed_since(root, since)
        return Scope(frozenset(f.name for f in migrations if f.name not in changed), f"unchanged since {since}")
    if database is not None:
        applied = _applied(database)
        return Scope(frozenset(f.name for f in migrations if Path(f.name).stem in applied), "applied on the target")
    imported = [f.name for f in migrations if HEADER.search(f.text[:1000])]
    baseline = [f.name for f in migrations if Path(f.name).stem == BASELINE_ID]
    if not (imported or baseline):
        return EVERYTHING
    why = " and ".join(w for w in (f"imported ({len(imported)})" if imported else "",
                                   "the baseline of pgsuite init" if baseline else "") if w)
    return Scope(frozenset(imported + baseline), f"{why}: they ran before pgsuite judged them")


def _applied(conn) -> set[str]:
    has_yoyo = conn.execute(queries.load("ledger_tables_exist")).fetchone()[0]
    return {row[0] for row in conn.execute(queries.load("ledger_applied_yoyo_only"))} if has_yoyo else set()


def _changed_since(root: Path, ref: str) -> set[str]:
    """Files (relative to the project) added or changed since `ref`, committed or not, and untracked."""
    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
        except FileNotFoundError as exc:
            raise ConfigError("--since needs git, which is not installed") from exc
        if out.returncode != 0:
            why = out.stderr.strip() or "not a commit of this repository"
            raise ConfigError(f"--since {ref}: git {args[0]} failed: {why}")
        return out.stdout

    git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    changed = git("diff", "--name-only", "--relative", ref, "--", ".").splitlines()
    changed += git("ls-files", "--others", "--exclude-standard").splitlines()
    return set(changed)
