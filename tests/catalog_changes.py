"""A grammar of catalog changes, for the property-based drift test: each draws one change to the
every-kind fixture (tests/fixtures/schemas/every_kind.sql), with the statements that undo it
and the name verify must give when it fails. Values are drawn (targets, costs, comments,
options, roles), so some changes change nothing (SET STATISTICS -1 on a column at its default,
a comment set to what it was): for those, pg_dump shows no difference and verify must pass.

What is left out, and why: ALTER TYPE ... ADD VALUE (an enum's value cannot be dropped, so not
undone), role attributes (pg_dump --schema-only prints no roles), extension versions (pg_dump
prints none either).
"""

from dataclasses import dataclass

from hypothesis import strategies as st

READER, OTHER = "pgsuite_pk_reader", "pgsuite_pk_other"
TABLESPACE = "pgsuite_pk_space"


@dataclass(frozen=True)
class Change:
    kind: str  # the verify kind it changes
    do: str
    undo: str
    name: str  # what verify's failure must name

    def __str__(self):
        return f"[{self.kind}] {self.do}"


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


COMMENT_TEXT = st.text(alphabet="ab yz'\n", min_size=1, max_size=8)
ROLE = st.sampled_from([READER, OTHER])
GRANT_OPTION = st.sampled_from(["", " WITH GRANT OPTION"])
GRAMMAR: list = []  # (kind, strategy of Change)


def change(kind: str, do: str, undo: str, name: str, **params):
    """A rule of the grammar: format strings over drawn parameters."""
    def build(p):
        return Change(kind, do.format(**p), undo.format(**p), name.format(**p))
    GRAMMAR.append((kind, st.fixed_dictionaries(params).map(build)))


def comment(kind: str, target: str, name: str):
    change(kind, f"COMMENT ON {target} IS {{text}}", f"COMMENT ON {target} IS NULL", name,
           text=COMMENT_TEXT.map(lit))


# columns
COLUMN = st.sampled_from(["name", "qty", "note"])
TEXT_COLUMN = st.sampled_from(["name", "note"])
change("columns", "ALTER TABLE pk.items ALTER COLUMN {col} SET STATISTICS {n}",
       "ALTER TABLE pk.items ALTER COLUMN {col} SET STATISTICS -1", "column {col}",
       col=COLUMN, n=st.integers(-1, 10000))
change("columns", "ALTER TABLE pk.items ALTER COLUMN {col} SET STORAGE {s}",
       "ALTER TABLE pk.items ALTER COLUMN {col} SET STORAGE EXTENDED", "column {col}",
       col=TEXT_COLUMN, s=st.sampled_from(["PLAIN", "MAIN", "EXTERNAL", "EXTENDED"]))
change("columns", "ALTER TABLE pk.items ALTER COLUMN {col} SET COMPRESSION {c}",
       "ALTER TABLE pk.items ALTER COLUMN {col} SET COMPRESSION default", "column {col}",
       col=TEXT_COLUMN, c=st.sampled_from(["pglz", "default"]))
change("columns", "ALTER TABLE pk.items ALTER COLUMN {col} SET (n_distinct = {x})",
       "ALTER TABLE pk.items ALTER COLUMN {col} RESET (n_distinct)", "column {col}",
       col=COLUMN, x=st.one_of(st.integers(-1, 0), st.integers(1, 5000)))
change("columns", "ALTER TABLE pk.items ALTER COLUMN qty SET DEFAULT {v}",
       "ALTER TABLE pk.items ALTER COLUMN qty SET DEFAULT 0", "column qty", v=st.integers(-3, 3))
change("columns", "ALTER TABLE pk.items ALTER COLUMN note SET NOT NULL",
       "ALTER TABLE pk.items ALTER COLUMN note DROP NOT NULL", "column note")
change("columns", "ALTER TABLE pk.items ALTER COLUMN note TYPE varchar({n})",
       "ALTER TABLE pk.items ALTER COLUMN note TYPE text", "column note", n=st.integers(1, 99))
change("columns", "ALTER TABLE pk.items ADD COLUMN extra_{n} integer", "ALTER TABLE pk.items DROP COLUMN extra_{n}",
       "column extra_{n}", n=st.integers(0, 9))
change("columns", "GRANT {p} ({col}) ON pk.items TO {role}{opt}", "REVOKE ALL ({col}) ON pk.items FROM {role} CASCADE",
       "column {col}", p=st.sampled_from(["SELECT", "INSERT", "UPDATE", "REFERENCES"]), col=COLUMN, role=ROLE,
       opt=GRANT_OPTION)
change("columns", "COMMENT ON COLUMN pk.items.{col} IS {text}", "COMMENT ON COLUMN pk.items.{col} IS NULL",
       "column {col}", col=COLUMN, text=COMMENT_TEXT.map(lit))

# tables
TABLE = st.sampled_from(["items", "owners", "scratch"])
change("tables", "GRANT {p} ON pk.{t} TO {role}{opt}", "REVOKE {p} ON pk.{t} FROM {role} CASCADE", "table {t}",
       p=st.sampled_from(["INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]), t=TABLE, role=ROLE,
       opt=GRANT_OPTION)
change("tables", "GRANT SELECT ON pk.items TO pgsuite_pk_reader WITH GRANT OPTION",
       "REVOKE GRANT OPTION FOR SELECT ON pk.items FROM pgsuite_pk_reader CASCADE", "table items")
change("tables", "REVOKE SELECT ON pk.items FROM pgsuite_pk_reader",
       "GRANT SELECT ON pk.items TO pgsuite_pk_reader", "table items")
change("tables", "ALTER TABLE pk.{t} SET ({option} = {value})", "ALTER TABLE pk.{t} RESET ({option})", "table {t}",
       t=st.sampled_from(["items", "scratch"]),
       option=st.sampled_from(["fillfactor"]), value=st.integers(10, 100))
change("tables", "ALTER TABLE pk.{t} SET (autovacuum_vacuum_scale_factor = {x})",
       "ALTER TABLE pk.{t} RESET (autovacuum_vacuum_scale_factor)", "table {t}", t=TABLE,
       x=st.sampled_from(["0.1", "0.5", "0.05"]))
change("tables", "ALTER TABLE pk.{t} SET (autovacuum_enabled = {b})", "ALTER TABLE pk.{t} RESET (autovacuum_enabled)",
       "table {t}", t=TABLE, b=st.booleans())
change("tables", "ALTER TABLE pk.items REPLICA IDENTITY {mode}", "ALTER TABLE pk.items REPLICA IDENTITY DEFAULT",
       "table items", mode=st.sampled_from(["FULL", "NOTHING", "USING INDEX items_name_key", "DEFAULT"]))
change("tables", "ALTER TABLE pk.scratch SET UNLOGGED", "ALTER TABLE pk.scratch SET LOGGED", "table scratch")
change("tables", f"ALTER TABLE pk.{{t}} SET TABLESPACE {TABLESPACE}", "ALTER TABLE pk.{t} SET TABLESPACE pg_default",
       "table {t}", t=TABLE)
change("tables", "ALTER TABLE pk.items CLUSTER ON {index}", "ALTER TABLE pk.items SET WITHOUT CLUSTER", "table items",
       index=st.sampled_from(["items_owner", "items_pkey", "items_name_key"]))
change("tables", "ALTER TABLE pk.items {rls} ROW LEVEL SECURITY", "ALTER TABLE pk.items ENABLE ROW LEVEL SECURITY;"
       " ALTER TABLE pk.items NO FORCE ROW LEVEL SECURITY", "table items",
       rls=st.sampled_from(["DISABLE", "FORCE", "ENABLE", "NO FORCE"]))
change("tables", "ALTER TABLE pk.{t} OWNER TO pgsuite_pk_other", "ALTER TABLE pk.{t} OWNER TO CURRENT_USER",
       "table {t}", t=TABLE)
change("tables", "ALTER TABLE pk.events DETACH PARTITION pk.events_2026",
       "ALTER TABLE pk.events ATTACH PARTITION pk.events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
       "table events_2026")
change("tables", "CREATE TABLE pk.new_{n} (id integer)", "DROP TABLE pk.new_{n}", "table new_{n}", n=st.integers(0, 9))
change("tables", "COMMENT ON TABLE pk.{t} IS {text}", "COMMENT ON TABLE pk.{t} IS NULL", "table {t}", t=TABLE,
       text=COMMENT_TEXT.map(lit))

# constraints, indexes, policies, triggers
FK = ("ALTER TABLE pk.items DROP CONSTRAINT items_owner_id_fkey, ADD CONSTRAINT items_owner_id_fkey"
      " FOREIGN KEY (owner_id) REFERENCES pk.owners (id)")
change("constraints", FK + " {match} {action} {deferrable}", FK, "constraint items_owner_id_fkey",
       match=st.sampled_from(["MATCH FULL", "MATCH SIMPLE", ""]),
       action=st.sampled_from(["", "ON DELETE CASCADE", "ON UPDATE RESTRICT", "ON DELETE SET NULL"]),
       deferrable=st.sampled_from(["", "DEFERRABLE", "DEFERRABLE INITIALLY DEFERRED", "NOT DEFERRABLE"]))
CHECK = "ALTER TABLE pk.items DROP CONSTRAINT items_qty_check, ADD CONSTRAINT items_qty_check CHECK (qty >= {n})"
change("constraints", CHECK + " {valid}", CHECK.format(n=0), "constraint items_qty_check",
       n=st.integers(-1, 1), valid=st.sampled_from(["", "NOT VALID"]))
change("constraints", "COMMENT ON CONSTRAINT {c} ON pk.items IS {text}", "COMMENT ON CONSTRAINT {c} ON pk.items IS NULL",
       "constraint {c}", c=st.sampled_from(["items_qty_check", "items_pkey", "items_owner_id_fkey"]),
       text=COMMENT_TEXT.map(lit))
change("indexes", "ALTER INDEX pk.{i} SET (fillfactor = {n})", "ALTER INDEX pk.{i} RESET (fillfactor)", "index {i}",
       i=st.sampled_from(["items_owner", "items_pkey"]), n=st.integers(10, 100))
change("indexes", f"ALTER INDEX pk.{{i}} SET TABLESPACE {TABLESPACE}", "ALTER INDEX pk.{i} SET TABLESPACE pg_default",
       "index {i}", i=st.sampled_from(["items_owner", "items_name_key"]))
change("indexes", "DROP INDEX pk.items_owner; CREATE INDEX items_owner ON pk.items (owner_id{extra})",
       "DROP INDEX pk.items_owner; CREATE INDEX items_owner ON pk.items (owner_id)", "index items_owner",
       extra=st.sampled_from(["", " DESC", ", qty", ") WHERE (qty > 0"]))
change("indexes", "CREATE INDEX items_new_{n} ON pk.items (qty)", "DROP INDEX pk.items_new_{n}", "items_new_{n}",
       n=st.integers(0, 9))
change("indexes", "COMMENT ON INDEX pk.items_owner IS {text}", "COMMENT ON INDEX pk.items_owner IS NULL",
       "index items_owner", text=COMMENT_TEXT.map(lit))
change("policies", "ALTER POLICY items_read ON pk.items USING (qty > {n})",
       "ALTER POLICY items_read ON pk.items USING (qty > 0)", "policy items_read", n=st.integers(-1, 1))
change("policies", "ALTER POLICY items_read ON pk.items TO {roles}",
       "ALTER POLICY items_read ON pk.items TO pgsuite_pk_reader", "policy items_read",
       roles=st.sampled_from([READER, OTHER, f"{READER}, {OTHER}", "PUBLIC"]))
change("policies", "CREATE POLICY items_{n} ON pk.items AS RESTRICTIVE FOR UPDATE USING (true)",
       "DROP POLICY items_{n} ON pk.items", "policy items_{n}", n=st.integers(0, 9))
change("policies", "COMMENT ON POLICY items_read ON pk.items IS {text}",
       "COMMENT ON POLICY items_read ON pk.items IS NULL", "policy items_read", text=COMMENT_TEXT.map(lit))
change("triggers", "ALTER TABLE pk.items {mode} TRIGGER items_touch", "ALTER TABLE pk.items ENABLE TRIGGER items_touch",
       "trigger items_touch", mode=st.sampled_from(["DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS", "ENABLE"]))
change("triggers", "COMMENT ON TRIGGER items_touch ON pk.items IS {text}",
       "COMMENT ON TRIGGER items_touch ON pk.items IS NULL", "trigger items_touch", text=COMMENT_TEXT.map(lit))

# views, sequences, types, collations
VIEW = "CREATE OR REPLACE VIEW pk.busy_items AS SELECT id, name FROM pk.items WHERE mood = {m}"
change("views", VIEW, VIEW.format(m="'busy'"), "view busy_items", m=st.sampled_from(["'busy'", "'calm'"]))
change("views", "ALTER VIEW pk.busy_items SET ({option} = {b})", "ALTER VIEW pk.busy_items RESET ({option})",
       "view busy_items", option=st.sampled_from(["security_barrier", "security_invoker"]), b=st.booleans())
for what, name in (("VIEW pk.busy_items", "view busy_items"), ("COLUMN pk.busy_items.name", "view busy_items"),
                   ("MATERIALIZED VIEW pk.item_counts", "view item_counts")):
    comment("views", what, name)
change("views", "GRANT SELECT ON pk.busy_items TO {role}{opt}", "REVOKE ALL ON pk.busy_items FROM {role}",
       "view busy_items", role=ROLE, opt=GRANT_OPTION)
change("views", f"ALTER MATERIALIZED VIEW pk.item_counts SET TABLESPACE {TABLESPACE}",
       "ALTER MATERIALIZED VIEW pk.item_counts SET TABLESPACE pg_default", "view item_counts")
change("sequences", "ALTER SEQUENCE pk.tickets {option}",
       "ALTER SEQUENCE pk.tickets INCREMENT 2 CACHE 1 NO CYCLE NO MAXVALUE START 10", "sequence tickets",
       option=st.one_of(st.integers(1, 5).map("INCREMENT {}".format), st.integers(1, 5).map("CACHE {}".format),
                        st.sampled_from(["CYCLE", "NO CYCLE", "MAXVALUE 99999", "START 11", "START 10"])))
change("sequences", "GRANT USAGE ON SEQUENCE pk.tickets TO {role}{opt}", "REVOKE ALL ON SEQUENCE pk.tickets FROM {role}",
       "sequence tickets", role=ROLE, opt=GRANT_OPTION)
comment("sequences", "SEQUENCE pk.tickets", "sequence tickets")
change("types", "ALTER DOMAIN pk.positive SET DEFAULT {n}", "ALTER DOMAIN pk.positive DROP DEFAULT", "type positive",
       n=st.integers(1, 9))
change("types", "ALTER DOMAIN pk.positive ADD CONSTRAINT below_{n} CHECK (VALUE < {n})",
       "ALTER DOMAIN pk.positive DROP CONSTRAINT below_{n}", "type positive", n=st.integers(10, 99))
change("types", "ALTER DOMAIN pk.positive SET NOT NULL", "ALTER DOMAIN pk.positive DROP NOT NULL", "type positive")
change("types", "ALTER TYPE pk.pair ADD ATTRIBUTE c_{n} integer", "ALTER TYPE pk.pair DROP ATTRIBUTE c_{n}",
       "type pair", n=st.integers(0, 9))
change("types", "GRANT USAGE ON TYPE pk.{t} TO {role}{opt}", "REVOKE ALL ON TYPE pk.{t} FROM {role}", "type {t}",
       t=st.sampled_from(["mood", "positive"]), role=ROLE, opt=GRANT_OPTION)
change("types", "ALTER TYPE pk.mood OWNER TO pgsuite_pk_other", "ALTER TYPE pk.mood OWNER TO CURRENT_USER", "type mood")
change("types", "COMMENT ON TYPE pk.{t} IS {text}", "COMMENT ON TYPE pk.{t} IS NULL", "type {t}",
       t=st.sampled_from(["mood", "positive", "pair"]), text=COMMENT_TEXT.map(lit))
change("collations", "CREATE COLLATION pk.c_{n} (provider = libc, locale = 'C')", "DROP COLLATION pk.c_{n}",
       "collation c_{n}", n=st.integers(0, 9))
comment("collations", "COLLATION pk.plain", "collation plain")

# functions
DOUBLE = "ALTER FUNCTION pk.double(integer)"
change("functions", DOUBLE + " {attribute}",
       DOUBLE + " CALLED ON NULL INPUT PARALLEL UNSAFE COST 100 NOT LEAKPROOF SECURITY INVOKER IMMUTABLE RESET ALL",
       "function double(integer)",
       attribute=st.one_of(
           st.sampled_from(["STRICT", "CALLED ON NULL INPUT", "PARALLEL SAFE", "PARALLEL RESTRICTED",
                            "PARALLEL UNSAFE", "LEAKPROOF", "NOT LEAKPROOF", "SECURITY DEFINER", "SECURITY INVOKER",
                            "STABLE", "VOLATILE", "IMMUTABLE", "SET search_path = pg_catalog, pg_temp",
                            "SET work_mem = '8MB'", "RESET ALL"]),
           st.integers(1, 1000).map("COST {}".format)))
change("functions", "ALTER FUNCTION pk.series(integer) ROWS {n}", "ALTER FUNCTION pk.series(integer) ROWS 1000",
       "function series(integer)", n=st.integers(1, 2000))
change("functions", "GRANT EXECUTE ON FUNCTION pk.double(integer) TO {role}{opt}",
       "REVOKE ALL ON FUNCTION pk.double(integer) FROM {role} CASCADE", "function double(integer)", role=ROLE,
       opt=GRANT_OPTION)
change("functions", "GRANT EXECUTE ON FUNCTION pk.double(integer) TO PUBLIC",
       "REVOKE EXECUTE ON FUNCTION pk.double(integer) FROM PUBLIC", "function double(integer)")
change("functions", "REVOKE EXECUTE ON PROCEDURE pk.reset_qty() FROM PUBLIC",
       "GRANT EXECUTE ON PROCEDURE pk.reset_qty() TO PUBLIC", "function reset_qty()")
change("functions", "CREATE OR REPLACE FUNCTION pk.double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE"
       " AS $$ SELECT x * 2{extra} $$",
       "CREATE OR REPLACE FUNCTION pk.double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x * 2 $$",
       "function double(integer)",
       extra=st.sampled_from(["", " -- twice", " /* twice */", "  ", "\n", " + 0"]))
TOUCH = ("CREATE OR REPLACE FUNCTION pk.touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "    -- {note}\n    NEW.qty := coalesce(NEW.qty, 0);\n    RETURN NEW;\nEND\n$$")
change("functions", TOUCH, TOUCH.format(note="a comment pg_dump prints as written"), "function touch()",
       note=st.sampled_from(["a comment pg_dump prints as written", "a comment pg_dump prints as written ",
                             "another comment"]))
change("functions", "CREATE OR REPLACE AGGREGATE pk.total(integer) (SFUNC = pk.sum_state, STYPE = integer,"
       " INITCOND = {n})",
       "CREATE OR REPLACE AGGREGATE pk.total(integer) (SFUNC = pk.sum_state, STYPE = integer, INITCOND = '0')",
       "function total(integer)", n=st.sampled_from(["'0'", "'1'", "'10'"]))
change("functions", "ALTER FUNCTION pk.text_eq(text, text) OWNER TO pgsuite_pk_other",
       "ALTER FUNCTION pk.text_eq(text, text) OWNER TO CURRENT_USER", "function text_eq(text, text)")
change("functions", "CREATE FUNCTION pk.new_{n}() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$",
       "DROP FUNCTION pk.new_{n}()", "function new_{n}()", n=st.integers(0, 9))
comment("functions", "FUNCTION pk.double(integer)", "function double(integer)")
comment("functions", "AGGREGATE pk.total(integer)", "function total(integer)")
comment("functions", "PROCEDURE pk.reset_qty()", "function reset_qty()")

# rules, statistics, operators, text search, conversions
change("rules", "ALTER TABLE pk.scratch {mode} RULE scratch_keep", "ALTER TABLE pk.scratch ENABLE RULE scratch_keep",
       "rule scratch_keep on scratch",
       mode=st.sampled_from(["DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS", "ENABLE"]))
change("rules", "CREATE RULE r_{n} AS ON UPDATE TO pk.scratch DO INSTEAD NOTHING", "DROP RULE r_{n} ON pk.scratch",
       "rule r_{n} on scratch", n=st.integers(0, 9))
comment("rules", "RULE scratch_keep ON pk.scratch", "rule scratch_keep on scratch")
change("statistics", "ALTER STATISTICS pk.items_stats SET STATISTICS {n}",
       "ALTER STATISTICS pk.items_stats SET STATISTICS -1", "items_stats", n=st.integers(-1, 10000))
change("statistics", "DROP STATISTICS pk.items_stats; CREATE STATISTICS pk.items_stats ({k}) ON owner_id, qty FROM pk.items",
       "DROP STATISTICS pk.items_stats; CREATE STATISTICS pk.items_stats (dependencies) ON owner_id, qty FROM pk.items",
       "items_stats", k=st.sampled_from(["dependencies", "ndistinct", "mcv", "ndistinct, mcv"]))
comment("statistics", "STATISTICS pk.items_stats", "items_stats")
OPERATOR = "ALTER OPERATOR pk.=== (text, text)"
change("operators", OPERATOR + " SET ({attribute})", OPERATOR + " SET (RESTRICT = NONE, JOIN = NONE)",
       "operator ===(text, text)", attribute=st.sampled_from(["RESTRICT = eqsel", "JOIN = eqjoinsel",
                                                               "RESTRICT = NONE"]))
change("operators", OPERATOR + " OWNER TO pgsuite_pk_other", OPERATOR + " OWNER TO CURRENT_USER",
       "operator ===(text, text)")
comment("operators", "OPERATOR pk.=== (text, text)", "operator ===(text, text)")
change("operator_families", "ALTER OPERATOR FAMILY pk.text_family USING hash ADD OPERATOR 1 = (name, text)",
       "ALTER OPERATOR FAMILY pk.text_family USING hash DROP OPERATOR 1 (name, text)", "text_family using hash")
comment("operator_families", "OPERATOR FAMILY pk.text_family USING hash", "text_family using hash")
comment("operator_classes", "OPERATOR CLASS pk.text_class USING hash", "text_class using hash")
change("operator_classes", "CREATE OPERATOR CLASS pk.class_{n} FOR TYPE text USING hash AS OPERATOR 1 = (text, text),"
       " FUNCTION 1 hashtext(text)", "DROP OPERATOR CLASS pk.class_{n} USING hash; DROP OPERATOR FAMILY pk.class_{n}"
       " USING hash", "class_{n} using hash", n=st.integers(0, 9))
change("text_search_configurations", "ALTER TEXT SEARCH CONFIGURATION pk.titles ALTER MAPPING FOR {token} WITH {dicts}",
       "ALTER TEXT SEARCH CONFIGURATION pk.titles ALTER MAPPING FOR {token} WITH simple", "text search configuration titles",
       token=st.sampled_from(["asciiword", "word", "email"]),
       dicts=st.sampled_from(["simple", "pk.simple_dict", "pk.simple_dict, simple"]))
comment("text_search_configurations", "TEXT SEARCH CONFIGURATION pk.titles", "text search configuration titles")
change("text_search_dictionaries", "ALTER TEXT SEARCH DICTIONARY pk.simple_dict (StopWords = {value})",
       "ALTER TEXT SEARCH DICTIONARY pk.simple_dict (StopWords)", "simple_dict",
       value=st.sampled_from(["english", "french"]))
comment("text_search_dictionaries", "TEXT SEARCH DICTIONARY pk.simple_dict", "simple_dict")
comment("text_search_parsers", "TEXT SEARCH PARSER pk.parser", "parser parser")
comment("text_search_parsers", "TEXT SEARCH TEMPLATE pk.simple_template", "template simple_template")
comment("conversions", "CONVERSION pk.latin_to_utf8", "conversion latin_to_utf8")
change("conversions", "ALTER CONVERSION pk.latin_to_utf8 OWNER TO pgsuite_pk_other",
       "ALTER CONVERSION pk.latin_to_utf8 OWNER TO CURRENT_USER", "conversion latin_to_utf8")

# what the database holds outside schemas
change("casts", "CREATE CAST (pk.mood AS {t}) WITH INOUT {context}", "DROP CAST (pk.mood AS {t})", "pk.mood AS {t}",
       t=st.sampled_from(["integer", "text"]), context=st.sampled_from(["", "AS ASSIGNMENT", "AS IMPLICIT"]))
comment("casts", "CAST (pk.pair AS text)", "pk.pair AS text")
change("foreign_data_wrappers", "ALTER FOREIGN DATA WRAPPER pk_files OPTIONS (ADD {k} {v})",
       "ALTER FOREIGN DATA WRAPPER pk_files OPTIONS (DROP {k})", "pk_files",
       k=st.sampled_from(["mode", "level"]), v=COMMENT_TEXT.map(lit))
change("foreign_data_wrappers", "GRANT USAGE ON FOREIGN DATA WRAPPER pk_files TO {role}{opt}",
       "REVOKE ALL ON FOREIGN DATA WRAPPER pk_files FROM {role} CASCADE", "pk_files", role=ROLE, opt=GRANT_OPTION)
comment("foreign_data_wrappers", "FOREIGN DATA WRAPPER pk_files", "pk_files")
change("foreign_servers", "ALTER SERVER pk_archive OPTIONS (SET place {v})",
       "ALTER SERVER pk_archive OPTIONS (SET place 'attic')", "pk_archive",
       v=st.sampled_from(["'attic'", "'cellar'", "'attic '"]))
change("foreign_servers", "GRANT USAGE ON FOREIGN SERVER pk_archive TO {role}{opt}",
       "REVOKE ALL ON FOREIGN SERVER pk_archive FROM {role} CASCADE", "pk_archive", role=ROLE, opt=GRANT_OPTION)
comment("foreign_servers", "SERVER pk_archive", "pk_archive")
change("user_mappings", "ALTER USER MAPPING FOR pgsuite_pk_reader SERVER pk_archive OPTIONS (SET account {v})",
       "ALTER USER MAPPING FOR pgsuite_pk_reader SERVER pk_archive OPTIONS (SET account 'reader')",
       "pgsuite_pk_reader on pk_archive", v=st.sampled_from(["'reader'", "'writer'"]))
change("user_mappings", "CREATE USER MAPPING FOR pgsuite_pk_other SERVER pk_archive",
       "DROP USER MAPPING FOR pgsuite_pk_other SERVER pk_archive", "pgsuite_pk_other on pk_archive")
change("foreign_tables", "ALTER FOREIGN TABLE pk.old_items OPTIONS (SET file {v})",
       "ALTER FOREIGN TABLE pk.old_items OPTIONS (SET file 'items.csv')", "old_items",
       v=st.sampled_from(["'items.csv'", "'old.csv'"]))
change("foreign_tables", "ALTER FOREIGN TABLE pk.old_items ALTER COLUMN name OPTIONS (ADD quoted {v})",
       "ALTER FOREIGN TABLE pk.old_items ALTER COLUMN name OPTIONS (DROP quoted)", "old_items",
       v=st.sampled_from(["'yes'", "'no'"]))
change("foreign_tables", "ALTER FOREIGN TABLE pk.old_items ADD COLUMN c_{n} integer",
       "ALTER FOREIGN TABLE pk.old_items DROP COLUMN c_{n}", "old_items", n=st.integers(0, 9))
comment("foreign_tables", "FOREIGN TABLE pk.old_items", "old_items")
comment("languages", "LANGUAGE pk_lang", "pk_lang")
change("languages", "ALTER LANGUAGE pk_lang OWNER TO pgsuite_pk_other", "ALTER LANGUAGE pk_lang OWNER TO CURRENT_USER",
       "pk_lang")
comment("access_methods", "ACCESS METHOD pk_heap", "pk_heap")
comment("transforms", "TRANSFORM FOR pk.pair LANGUAGE sql", "pk.pair for sql")
change("event_triggers", "ALTER EVENT TRIGGER pk_ddl {mode}", "ALTER EVENT TRIGGER pk_ddl ENABLE", "pk_ddl",
       mode=st.sampled_from(["DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS", "ENABLE"]))
comment("event_triggers", "EVENT TRIGGER pk_ddl", "pk_ddl")
change("publications", "ALTER PUBLICATION pk_changes ADD TABLE pk.{t}", "ALTER PUBLICATION pk_changes DROP TABLE pk.{t}",
       "pk_changes", t=st.sampled_from(["owners", "scratch"]))
change("publications", "ALTER PUBLICATION pk_changes SET (publish = {ops})",
       "ALTER PUBLICATION pk_changes SET (publish = 'insert, update, delete, truncate')", "pk_changes",
       ops=st.sampled_from(["'insert'", "'insert, update'", "'insert, update, delete, truncate'"]))
change("publications", "ALTER PUBLICATION pk_changes SET (publish_via_partition_root = {b})",
       "ALTER PUBLICATION pk_changes SET (publish_via_partition_root = false)", "pk_changes", b=st.booleans())
change("publications", "ALTER PUBLICATION pk_changes SET TABLE pk.items (id, name){where}",
       "ALTER PUBLICATION pk_changes SET TABLE pk.items", "pk_changes",
       where=st.sampled_from(["", " WHERE (qty > 0)"]))
comment("publications", "PUBLICATION pk_changes", "pk_changes")
change("default_privileges", "ALTER DEFAULT PRIVILEGES IN SCHEMA pk GRANT {p} ON {on} TO {role}{opt}",
       "ALTER DEFAULT PRIVILEGES IN SCHEMA pk REVOKE ALL ON {on} FROM {role} CASCADE;"
       " ALTER DEFAULT PRIVILEGES IN SCHEMA pk GRANT SELECT ON TABLES TO pgsuite_pk_reader", "default privileges",
       p=st.sampled_from(["SELECT", "INSERT"]), on=st.sampled_from(["TABLES"]), role=ROLE, opt=GRANT_OPTION)
change("default_privileges", "ALTER DEFAULT PRIVILEGES IN SCHEMA pk GRANT USAGE ON SEQUENCES TO {role}",
       "ALTER DEFAULT PRIVILEGES IN SCHEMA pk REVOKE ALL ON SEQUENCES FROM {role}", "default privileges", role=ROLE)
change("default_privileges", "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
       "ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC", "default privileges")
change("schemas", "GRANT {p} ON SCHEMA pk TO {role}{opt}", "REVOKE ALL ON SCHEMA pk FROM {role} CASCADE;"
       " GRANT USAGE ON SCHEMA pk TO pgsuite_pk_reader", "schema pk", p=st.sampled_from(["USAGE", "CREATE"]),
       role=ROLE, opt=GRANT_OPTION)
change("schemas", "ALTER SCHEMA pk OWNER TO pgsuite_pk_other", "ALTER SCHEMA pk OWNER TO CURRENT_USER", "schema pk")
change("schemas", "COMMENT ON SCHEMA pk IS {text}", "COMMENT ON SCHEMA pk IS 'every kind'", "schema pk",
       text=st.sampled_from(["'every kind'", "'another'", "NULL"]))
change("schemas", "CREATE SCHEMA pk_{n}", "DROP SCHEMA pk_{n}", "schema pk_{n}", n=st.integers(0, 9))

# nothing pg_dump shows: verify must pass
change("none", "ANALYZE pk.items", "SELECT 1", "")
change("none", "SELECT {n}", "SELECT 1", "", n=st.integers(0, 9))


def kinds_changed() -> set[str]:
    return {kind for kind, _ in GRAMMAR} - {"none"}


def changes(kinds: set[str] | None = None):
    """One change drawn from every rule (of `kinds` only, if given)."""
    return st.one_of([strategy for kind, strategy in GRAMMAR if kinds is None or kind in kinds])
