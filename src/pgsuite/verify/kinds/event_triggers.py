"""Event triggers: the event, the function, the command tags they fire for, whether enabled."""

from . import STR, STRS, Kind

KIND = Kind(
    name="event_triggers", level="database", order=26, title="event trigger",
    attributes={"event": STR, "function": STR, "tags": STRS, "enabled": STR, "owner": STR},
    build=lambda r: (None, None, r["name"], {"event": r["event"], "function": r["function"], "tags": r["tags"],
                                             "enabled": r["enabled"], "owner": r["owner"]}),
)
