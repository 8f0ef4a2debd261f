"""Functions, procedures and aggregates: signature, result, language, volatility, SECURITY DEFINER,
settings (search_path), STRICT, PARALLEL, COST, ROWS, LEAKPROOF, SUPPORT, owner, EXECUTE grants
(`role WITH GRANT OPTION` where it may grant on), an aggregate's definition, the comment, and the
body: compared as written (comments included, as pg_dump prints it), or, with settings
`function_bodies: normalised`, after PostgreSQL's scanner dropped whitespace and comments. A
difference is shown as a diff. Optional attributes are given where they differ from
PostgreSQL's default (absent: not strict, parallel unsafe, cost 100 (1 for C), rows 1000)."""

from .. import normalize
from . import BOOL, NUMBER, OPTIONAL_STR, STR, STRS, Kind, compact

ATTRIBUTES = ("kind", "arguments", "returns", "language", "volatility", "security_definer", "config", "owner",
              "execute", "body")


def _spec(r: dict) -> dict:
    return {a: r[a] for a in ATTRIBUTES} | compact({
        "strict": r["strict"] or None, "parallel": None if r["parallel"] == "unsafe" else r["parallel"],
        "cost": None if r["cost"] == r["default_cost"] else r["cost"],
        "rows": None if r["rows"] in (None, 1000) else r["rows"], "leakproof": r["leakproof"] or None,
        "support": r["support"], "aggregate": r["aggregate"]})


KIND = Kind(
    name="functions", level="schemas", order=100,
    attributes={"kind": STR, "arguments": STR, "returns": OPTIONAL_STR, "language": STR, "volatility": STR,
                "security_definer": BOOL, "config": STRS, "owner": STR, "execute": STRS, "body": OPTIONAL_STR,
                "strict": BOOL, "parallel": STR, "cost": NUMBER, "rows": NUMBER, "leakproof": BOOL, "support": STR,
                "aggregate": STR},
    absent={"strict": "false", "parallel": "unsafe", "cost": "the default (100; 1 for C)", "rows": "1000",
            "leakproof": "false"},
    compare={"execute": sorted, "config": sorted, "arguments": normalize.words, "returns": normalize.words,
             "body": normalize.body},
    as_written=frozenset({"body"}),
    build=lambda r: (r["schema"], None, r["signature"], _spec(r)),
)
