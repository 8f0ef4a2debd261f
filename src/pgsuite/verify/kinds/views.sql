-- Views and materialized views (extension members excluded).
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,
       pg_get_viewdef(c.oid, true) AS definition,
       array(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute AS a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS columns,
       pg_get_userbyid(c.relowner) AS owner,
       GRANTS_OF(c.relacl, c.relowner) AS grants,
       coalesce(c.reloptions, '{}')::text[] AS options,
       coalesce((SELECT jsonb_object_agg(ic.relname, pg_get_indexdef(i.indexrelid))
                 FROM pg_index AS i JOIN pg_class AS ic ON ic.oid = i.indexrelid
                 WHERE i.indrelid = c.oid), '{}'::jsonb) AS indexes,
       (SELECT sp.spcname FROM pg_tablespace AS sp WHERE sp.oid = c.reltablespace) AS tablespace,
       (SELECT jsonb_object_agg(a.attname, col_description(c.oid, a.attnum)) FROM pg_attribute AS a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND col_description(c.oid, a.attnum) IS NOT NULL) AS column_comments,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
