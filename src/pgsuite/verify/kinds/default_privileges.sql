-- Default privileges, for every role and schema (PostgreSQL's own schemas excluded).
SELECT pg_get_userbyid(d.defaclrole)
       || CASE WHEN d.defaclnamespace = 0 THEN '' ELSE ' in ' || d.defaclnamespace::regnamespace::text END
       || ': ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                       WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END
       AS name,
       GRANTS_OF(d.defaclacl, NULL) AS grants
FROM pg_default_acl AS d
WHERE d.defaclnamespace = 0 OR d.defaclnamespace::regnamespace::text = ANY(%(schemas)s)
ORDER BY 1
