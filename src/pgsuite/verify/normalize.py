"""Compare SQL text after PostgreSQL's own parser (pglast) has normalised it.

The live side is already normalised by pg_get_expr / pg_get_constraintdef / pg_get_indexdef;
re-parsing both sides and deparsing them makes whitespace, redundant parentheses and keyword
case irrelevant, so a hand-written expectation need not match PostgreSQL's spacing.
"""

import re
from functools import lru_cache


TYPE_ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
    "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
    "varchar": "character varying", "float8": "double precision", "float4": "real",
    "timetz": "time with time zone",
}
ORDERING = re.compile(r"^(?P<expr>.*?)(?P<order>(\s+(ASC|DESC))?(\s+NULLS\s+(FIRST|LAST))?)$", re.IGNORECASE | re.DOTALL)

# how to embed each kind of text in a statement that PostgreSQL's grammar accepts
WRAPPERS = {
    "expression": "SELECT {}",
    "constraint": "ALTER TABLE t ADD CONSTRAINT c {}",
    "statement": "{}",
}


@lru_cache(maxsize=65536)
def sql(kind: str, text: str | None) -> str | None:
    if text is None:
        return None
    import pglast  # only when two texts differ as written (compare.py): most runs never need it
    from pglast.stream import RawStream

    try:
        return RawStream()(pglast.parse_sql(WRAPPERS[kind].format(text)))
    except pglast.parser.ParseError:
        return " ".join(text.split())


def index_key(text: str) -> str:
    m = ORDERING.match(text.strip())
    order = " ".join(m.group("order").upper().split())
    return (sql("expression", m.group("expr")) + (" " + order if order else "")).strip()


def type_name(text: str) -> str:
    lowered = " ".join(text.lower().split())
    base, _, rest = lowered.partition("[")
    return TYPE_ALIASES.get(base.strip(), base.strip()) + (f"[{rest}" if rest else "")


def words(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def expression(text: str | None) -> str | None:
    return sql("expression", text)


NOT_VALID = re.compile(r"\s+NOT\s+VALID\s*$", re.IGNORECASE)


def constraint(text: str | None) -> str | None:
    """A constraint's definition without its validity: pg_get_constraintdef appends NOT VALID until
    the constraint is validated, and `valid` says that apart (a validated rollback is stronger)."""
    return None if text is None else sql("constraint", NOT_VALID.sub("", text))


def statement(text: str | None) -> str | None:
    """A whole statement as PostgreSQL prints it (CREATE INDEX ..., CREATE TRIGGER ...)."""
    return sql("statement", text)


def query(text: str | None) -> str | None:
    """A view's query, without the trailing semicolon pg_get_viewdef adds."""
    return None if text is None else sql("statement", text.strip().rstrip(";"))


@lru_cache(maxsize=65536)
def body(text: str | None) -> str | None:
    """A function body as PostgreSQL's scanner reads it: whitespace and comments dropped,
    keywords in one case. PL/pgSQL and SQL bodies alike scan as SQL tokens."""
    if text is None:
        return None
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(text)
    except ParseError:  # an unterminated literal, say: compare the words
        return " ".join(text.split())
    return " ".join(text[t.start:t.end + 1].lower() if t.kind != "NO_KEYWORD" else text[t.start:t.end + 1]
                    for t in tokens if t.name not in ("SQL_COMMENT", "C_COMMENT"))
