SELECT c.relname AS table_name, tg.tgname AS name, pg_get_triggerdef(tg.oid, true) AS definition
FROM pg_trigger AS tg
JOIN pg_class AS c ON c.oid = tg.tgrelid
WHERE c.relnamespace = %(schema)s::regnamespace AND NOT tg.tgisinternal
ORDER BY c.relname, tg.tgname
