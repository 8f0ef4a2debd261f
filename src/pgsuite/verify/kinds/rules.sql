SELECT n.nspname AS schema, r.rulename || ' on ' || c.relname AS name,
       pg_get_ruledef(r.oid, true) AS definition,
       CASE r.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
       obj_description(r.oid, 'pg_rewrite') AS comment
FROM pg_rewrite AS r
JOIN pg_class AS c ON c.oid = r.ev_class
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND r.rulename <> '_RETURN'
ORDER BY 1, 2
