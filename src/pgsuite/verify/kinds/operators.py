"""Operators (CREATE OPERATOR), named "NAME(LEFT, RIGHT)" (NONE for a prefix operator's left):
the function, result, commutator, negator, restriction and join estimators, HASHES, MERGES,
owner."""

from . import BOOL, OPTIONAL_STR, STR, Kind, compact

KIND = Kind(
    name="operators", level="schemas", order=101,
    attributes={"function": STR, "returns": STR, "commutator": OPTIONAL_STR, "negator": OPTIONAL_STR,
                "restrict": OPTIONAL_STR, "join": OPTIONAL_STR, "hashes": BOOL, "merges": BOOL, "owner": STR},
    absent={"hashes": "false", "merges": "false"},
    build=lambda r: (r["schema"], None, r["name"], compact({
        "function": r["function"], "returns": r["returns"], "commutator": r["commutator"], "negator": r["negator"],
        "restrict": r["restrict"], "join": r["join"], "hashes": r["hashes"] or None, "merges": r["merges"] or None,
        "owner": r["owner"]})),
)
