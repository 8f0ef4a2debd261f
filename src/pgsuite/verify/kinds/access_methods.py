"""Access methods the database added (CREATE ACCESS METHOD; not an extension's): its type
(table or index) and handler."""

from . import STR, Kind

KIND = Kind(
    name="access_methods", level="database", order=29, title="access method",
    attributes={"type": STR, "handler": STR},
    build=lambda r: (None, None, r["name"], {"type": r["type"], "handler": r["handler"]}),
)
