SELECT n.nspname AS schema, c.relname AS table_name, tg.tgname AS name, pg_get_triggerdef(tg.oid, true) AS definition
FROM pg_trigger AS tg
JOIN pg_class AS c ON c.oid = tg.tgrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND NOT tg.tgisinternal
ORDER BY 1, 2, 3
