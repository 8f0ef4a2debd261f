-- Relations (tables, indexes, sequences, views, ...) outside PostgreSQL's own schemas: the size of
-- the schema the bench measures, as a DBA counts it.
SELECT count(*)
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%%'
