-- Default privileges, for every role and schema (PostgreSQL's own schemas excluded).
SELECT pg_get_userbyid(d.defaclrole)
       || CASE WHEN d.defaclnamespace = 0 THEN '' ELSE ' in ' || d.defaclnamespace::regnamespace::text END
       || ': ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                       WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END
       AS name,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                                        ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(d.defaclacl) AS a
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants
FROM pg_default_acl AS d
WHERE d.defaclnamespace = 0 OR d.defaclnamespace::regnamespace::text = ANY(%(schemas)s)
ORDER BY 1
