SELECT n.nspname AS schema, c.relname AS table_name, tg.tgname AS name,
       pg_get_triggerdef(tg.oid, true) AS definition,
       CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
       obj_description(tg.oid, 'pg_trigger') AS comment
FROM pg_trigger AS tg
JOIN pg_class AS c ON c.oid = tg.tgrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND NOT tg.tgisinternal
ORDER BY 1, 2, 3
