"""Row-level security policies of a table: command, permissive or restrictive, roles, expressions."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact

KIND = Kind(
    name="policies", level="tables", order=80, title="policy",
    attributes={"command": STR, "permissive": BOOL, "roles": STRS, "using": OPTIONAL_STR, "with_check": OPTIONAL_STR},
    required=frozenset({"command", "roles"}),
    compare={"roles": sorted, "using": normalize.expression, "with_check": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "command": r["command"], "permissive": r["permissive"], "roles": r["roles"], "using": r["using"],
        "with_check": r["with_check"]})),
)
