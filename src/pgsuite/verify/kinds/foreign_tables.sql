SELECT n.nspname AS schema, c.relname AS name,
       (SELECT s.srvname FROM pg_foreign_server AS s WHERE s.oid = ft.ftserver) AS server,
       coalesce(ft.ftoptions, '{}')::text[] AS options,
       array(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                    || coalesce(' OPTIONS (' || array_to_string(a.attfdwoptions, ', ') || ')', '')
             FROM pg_attribute AS a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS columns,
       pg_get_userbyid(c.relowner) AS owner,
       GRANTS_OF(c.relacl, c.relowner) AS grants,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_foreign_table AS ft
JOIN pg_class AS c ON c.oid = ft.ftrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
