"""dbmate: `VERSION_name.sql`, one file holding `-- migrate:up` and `-- migrate:down` sections;
`-- migrate:up transaction:false` runs it outside a transaction. Its ledger
`schema_migrations (version varchar)` holds a row per applied migration."""

import re
from pathlib import Path

from ...errors import ConfigError
from . import Script, SourceMigration, script

NAME = "dbmate"
LOOKS_LIKE = "files VERSION_name.sql with -- migrate:up and -- migrate:down sections"
LEDGER = "schema_migrations"
FILE = re.compile(r"^(?P<version>[0-9]+)_(?P<name>.+)\.sql$")
MARKER = re.compile(r"^--\s*migrate:(?P<direction>up|down)(?P<options>[^\n]*)$", re.MULTILINE)


def _files(folder: Path) -> list[tuple[re.Match, Path]]:
    return [(m, p) for p in sorted(folder.iterdir())
            if p.is_file() and (m := FILE.match(p.name)) and not p.name.endswith((".up.sql", ".down.sql"))]


def detect(folder: Path) -> bool:
    return any(MARKER.search(p.read_text(encoding="utf-8", errors="replace")) for _, p in _files(folder))


def read(folder: Path) -> list[SourceMigration]:
    found = []
    for match, path in _files(folder):
        whole = script(path)
        sections = list(MARKER.finditer(whole.sql))
        directions = [s["direction"] for s in sections]
        if directions not in (["up"], ["up", "down"]):
            raise ConfigError(f"{path}: a dbmate migration holds '-- migrate:up' then, maybe, '-- migrate:down' "
                              f"once each; found {', '.join(directions) or 'neither'}")
        up_sql = whole.sql[sections[0].end():sections[1].start() if len(sections) > 1 else None]
        options = sections[0]["options"].split()
        unknown = [o for o in options if o not in ("transaction:true", "transaction:false")]
        if unknown:
            raise ConfigError(f"{path}: unknown dbmate option {' '.join(unknown)} after '-- migrate:up'")
        transactional = False if "transaction:false" in options else None
        down = None
        if len(sections) > 1:
            down = Script(path, whole.sql[sections[1].end():], whole.sha256)
        number = int(match["version"])
        found.append(SourceMigration(match["version"], match["name"], Script(path, up_sql, whole.sha256),
                                     down, transactional, (number,)))
    return found
