-- title: Materialized view readable by an API role
-- level: warning
-- needs: api_roles
-- remediation: REVOKE SELECT ON the materialized view FROM the API roles, or serve it through a function that checks the caller: a materialized view has no row-level security.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('materialized view %%s has no row-level security, and %%s can read it', c.relname,
              string_agg(r, ', ' ORDER BY r)) AS detail
FROM pg_class AS c
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE c.relkind = 'm'
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_table_privilege(r, c.oid, 'SELECT')
GROUP BY c.oid, c.relnamespace, c.relname
ORDER BY 1
