-- Every schema but PostgreSQL's own (catalogs, TOAST, temporary ones): its owner, and the
-- privileges granted to others (a NULL ACL is the default: the owner's only).
SELECT n.nspname AS name,
       pg_get_userbyid(n.nspowner) AS owner,
       GRANTS_OF(n.nspacl, n.nspowner) AS grants,
       obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace AS n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%%'
ORDER BY n.nspname
