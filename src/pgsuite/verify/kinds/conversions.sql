SELECT n.nspname AS schema, c.conname AS name,
       pg_encoding_to_char(c.conforencoding) AS source,
       pg_encoding_to_char(c.contoencoding) AS destination,
       c.conproc::regprocedure::text AS function,
       c.condefault AS default,
       pg_get_userbyid(c.conowner) AS owner,
       obj_description(c.oid, 'pg_conversion') AS comment
FROM pg_conversion AS c
JOIN pg_namespace AS n ON n.oid = c.connamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_conversion'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
