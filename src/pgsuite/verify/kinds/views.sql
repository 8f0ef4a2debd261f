-- Views and materialized views (extension members excluded).
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,
       pg_get_viewdef(c.oid, true) AS definition,
       array(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute AS a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS columns,
       pg_get_userbyid(c.relowner) AS owner,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                                        ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(c.relacl) AS a
                       WHERE a.grantee <> c.relowner
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants,
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
