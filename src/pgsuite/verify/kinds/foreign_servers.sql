SELECT s.srvname AS name,
       (SELECT w.fdwname FROM pg_foreign_data_wrapper AS w WHERE w.oid = s.srvfdw) AS wrapper,
       s.srvtype AS type,
       s.srvversion AS version,
       coalesce(s.srvoptions, '{}')::text[] AS options,
       pg_get_userbyid(s.srvowner) AS owner,
       GRANTS_OF(s.srvacl, s.srvowner) AS grants,
       obj_description(s.oid, 'pg_foreign_server') AS comment
FROM pg_foreign_server AS s
WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_foreign_server'::regclass AND d.objid = s.oid AND d.deptype = 'e')
ORDER BY 1
