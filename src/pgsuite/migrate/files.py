"""Migration files on disk: naming, statements, syntax and content checksums."""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pglast
import sqlparse
from yoyo.migrations import parse_metadata_from_sql_comments

from ..errors import ConfigError
from ..parse.session_state import refuse_reader_changes
from ..project.files import sql_files

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<slug>[a-z0-9_]+)$")
ROLLBACK_SUFFIX = ".rollback.sql"


@dataclass(frozen=True)
class MigrationFile:
    id: str  # "0001_extensions_and_roles": the file name without .sql, as yoyo names it
    path: Path
    checksum: str
    statements: tuple[str, ...]
    transactional: bool
    rollback_path: Path
    rollback_checksum: str | None  # None when the rollback file is missing
    rollback_statements: tuple[str, ...]
    text: str = field(default="", repr=False, compare=False)  # as read, once: what was judged is what runs


def checksum(content: bytes) -> str:
    """What the ledger records of a file: the sha256 of its bytes."""
    return hashlib.sha256(content).hexdigest()


def discover(migrations_dir: Path) -> list[MigrationFile]:
    """Every migration in the folder, in order, each parsed and syntax-checked.

    Raises ConfigError naming the file for a bad name, a file that is not UTF-8 text,
    or SQL that PostgreSQL's own parser (via pglast) rejects.
    """
    found = []
    for other in sorted(p for p in migrations_dir.iterdir() if p.is_file() and p.suffix == ".py"):
        raise ConfigError(f"{other}: pgsuite migrations are .sql files (with a .rollback.sql beside)")
    for path in sql_files(migrations_dir, migrations_dir.parent):
        if path.name.endswith(ROLLBACK_SUFFIX):
            if not path.with_name(path.name[: -len(ROLLBACK_SUFFIX)] + ".sql").exists():
                raise ConfigError(f"{path}: rollback file without a migration beside it")
            continue
        found.append(_load(path))
    numbers = [m.id[:4] for m in found]
    for number in {n for n in numbers if numbers.count(n) > 1}:
        clash = ", ".join(m.path.name for m in found if m.id.startswith(number))
        raise ConfigError(f"{migrations_dir}: migration number {number} is used twice: {clash}")
    return found


# Parsed files by path and content, for the life of the process: a fleet deploys the same files
# to every target, and parsing (pglast, sqlparse) is most of a deploy's own time.
_PARSED: dict[tuple[str, bytes], MigrationFile] = {}


def _load(path: Path) -> MigrationFile:
    migration_id = path.name[: -len(".sql")]
    if not MIGRATION_NAME.match(migration_id):
        raise ConfigError(f"{path}: migration files are named NNNN_lowercase_name.sql")
    rollback_path = path.with_name(migration_id + ROLLBACK_SUFFIX)
    # each file read once: its checksum, syntax check and statements all come from these bytes
    raw = path.read_bytes()
    rollback_raw = rollback_path.read_bytes() if rollback_path.exists() else None
    content = hashlib.sha256(raw)
    content.update(b"no rollback file" if rollback_raw is None else rollback_raw)
    key = (str(path), content.digest())
    if key not in _PARSED:
        _PARSED[key] = _parsed(path, migration_id, raw, rollback_path, rollback_raw)
    return _PARSED[key]


def _parsed(path: Path, migration_id: str, raw: bytes, rollback_path: Path, rollback_raw: bytes | None) -> MigrationFile:
    statements, transactional = parse_statements(path, raw)
    rollback_statements: tuple[str, ...] = ()
    rollback_checksum = None
    if rollback_raw is not None:
        rollback_statements, _ = parse_statements(rollback_path, rollback_raw)
        rollback_checksum = checksum(rollback_raw)
    return MigrationFile(
        id=migration_id,
        path=path,
        checksum=checksum(raw),
        statements=statements,
        transactional=transactional,
        rollback_path=rollback_path,
        rollback_checksum=rollback_checksum,
        rollback_statements=rollback_statements,
        text=raw.decode("utf-8"),
    )


_ACCEPTED: set[tuple[str, bytes]] = set()  # (path, sha256) the parser accepted, in this process


def syntax_check(path: Path, raw: bytes | None = None) -> str:
    """The file's text (`raw`, its bytes, when already read), once PostgreSQL's own parser
    (pglast) accepted it; else ConfigError."""
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    key = (str(path), hashlib.sha256(raw).digest())
    if key in _ACCEPTED:
        return text
    try:
        pglast.parser.parse_sql(text)
    except pglast.parser.ParseError as exc:
        message, index = (exc.args + (None,))[:2]
        line = text.count("\n", 0, index) + 1 if isinstance(index, int) else "?"
        raise ConfigError(f"{path}:{line}: SQL syntax error: {message}") from exc
    _ACCEPTED.add(key)
    return text


def parse_statements(path: Path, raw: bytes) -> tuple[tuple[str, ...], bool]:
    """The statements as yoyo will run them, after PostgreSQL's parser accepted the file and read
    them as yoyo splits them. A chunk that holds only comments (a trailing comment, say) is no
    statement: yoyo runs it as a no-op."""
    text = syntax_check(path, raw)
    refuse_reader_changes(path, text)
    directives, chunks = _yoyo_split(text)
    transactional = directives.get("transactional", "true").strip().lower()
    if transactional not in ("true", "false"):
        raise ConfigError(f"{path}: '-- transactional:' must be true or false, found {transactional!r}")
    statements = tuple(c for c in chunks if _statements_of(c, path))
    if [f for c in statements for f in _fingerprints(c)] != _fingerprints(text):
        raise ConfigError(f"{path}: yoyo splits this file into statements that PostgreSQL's parser reads otherwise "
                          "than the whole file: what the server would run is not what pgsuite judged; refused")
    return statements, transactional == "true"


def _yoyo_split(text: str) -> tuple[dict, list[str]]:
    """yoyo's read_sql_migration on text already read: its directives and its statements, split
    by the same sqlparse call yoyo makes when it applies the file."""
    chunks = sqlparse.split(text.replace("\r\n", "\n").replace("\r", "\n"))  # yoyo's open() in text mode
    directives: dict = {}
    if chunks:
        directives, _, chunks[0] = parse_metadata_from_sql_comments(chunks[0])
    return directives, [c for c in chunks if c.strip()]


def _statements_of(chunk: str, path: Path) -> list:
    try:
        return pglast.parse_sql(chunk)
    except pglast.parser.ParseError as exc:
        raise ConfigError(f"{path}: yoyo splits this file into a statement PostgreSQL's parser refuses "
                          f"({exc.args[0]}): {' '.join(chunk.split())[:120]}") from exc


def _fingerprints(sql: str) -> list[str]:
    """Each statement's fingerprint (its shape, constants aside), in order."""
    out = []
    for raw in pglast.parse_sql(sql):
        start = raw.stmt_location or 0
        out.append(pglast.parser.fingerprint(sql[start:start + raw.stmt_len] if raw.stmt_len else sql[start:]))
    return out
