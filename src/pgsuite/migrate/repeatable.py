"""The repeatable step: sql/*.sql files re-applied, in name order, when their content changes."""

from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from .. import queries
from ..errors import CheckFailed
from ..parse.session_state import refuse_reader_changes
from ..project.files import sql_files
from .files import checksum, syntax_check


@dataclass(frozen=True)
class RepeatableFile:
    name: str
    path: Path
    checksum: str
    text: str = field(default="", repr=False, compare=False)  # as read, once: what was judged is what runs


class RepeatableFailed(CheckFailed):
    def __init__(self, name: str, line: int | None, error: Exception):
        self.sqlstate = getattr(error, "sqlstate", None)
        sqlstate = self.sqlstate or "?"
        diag = getattr(error, "diag", None)
        primary = (diag.message_primary if diag else None) or str(error).strip()
        where = f" at line {line}" if line else ""
        hint = f"\n  hint: {diag.message_hint}" if diag and diag.message_hint else ""
        super().__init__(f"repeatable sql/{name} failed{where}: [{sqlstate}] {primary}{hint}\n"
                         "  no repeatable file was applied")


def discover(folder: Path) -> list[RepeatableFile]:
    if not folder.is_dir():
        return []
    found = []
    for path in sql_files(folder, folder.parent):
        raw = path.read_bytes()
        text = syntax_check(path, raw)
        refuse_reader_changes(path, text)
        found.append(RepeatableFile(path.name, path, checksum(raw), text))
    return found


def changed(files: list[RepeatableFile], recorded: dict[str, str]) -> list[RepeatableFile]:
    return [f for f in files if recorded.get(f.name) != f.checksum]


def apply(backend, files: list[RepeatableFile], lock_timeout: str | None = None) -> None:
    """Run the files in one transaction on the backend's connection; all or none is recorded."""
    with backend.transaction():
        if lock_timeout:
            backend.connection.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
        for f in files:
            text = f.text
            try:
                # No parameters: psycopg sends the file with the simple protocol, all statements at once.
                backend.connection.execute(text)
            except psycopg.DatabaseError as exc:
                position = getattr(exc.diag, "statement_position", None)
                line = text.count("\n", 0, int(position)) + 1 if position else None
                raise RepeatableFailed(f.name, line, exc) from exc
            backend.query(queries.load("ledger_record_repeatable"), {"name": f.name, "checksum": f.checksum})
