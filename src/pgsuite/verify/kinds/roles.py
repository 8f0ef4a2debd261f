"""Roles the schema needs (cluster-wide). Only the attributes declared are checked."""

from . import BOOL, Kind

KIND = Kind(
    name="roles", level="database", order=10, declared_only=True,
    attributes={"login": BOOL, "superuser": BOOL, "bypassrls": BOOL},
    build=lambda r: (None, None, r["name"], {"login": r["login"], "superuser": r["superuser"],
                                             "bypassrls": r["bypassrls"]}),
)
