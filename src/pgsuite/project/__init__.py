"""Where a pgsuite project's files live."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True)
class Project:
    """A project folder: migrations/, sql/, verify/, reports/ and the embedded server's .pgsuite/."""

    root: Path

    @property
    def migrations_dir(self) -> Path:
        return self.root / "migrations"

    @property
    def repeatables_dir(self) -> Path:
        return self.root / "sql"

    @property
    def verify_dir(self) -> Path:
        return self.root / "verify"

    @property
    def runs_dir(self) -> Path:
        return self.root / "reports" / "runs"

    @property
    def bench_dir(self) -> Path:
        return self.root / "reports" / "bench"

    @property
    def fleets_dir(self) -> Path:
        return self.root / "reports" / "fleets"

    @property
    def templates_dir(self) -> Path:
        return self.root / "reports" / "templates"

    @property
    def state_dir(self) -> Path:
        return self.root / ".pgsuite"

    def git_commit(self) -> str:
        """The checkout's commit, and whether files it tracks were changed since."""
        try:
            out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=self.root, capture_output=True,
                                 text=True, timeout=10)
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=self.root,
                                   capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        if out.returncode != 0:
            return "unknown (not a git checkout)"
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")

    @classmethod
    def at(cls, root: str | Path) -> "Project":
        """The project rooted at `root`; it must hold a migrations/ folder."""
        path = Path(root).resolve()
        if not (path / "migrations").is_dir():
            raise ConfigError(f"{path} is not a pgsuite project: it has no migrations/ folder")
        return cls(path)
