"""Secrets out of everything pgsuite shows or saves: console lines, results.json, reports.

Redacted: password literals in SQL (CREATE/ALTER ROLE ... PASSWORD '...'), password=... in
connection strings, the password of a postgres:// URI, and quoted fragments of a connection
string that libpq could not parse (its message quotes them, password included).
"""

import re

MASK = "***"
_PATTERNS = [
    # PASSWORD 'it''s' or PASSWORD $q$...$q$ (SQL)
    (re.compile(r"(?i)(\bPASSWORD\s+)('(?:[^']|'')*'|\$(\w*)\$.*?\$\3\$)", re.DOTALL), rf"\1'{MASK}'"),
    # password=value or password='value' (conninfo), also "password": "value" (JSON)
    (re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&]+)"), rf"\1{MASK}"),
    (re.compile(r'(?i)("password"\s*:\s*)"(?:[^"\\]|\\.)*"'), rf'\1"{MASK}"'),
    # postgresql://user:password@host
    (re.compile(r"(?i)(\bpostgres(?:ql)?(?:\+\w+)?://[^:/@\s]*:)([^@\s]*)(@)"), rf"\1{MASK}\3"),
]


def secrets(text: str) -> str:
    if not text or ("assword" not in text and "ASSWORD" not in text and "://" not in text):
        return text  # the common case, cheaply: nothing that could hold a secret
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def unparseable_dsn_message(message: str) -> str:
    """libpq's complaint about a connection string, without the fragments it quotes."""
    return re.sub(r'"[^"]*"', f'"{MASK}"', secrets(message))
