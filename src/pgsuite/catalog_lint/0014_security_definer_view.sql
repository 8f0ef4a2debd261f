-- title: View that runs with its owner's rights, readable by an API role
-- level: error
-- needs: api_roles
-- remediation: ALTER VIEW ... SET (security_invoker = true) (PostgreSQL 15+), so that the tables beneath are read with the caller's rights and row-level security; or revoke the API roles' SELECT on it.
-- A view reads its tables as the view's owner, bypassing the caller's RLS, unless it has
-- security_invoker. Reported when an API role (project.api_roles) can read it.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('view %%s is read with its owner''s rights (no security_invoker), and %%s can read it',
              c.relname, string_agg(r, ', ' ORDER BY r)) AS detail
FROM pg_class AS c
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE c.relkind = 'v'
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND NOT coalesce((SELECT option_value::boolean FROM pg_options_to_table(c.reloptions)
                    WHERE option_name = 'security_invoker'), false)
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_table_privilege(r, c.oid, 'SELECT')
GROUP BY c.oid, c.relnamespace, c.relname
ORDER BY 1
