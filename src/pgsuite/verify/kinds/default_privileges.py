"""Default privileges (ALTER DEFAULT PRIVILEGES): per role, schema (or every schema) and kind of
object, what future objects will grant to whom. Named "ROLE in SCHEMA: KIND" (or "ROLE: KIND")."""

from . import GRANTS, Kind, grants

KIND = Kind(
    name="default_privileges", level="database", order=25, title="default privileges",
    attributes={"grants": GRANTS},
    build=lambda r: (None, None, r["name"], {"grants": grants(r["grants"])}),
)
