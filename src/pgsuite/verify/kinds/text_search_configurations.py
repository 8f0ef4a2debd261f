"""Text search configurations: the parser, the dictionaries each token type is mapped to (in
order), owner."""

from . import STR, STRS, Kind

KIND = Kind(
    name="text_search_configurations", level="schemas", order=104, title="text search configuration",
    attributes={"parser": STR, "mappings": STRS, "owner": STR},
    build=lambda r: (r["schema"], None, r["name"], {"parser": r["parser"], "mappings": r["mappings"],
                                                    "owner": r["owner"]}),
)
