-- title: Invalid index
-- level: error
-- remediation: DROP INDEX CONCURRENTLY the invalid index and build it again: a failed CREATE INDEX CONCURRENTLY leaves it behind, costing writes and serving no query.
SELECT format('%%s.%%s.%%s', t.relnamespace::regnamespace, t.relname, ic.relname) AS object,
       format('index %%s on %%s is invalid (a failed or interrupted concurrent build)', ic.relname, t.relname) AS detail
FROM pg_index AS i
JOIN pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_class AS t ON t.oid = i.indrelid
WHERE t.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND NOT i.indisvalid
ORDER BY 1
