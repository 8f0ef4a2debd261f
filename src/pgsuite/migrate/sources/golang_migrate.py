"""golang-migrate: `VERSION_title.up.sql` and `VERSION_title.down.sql` in one folder.

Its ledger `schema_migrations (version bigint, dirty boolean)` holds one row: the last version
applied, every earlier one applied with it; `dirty` when that one failed halfway.
"""

import re
from pathlib import Path

from . import SourceMigration, script

NAME = "golang-migrate"
LOOKS_LIKE = "files VERSION_title.up.sql and VERSION_title.down.sql"
LEDGER = "schema_migrations"
FILE = re.compile(r"^(?P<version>[0-9]+)_(?P<name>.+)\.(?P<direction>up|down)\.sql$")


def _files(folder: Path) -> list[tuple[re.Match, Path]]:
    return [(m, p) for p in sorted(folder.iterdir()) if p.is_file() and (m := FILE.match(p.name))]


def detect(folder: Path) -> bool:
    return any(m["direction"] == "up" for m, _ in _files(folder))


def read(folder: Path) -> list[SourceMigration]:
    downs = {int(m["version"]): p for m, p in _files(folder) if m["direction"] == "down"}
    found = []
    for match, path in _files(folder):
        if match["direction"] == "up":
            number = int(match["version"])
            down = downs.get(number)
            found.append(SourceMigration(str(number), match["name"], script(path), down and script(down),
                                         order=(number,)))
    return found
