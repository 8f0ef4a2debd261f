"""Text search dictionaries: the template, the options (as PostgreSQL keeps them), owner."""

from . import OPTIONAL_STR, STR, Kind

KIND = Kind(
    name="text_search_dictionaries", level="schemas", order=105, title="text search dictionary",
    attributes={"template": STR, "options": OPTIONAL_STR, "owner": STR},
    build=lambda r: (r["schema"], None, r["name"], {"template": r["template"], "options": r["options"],
                                                    "owner": r["owner"]}),
)
