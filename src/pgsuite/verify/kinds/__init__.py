"""Catalog kinds: one module per kind of object, each with its query (NAME.sql beside it), the
expectations schema of one object, and how a row of its query becomes that object. They are
discovered from this package, never listed by hand; adding a kind touches its module only.

A kind's level is where its objects live in the expectations document: "database" (top level:
roles, extensions, schemas) or the name of the kind that holds them: "schemas" (under
schemas.<schema>: tables, functions), "tables" (under schemas.<schema>.tables.<table>: columns,
constraints, indexes, policies, triggers).
"""

import pkgutil
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module, resources
from typing import Callable

# value types of the expectations schema (also the words its error messages use)
STR, BOOL, STRS = "a string", "true or false", "a list of strings"
OPTIONAL_STR = "a string or null"
GRANTS = ("map", STRS)  # role -> privileges


@dataclass(frozen=True)
class Kind:
    name: str  # its section in the document: "tables", "columns", ...
    level: str  # "database", or the name of the kind whose objects hold this kind's
    order: int  # where its checks come in a report
    attributes: dict  # attribute -> value type (or a nested mapping of them)
    build: Callable[[dict], tuple]  # a row of its query -> (schema, table, name, spec); None where n/a
    required: frozenset = frozenset()
    compare: dict = field(default_factory=dict)  # attribute -> normaliser applied to both sides
    declared_only: bool = False  # only the attributes an expectation gives are checked (else absent = none)
    areas: dict = field(default_factory=dict)  # own attribute -> the check it belongs to, for kinds whose
    #                                            objects hold others (a table: one check per area)
    title: str = ""  # how a report names its objects: "table", "function", ...
    sql: str = ""  # filled from NAME.sql

    def label(self) -> str:
        return self.title or self.name.rstrip("s")


@cache
def all_kinds() -> tuple[Kind, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        kind = import_module(f"{__name__}.{module.name}").KIND
        query = resources.files(__name__).joinpath(f"{kind.name}.sql").read_text(encoding="utf-8")
        found.append(Kind(**{**kind.__dict__, "sql": query}))
    return tuple(sorted(found, key=lambda k: k.order))


def at_level(level: str) -> list[Kind]:
    return [k for k in all_kinds() if k.level == level]


def children(kind: Kind) -> list[Kind]:
    """The kinds declared inside each object of `kind`."""
    return at_level(kind.name)


def by_name(name: str) -> Kind:
    return next(k for k in all_kinds() if k.name == name)


def compact(spec: dict) -> dict:
    """Leave out optional attributes that are absent: in the expectations, absent means none."""
    return {k: v for k, v in spec.items() if v is not None}
