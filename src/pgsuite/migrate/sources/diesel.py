"""diesel: one folder per migration, `VERSION_name/up.sql` and `down.sql` (and maybe metadata.toml).

diesel records the version, the folder name's part before the first underscore with its dashes
taken out (2017-12-03-203441 -> 20171203203441), in `__diesel_schema_migrations`.
"""

import re
import tomllib
from pathlib import Path

from ...errors import ConfigError
from . import SourceMigration, script

NAME = "diesel"
LOOKS_LIKE = "folders VERSION_name/ holding up.sql and down.sql"
LEDGER = "__diesel_schema_migrations"
FOLDER = re.compile(r"^(?P<version>[0-9][0-9-]*)_(?P<name>.+)$")


def _folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and FOLDER.match(p.name) and (p / "up.sql").is_file())


def detect(folder: Path) -> bool:
    return bool(_folders(folder))


def read(folder: Path) -> list[SourceMigration]:
    found = []
    for path in _folders(folder):
        match = FOLDER.match(path.name)
        version = match["version"].replace("-", "")
        down = path / "down.sql"
        found.append(SourceMigration(version, match["name"], script(path / "up.sql"),
                                     script(down) if down.is_file() else None,
                                     _run_in_transaction(path / "metadata.toml"), (int(version),)))
    return found


def _run_in_transaction(metadata: Path) -> bool | None:
    if not metadata.is_file():
        return None
    try:
        value = tomllib.loads(metadata.read_text(encoding="utf-8")).get("run_in_transaction")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{metadata}: not TOML: {exc}") from exc
    if value is not None and not isinstance(value, bool):
        raise ConfigError(f"{metadata}: run_in_transaction must be true or false, found {value!r}")
    return value
