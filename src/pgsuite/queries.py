"""SQL that pgsuite itself runs lives in src/pgsuite/sql/*.sql, loaded once by name."""

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    return resources.files("pgsuite").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
