"""Functions and procedures: signature, result, language, volatility, SECURITY DEFINER, settings
(search_path), owner, EXECUTE grants, and the body: compared after PostgreSQL's scanner dropped
whitespace and comments, so a replaced body is drift, shown as a diff."""

import difflib

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind

ATTRIBUTES = ("kind", "arguments", "returns", "language", "volatility", "security_definer", "config", "owner",
              "execute", "body")


def _explain(attribute: str, want, have) -> str | None:
    if attribute != "body" or want is None or have is None:
        return None
    diff = list(difflib.unified_diff(want.strip().splitlines(), have.strip().splitlines(), "expected", "found",
                                     lineterm="", n=1))
    shown = diff[2:14] + (["..."] if len(diff) > 14 else [])
    return "body differs:\n" + "\n".join("    " + line for line in shown)


KIND = Kind(
    name="functions", level="schemas", order=100,
    attributes={"kind": STR, "arguments": STR, "returns": OPTIONAL_STR, "language": STR, "volatility": STR,
                "security_definer": BOOL, "config": STRS, "owner": STR, "execute": STRS, "body": OPTIONAL_STR},
    compare={"execute": sorted, "config": sorted, "arguments": normalize.words, "returns": normalize.words,
             "body": normalize.body},
    build=lambda r: (r["schema"], None, r["signature"], {a: r[a] for a in ATTRIBUTES}),
    explain=_explain,
)
