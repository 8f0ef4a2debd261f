"""Flyway: `V<version>__<description>.sql`, undone by `U<version>__<description>.sql`; repeatable
`R__<description>.sql` become pgsuite's sql/ files. A script's `.sql.conf` may say
`executeInTransaction=false`. The version's underscores are dots (V1_1 is 1.1), compared as numbers.

Its ledger `flyway_schema_history` has a row per run, in `installed_rank` order: a version
applied (type SQL), undone (UNDO_SQL), or a baseline (BASELINE: every version up to it counts as
applied); `success` false for one that failed. A repeatable's row carries Flyway's checksum: the
CRC-32 of its lines without their line breaks, as a signed 32-bit number.
"""

import re
import zlib
from pathlib import Path

from ...errors import ConfigError
from . import Script, SourceMigration, numeric_order, script

NAME = "flyway"
LOOKS_LIKE = "files V<version>__<description>.sql (and U<version>__..., R__...)"
LEDGER = "flyway_schema_history"
FILE = re.compile(r"^(?P<prefix>[VUR])(?P<version>[0-9]+(?:[._][0-9]+)*)?__(?P<name>.+)\.sql$")


def _files(folder: Path) -> list[tuple[re.Match, Path]]:
    return [(m, p) for p in sorted(folder.rglob("*.sql")) if p.is_file() and (m := FILE.match(p.name))]


def detect(folder: Path) -> bool:
    return any(m["prefix"] == "V" for m, _ in _files(folder))


def dotted(version: str) -> str:
    return version.replace("_", ".")


def read(folder: Path) -> list[SourceMigration]:
    files = _files(folder)
    for match, path in files:
        if (match["prefix"] == "R") != (match["version"] is None):
            raise ConfigError(f"{path}: Flyway names versioned scripts V<version>__name.sql and repeatable ones "
                              "R__name.sql")
    undo = {numeric_order(m["version"]): p for m, p in files if m["prefix"] == "U"}
    found = []
    for match, path in files:
        if match["prefix"] == "V":
            order = numeric_order(match["version"])
            back = undo.get(order)
            found.append(SourceMigration(dotted(match["version"]), match["name"], script(path),
                                         back and script(back), _in_transaction(path), order))
    return found


def repeatables(folder: Path) -> list[tuple[str, Script]]:
    """(description, script) of each R__ file, in Flyway's order (by description)."""
    return sorted(((m["name"], script(p)) for m, p in _files(folder) if m["prefix"] == "R"), key=lambda r: r[0])


def _in_transaction(path: Path) -> bool | None:
    conf = path.with_name(path.name + ".conf")
    if not conf.is_file():
        return None
    for line in conf.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "executeInTransaction":
            if value.strip().lower() not in ("true", "false"):
                raise ConfigError(f"{conf}: executeInTransaction must be true or false, found {value.strip()!r}")
            return value.strip().lower() == "true"
    return None


def checksum(text: str) -> int:
    """Flyway's checksum of a script: CRC-32 over its lines without their line breaks (a leading
    byte-order mark dropped), as Java's signed int."""
    crc = 0
    for line in text.lstrip("\ufeff").splitlines():
        crc = zlib.crc32(line.encode("utf-8"), crc)
    return crc - (1 << 32) if crc >= 1 << 31 else crc
