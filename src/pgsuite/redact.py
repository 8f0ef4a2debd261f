"""Secrets out of everything pgsuite shows or saves: console lines, results.json, reports.

Redacted:
- in SQL, the literal after the PASSWORD keyword (CREATE/ALTER ROLE ... [ENCRYPTED] PASSWORD ...)
  as PostgreSQL's own scanner reads the text: any case, no space or a comment before it, an
  E'...' or U&'...' or dollar-quoted literal;
- then, in any text (messages that quote fragments of SQL, connection strings, JSON): the same
  literals found by pattern, every libpq key whose value is a secret (password=, sslpassword=,
  any case and spacing), "password"-like JSON members, the password of a postgres:// URI, and
  quoted fragments of a connection string that libpq could not parse (its message quotes them).
"""

import re

MASK = "***"
_LITERAL = r"(?:[EeNn]?'(?:[^'\\]|\\.|'')*'|[Uu]&'(?:[^']|'')*'|\$(?P<tag>\w*)\$.*?\$(?P=tag)\$)"
_GAP = r"(?:\s|/\*.*?\*/|--[^\n]*\n)*"
_PATTERNS = [
    # PASSWORD 'x', PASSWORD'x', PASSWORD E'x', PASSWORD /*c*/ 'x', PASSWORD $q$x$q$ (SQL)
    (re.compile(rf"(?is)(\bPASSWORD{_GAP})({_LITERAL})"), rf"\1'{MASK}'"),
    # password=value, sslpassword = 'value' (conninfo)
    (re.compile(r"(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&]+)"), rf"\1{MASK}"),
    # "password": "value", "sslpassword": "value" (JSON)
    (re.compile(r'(?i)("(?:ssl)?password"\s*:\s*)"(?:[^"\\]|\\.)*"'), rf'\1"{MASK}"'),
    # postgresql://user:password@host
    (re.compile(r"(?i)(\bpostgres(?:ql)?(?:\+\w+)?://[^:/@\s]*:)([^@\s]*)(@)"), rf"\1{MASK}\3"),
]


def secrets(text: str) -> str:
    if not text:
        return text
    lowered = text.lower()
    if "password" not in lowered and "://" not in lowered:
        return text  # the common case, cheaply: nothing that could hold a secret
    if "password" in lowered:
        text = _scanned(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scanned(text: str) -> str:
    """The literals that PostgreSQL's scanner reads right after a PASSWORD keyword, masked. Text
    the scanner cannot read (not SQL, or SQL cut short) is left to the patterns."""
    try:
        import pglast

        tokens = pglast.parser.scan(text)
    except Exception:  # pglast raises its own errors for unreadable text
        return text
    spans = []
    for i, token in enumerate(tokens):
        if token.name != "PASSWORD":
            continue
        following = next((t for t in tokens[i + 1:] if t.name not in ("C_COMMENT", "SQL_COMMENT")), None)
        if following is not None and following.name in ("SCONST", "USCONST"):
            spans.append((following.start, following.end + 1))
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:  # the scanner's offsets count characters
        out += [text[last:start], f"'{MASK}'"]
        last = end
    out.append(text[last:])
    return "".join(out)


def unparseable_dsn_message(message: str) -> str:
    """libpq's complaint about a connection string, without the fragments it quotes."""
    return re.sub(r'"[^"]*"', f'"{MASK}"', secrets(message))
