"""The SQL pgsuite itself runs (ledger, lock, metrics, target description), one file per query
beside this module, loaded once by name. The project's own SQL is its sql/ folder, not this."""

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.sql").read_text(encoding="utf-8")
