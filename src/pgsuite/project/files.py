"""The SQL files of a project folder, refused when they are not what they look like: a symlink
that leads out of the project (a pull request's way to apply a file nobody reviewed), or an entry
named *.sql that is not a regular file."""

from pathlib import Path

from ..errors import ConfigError


def sql_files(folder: Path, project_root: Path, recursive: bool = False) -> list[Path]:
    """The folder's *.sql files in name order (ConfigError for one that leaves the project or
    is not a regular file)."""
    if not folder.is_dir():
        return []
    root = project_root.resolve()
    found = []
    for path in sorted(folder.rglob("*.sql") if recursive else folder.glob("*.sql")):
        check(path, root)
        found.append(path)
    return found


def check(path: Path, root: Path) -> None:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            raise ConfigError(f"{path}: a symlink to {target}, outside the project {root}: refused")
    if not path.is_file():
        raise ConfigError(f"{path}: not a regular file: refused")
