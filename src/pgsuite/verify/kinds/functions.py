"""Functions and procedures: signature, result, language, volatility, SECURITY DEFINER, settings
(search_path), owner and EXECUTE grants."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind

ATTRIBUTES = ("kind", "arguments", "returns", "language", "volatility", "security_definer", "config", "owner",
              "execute")

KIND = Kind(
    name="functions", level="schemas", order=100,
    attributes={"kind": STR, "arguments": STR, "returns": OPTIONAL_STR, "language": STR, "volatility": STR,
                "security_definer": BOOL, "config": STRS, "owner": STR, "execute": STRS},
    compare={"execute": sorted, "config": sorted, "arguments": normalize.words, "returns": normalize.words},
    build=lambda r: (r["schema"], None, r["signature"], {a: r[a] for a in ATTRIBUTES}),
)
