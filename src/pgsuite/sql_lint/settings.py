"""The lint settings a new project starts with (`pgsuite init`): a .squawk.toml and a .sqlfluff
with pgsuite's defaults, each rule left out with its reason (also written by `migrate import`),
written only where the project has none (squawk and sqlfluff also find one in a parent folder: a repository's own is kept)."""

from pathlib import Path

from . import squawk

SQUAWK = """\
# squawk's configuration for this project (written by `pgsuite init`; https://squawkhq.com/docs/cli).
# pgsuite always runs squawk without the rules its runner satisfies and those its own rules judge
# with more knowledge (`pgsuite lint --rules` lists them with the reasons: {excluded} rules).
# Leave out more with excluded_rules = ["rule"], each with its reason in a comment.
{pg_version_line}
"""
SQLFLUFF = """\
# sqlfluff's configuration for this project (written by `pgsuite init`;
# https://docs.sqlfluff.com/en/stable/configuration/). Its findings are warnings: style never
# refuses a deployment. Left out, each for its reason:
#   LT01, LT02, LT05: spacing, indentation and line length are the SQL's authors' (a pg_dump, another
#     migration tool), and reformatting an applied migration would change its checksum;
#   CP01, CP02, CP03, CP04, CP05: capitalisation is a house style, and pg_dump writes its own;
#   RF04: column names that are also keywords (name, status, type) belong to the schema.
[sqlfluff]
dialect = postgres
templater = raw
max_line_length = 120
exclude_rules = LT01, LT02, LT05, CP01, CP02, CP03, CP04, CP05, RF04
"""


def write_defaults(root: Path, pg_version: str | None) -> list[Path]:
    """The settings files written (none where the project, or a folder above it, has its own).
    `pg_version`: the server's, when one was asked (squawk judges for the newest without it)."""
    line = (f'pg_version = "{pg_version}"  # the server this project was initialised on' if pg_version else
            '# pg_version = "15.0"  # your servers\' oldest version: without it squawk judges for the newest')
    written = []
    for name, text in ((".squawk.toml", SQUAWK.format(excluded=len(squawk.EXCLUDED), pg_version_line=line)),
                       (".sqlfluff", SQLFLUFF)):
        if any((folder / name).is_file() for folder in [root, *root.parents]):
            continue
        (root / name).write_text(text, encoding="utf-8")
        written.append(root / name)
    return written
