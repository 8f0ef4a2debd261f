-- The locale's column is colliculocale on PostgreSQL 15 and 16, colllocale from 17, and
-- collicurules exists from 16: read through to_jsonb to hold on each.
SELECT n.nspname AS schema, co.collname AS name,
       CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'default' END AS provider,
       co.collcollate AS lc_collate,
       co.collctype AS lc_ctype,
       coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale') AS locale,
       to_jsonb(co) ->> 'collicurules' AS rules,
       co.collisdeterministic AS deterministic,
       pg_get_userbyid(co.collowner) AS owner,
       obj_description(co.oid, 'pg_collation') AS comment
FROM pg_collation AS co
JOIN pg_namespace AS n ON n.oid = co.collnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
ORDER BY 1, 2
