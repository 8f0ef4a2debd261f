"""Where a pgsuite project's files live."""

from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError


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
    def templates_dir(self) -> Path:
        return self.root / "reports" / "templates"

    @property
    def state_dir(self) -> Path:
        return self.root / ".pgsuite"

    @classmethod
    def at(cls, root: str | Path) -> "Project":
        """The project rooted at `root`; it must hold a migrations/ folder."""
        path = Path(root).resolve()
        if not (path / "migrations").is_dir():
            raise ConfigError(f"{path} is not a pgsuite project: it has no migrations/ folder")
        return cls(path)
