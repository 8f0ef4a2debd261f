SELECT s.srvname AS name,
       (SELECT w.fdwname FROM pg_foreign_data_wrapper AS w WHERE w.oid = s.srvfdw) AS wrapper,
       s.srvtype AS type,
       s.srvversion AS version,
       coalesce(s.srvoptions, '{}')::text[] AS options,
       pg_get_userbyid(s.srvowner) AS owner,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                                        ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(s.srvacl) AS a
                       WHERE a.grantee <> s.srvowner
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants,
       obj_description(s.oid, 'pg_foreign_server') AS comment
FROM pg_foreign_server AS s
WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_foreign_server'::regclass AND d.objid = s.oid AND d.deptype = 'e')
ORDER BY 1
