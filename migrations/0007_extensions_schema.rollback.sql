-- Statements in the reverse order of 0007_extensions_schema.sql.
ALTER EXTENSION btree_gist SET SCHEMA public;

DROP SCHEMA IF EXISTS extensions;
