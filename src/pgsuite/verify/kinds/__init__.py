"""Catalog kinds: one module per kind of object, each with its query (NAME.sql beside it), the
expectations schema of one object (JSON Schema), and how a row of its query becomes that
object. They are discovered from this package, never listed by hand; adding a kind touches its
module only.

A kind's level is where its objects live in the expectations document: "database" (top level:
roles, extensions, schemas, default privileges, event triggers, publications) or the name of
the kind that holds them: "schemas" (under schemas.<schema>: tables, views, sequences, types,
functions), "tables" (under schemas.<schema>.tables.<table>: columns, constraints, indexes,
policies, triggers).

A query writes the privileges of an object as `GRANTS_OF(ACL, OWNER)`: a mapping of grantee to
privileges (`WITH GRANT OPTION` where it may grant on), the owner's own left out (NULL: none to
leave out). It is expanded when the query is read, so every kind reads privileges alike.
"""

import pkgutil
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module, resources
from typing import Callable

# The value types of the expectations schema, in JSON Schema. `description` is also the word
# an error message uses: "expected true or false, found a string 'maybe'".
STR = {"type": "string", "description": "a string"}
OPTIONAL_STR = {"type": ["string", "null"], "description": "a string or null"}
BOOL = {"type": "boolean", "description": "true or false"}
INT = {"type": "integer", "description": "an integer"}
NUMBER = {"type": "number", "description": "a number"}
STRS = {"type": "array", "items": {"type": "string"}, "description": "a list of strings"}
GRANTS = {"type": "object", "additionalProperties": STRS, "description": "a mapping of role to privileges"}
GRANT_OPTION = " WITH GRANT OPTION"  # after a privilege (or a function's grantee) that may be granted on


COMMENT = {"type": "string", "description": "a string (COMMENT ON)"}


def mapping(properties: dict, description: str = "a mapping") -> dict:
    """A nested mapping with known keys (a table's `rls: {enabled, forced}`)."""
    return {"type": "object", "properties": properties, "additionalProperties": False, "description": description}


@dataclass(frozen=True)
class Kind:
    name: str  # its section in the document: "tables", "columns", ...
    level: str  # "database", or the name of the kind whose objects hold this kind's
    order: int  # where its checks come in a report
    attributes: dict  # attribute -> JSON Schema of its value
    build: Callable[[dict], tuple]  # a row of its query -> (schema, holder, name, spec); None where n/a
    required: frozenset = frozenset()
    compare: dict = field(default_factory=dict)  # attribute -> normaliser applied to both sides
    declared_only: bool = False  # only the attributes an expectation gives are checked (else absent = none)
    always: frozenset = frozenset()  # of a declared_only kind, attributes checked all the same (absent = none)
    areas: dict = field(default_factory=dict)  # own attribute -> the check it belongs to, for kinds whose
    #                                            objects hold others (a table: one check per area)
    title: str = ""  # how a report names its objects: "table", "function", ...
    doc: str = ""  # what it covers, for the format's reference (the module's docstring)
    sql: str = ""  # filled from NAME.sql
    explain: Callable | None = None  # (attribute, expected, found) -> a detail line, where a plain one says too little
    absent: dict = field(default_factory=dict)  # attribute -> what its absence means, for details ("none" if not given)
    as_written: frozenset = frozenset()  # attributes compared as written (but for whitespace at the ends), with
    #                                      their normaliser only when settings.function_bodies is "normalised"

    def label(self) -> str:
        return self.title or self.name.rstrip("s")


@cache
def all_kinds() -> tuple[Kind, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        loaded = import_module(f"{__name__}.{module.name}")
        kind = loaded.KIND
        query = _expand_grants(resources.files(__name__).joinpath(f"{kind.name}.sql").read_text(encoding="utf-8"))
        found.append(_commented(Kind(**{**kind.__dict__, "sql": query, "doc": (loaded.__doc__ or "").strip()})))
    return tuple(sorted(found, key=lambda k: k.order))


GRANTS_OF = """coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END AS grantee,
                              jsonb_agg(x.privilege_type || CASE WHEN x.is_grantable THEN '{grant_option}' ELSE '' END
                                        ORDER BY x.privilege_type) AS privileges
                       FROM aclexplode({acl}) AS x
                       WHERE x.grantee IS DISTINCT FROM {owner}
                       GROUP BY 1) AS g), '{{}}'::jsonb)"""


def _expand_grants(query: str) -> str:
    """GRANTS_OF(ACL, OWNER) in a kind's query, written out (ACL may hold parentheses and commas)."""
    while (start := query.find("GRANTS_OF(")) >= 0:
        depth, split = 0, None
        for end in range(start + len("GRANTS_OF"), len(query)):
            depth += {"(": 1, ")": -1}.get(query[end], 0)
            if query[end] == "," and depth == 1:
                split = end
            if depth == 0:
                break
        acl, owner = query[start + len("GRANTS_OF("):split], query[split + 1:end]
        query = query[:start] + GRANTS_OF.format(acl=acl.strip(), owner=owner.strip(),
                                                                  grant_option=GRANT_OPTION) + query[end + 1:]
    return query


def _commented(kind: Kind) -> Kind:
    """A kind whose query reads `comment` (COMMENT ON) has it as an attribute, compared like the others
    (absent: none; an object holding others checks it with its "properties")."""
    if " AS comment" not in kind.sql:
        return kind
    return Kind(**{**kind.__dict__, "attributes": {**kind.attributes, "comment": COMMENT},
                   "always": kind.always | ({"comment"} if kind.declared_only else set()),
                   "areas": {**kind.areas, "comment": "properties"} if kind.areas else kind.areas})


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


def grants(acl_rows: dict | None) -> dict:
    """Privileges per grantee, sorted (the queries give them as jsonb)."""
    return {role: sorted(privileges) for role, privileges in sorted((acl_rows or {}).items())}
