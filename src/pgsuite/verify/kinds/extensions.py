"""Extensions of the database. Only the attributes declared are checked (versions differ
between servers: btree_gist is 1.7 on PostgreSQL 15 and 1.8 on 18)."""

from . import STR, Kind

KIND = Kind(
    name="extensions", level="database", order=20, declared_only=True,
    attributes={"schema": STR, "version": STR},
    build=lambda r: (None, None, r["name"], {"schema": r["schema"], "version": r["version"]}),
)
