"""Text search parsers and templates (CREATE TEXT SEARCH PARSER / TEMPLATE; they need C
functions, so a superuser's): their functions, named "parser NAME" or "template NAME"."""

from . import STRS, Kind

KIND = Kind(
    name="text_search_parsers", level="schemas", order=106, title="text search parser or template",
    attributes={"functions": STRS},
    build=lambda r: (r["schema"], None, r["name"], {"functions": r["functions"]}),
)
