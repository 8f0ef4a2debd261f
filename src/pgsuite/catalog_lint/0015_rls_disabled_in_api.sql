-- title: Table reachable by an API role without row-level security
-- level: error
-- needs: api_roles
-- remediation: ALTER TABLE ... ENABLE ROW LEVEL SECURITY (and add its policies), or revoke the API roles' privileges on it: without RLS, whoever may read or write it does so on every row.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('table %%s has row-level security disabled, and %%s have privileges on it', c.relname,
              string_agg(DISTINCT r, ', ')) AS detail
FROM pg_class AS c
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
GROUP BY c.oid, c.relnamespace, c.relname
ORDER BY 1
