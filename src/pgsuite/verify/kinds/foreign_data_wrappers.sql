SELECT w.fdwname AS name,
       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
       coalesce(w.fdwoptions, '{}')::text[] AS options,
       pg_get_userbyid(w.fdwowner) AS owner,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                                        ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(w.fdwacl) AS a
                       WHERE a.grantee <> w.fdwowner
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants,
       obj_description(w.oid, 'pg_foreign_data_wrapper') AS comment
FROM pg_foreign_data_wrapper AS w
WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = w.oid AND d.deptype = 'e')
ORDER BY 1
