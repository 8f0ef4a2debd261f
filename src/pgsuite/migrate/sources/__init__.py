"""Migration histories written for other tools, read as pgsuite imports them (`migrate import`).

One module per tool: its `detect(folder)` says whether a folder holds its migrations, `read(folder)`
gives them in the order the tool applies them, and `LEDGER` names the table the tool records
applied migrations in (`migrate adopt` reads it). Each migration keeps the file it came from, so
the next import can tell a new migration from an edited one.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import ConfigError


@dataclass(frozen=True)
class Script:
    path: Path  # the source file
    sql: str  # the statements it holds, as the tool would run them (its markers taken out)
    sha256: str  # of the source file's bytes (a dbmate file: of the whole file, for both halves)


@dataclass(frozen=True)
class SourceMigration:
    version: str  # as the tool's ledger records it
    name: str  # its title, for pgsuite's file name
    up: Script
    down: Script | None  # None: the tool has no way back for it
    transactional: bool | None = None  # None: the tool does not say (pgsuite decides by the statements)
    order: tuple = ()  # the tool's sort key of `version`


def formats() -> dict:
    """Every format by its name, in the order detection tries them."""
    from . import dbmate, diesel, flyway, golang_migrate, sqitch

    return {m.NAME: m for m in (sqitch, diesel, flyway, dbmate, golang_migrate)}


def detect(folder: Path) -> str:
    """The one format whose migrations the folder holds; ConfigError when none or several do."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder")
    found = [name for name, module in formats().items() if module.detect(folder)]
    if not found:
        expected = "; ".join(f"{name}: {m.LOOKS_LIKE}" for name, m in formats().items())
        raise ConfigError(f"{folder}: no migration history of a known tool found here ({expected})")
    if len(found) > 1:
        raise ConfigError(f"{folder}: holds migrations of {' and '.join(found)}: say which with --format")
    return found[0]


def read(folder: Path, fmt: str) -> list[SourceMigration]:
    module = formats().get(fmt)
    if module is None:
        raise ConfigError(f"--format {fmt}: unknown; one of {', '.join(formats())}")
    migrations = sorted(module.read(folder), key=lambda m: m.order)
    versions = [m.version for m in migrations]
    for version in {v for v in versions if versions.count(v) > 1}:
        clash = ", ".join(str(m.up.path.relative_to(folder)) for m in migrations if m.version == version)
        raise ConfigError(f"{folder}: version {version} is used twice: {clash}")
    if not migrations:
        raise ConfigError(f"{folder}: no {fmt} migration found ({module.LOOKS_LIKE})")
    return migrations


def script(path: Path, sql: str | None = None) -> Script:
    """A source file, its SQL (the whole text unless given) and its checksum."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return Script(path, text if sql is None else sql, hashlib.sha256(raw).hexdigest())


def numeric_order(version: str) -> tuple:
    """Versions made of digits (and dots or underscores), compared as numbers part by part."""
    return tuple(int(part) for part in re.split(r"[._]", version))
