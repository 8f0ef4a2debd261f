"""SQL text as PostgreSQL's own parser (pglast) reads it: a file's statements with their lines,
the statements inside DO blocks and function bodies, and what session state a statement
changes. Read by the lint (sql_lint), the migrations (migrate) and the scenarios (verify)."""
