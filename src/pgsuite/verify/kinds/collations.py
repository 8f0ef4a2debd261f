"""Collations (CREATE COLLATION): provider, locale (LC_COLLATE, LC_CTYPE or the ICU/builtin
locale), rules (ICU), whether deterministic, owner."""

from . import BOOL, OPTIONAL_STR, STR, Kind, compact

KIND = Kind(
    name="collations", level="schemas", order=48,
    attributes={"provider": STR, "lc_collate": OPTIONAL_STR, "lc_ctype": OPTIONAL_STR, "locale": OPTIONAL_STR,
                "rules": OPTIONAL_STR, "deterministic": BOOL, "owner": STR},
    build=lambda r: (r["schema"], None, r["name"], compact({
        "provider": r["provider"], "lc_collate": r["lc_collate"], "lc_ctype": r["lc_ctype"], "locale": r["locale"],
        "rules": r["rules"], "deterministic": r["deterministic"], "owner": r["owner"]})),
)
