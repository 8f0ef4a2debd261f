-- Every schema but PostgreSQL's own (catalogs, TOAST, temporary ones): its owner, and the
-- privileges granted to others (a NULL ACL is the default: the owner's only).
SELECT n.nspname AS name,
       pg_get_userbyid(n.nspowner) AS owner,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                                        ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(n.nspacl) AS a
                       WHERE a.grantee <> n.nspowner
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants,
       obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace AS n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%%'
ORDER BY n.nspname
