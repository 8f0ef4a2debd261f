"""Tables (ordinary and partitioned): owner, privileges, row-level security flags. Their
columns, constraints, indexes, policies and triggers are kinds of their own, declared inside."""

from . import BOOL, GRANTS, STR, Kind

KIND = Kind(
    name="tables", level="schemas", order=40, declared_only=True,
    # one check per area: these attributes, and each kind declared inside (columns, indexes, ...)
    areas={"owner": "privileges", "grants": "privileges", "rls": "policies"},
    attributes={"owner": STR, "grants": GRANTS, "rls": {"enabled": BOOL, "forced": BOOL}},
    build=lambda r: (r["schema"], None, r["name"], {
        "owner": r["owner"], "grants": dict(sorted(r["grants"].items())),
        "rls": {"enabled": r["rls_enabled"], "forced": r["rls_forced"]}}),
)
