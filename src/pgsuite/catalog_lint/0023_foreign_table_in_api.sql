-- title: Foreign table readable by an API role
-- level: warning
-- needs: api_roles
-- remediation: Move the foreign table to a schema the API does not serve, or revoke the API roles' privileges on it: row-level security does not apply to foreign tables, so whoever may read it reads every row of the remote table.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('foreign table %%s (server %%s) can be read by %%s, and row-level security cannot apply to it',
              c.relname, s.srvname, string_agg(DISTINCT r, ', ')) AS detail
FROM pg_class AS c
JOIN pg_foreign_table AS ft ON ft.ftrelid = c.oid
JOIN pg_foreign_server AS s ON s.oid = ft.ftserver
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE c.relkind = 'f'
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
GROUP BY c.oid, c.relnamespace, c.relname, s.srvname
ORDER BY 1
