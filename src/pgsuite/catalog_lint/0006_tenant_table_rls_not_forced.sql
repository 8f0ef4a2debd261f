-- title: Tenant table without forced row-level security
-- level: error
-- needs: tenant_column
-- remediation: ALTER TABLE ... ENABLE ROW LEVEL SECURITY; ALTER TABLE ... FORCE ROW LEVEL SECURITY. Without FORCE the table's owner bypasses the tenant policies.
-- A tenant table is one with the project's tenant column (project.tenant_column), or one of
-- project.tenant_tables (the tenants' own table, say, keyed by id).
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('tenant table %%s: row-level security %%s', c.relname,
              CASE WHEN NOT c.relrowsecurity THEN 'is disabled' ELSE 'is enabled but not forced' END) AS detail
FROM pg_class AS c
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND c.relkind IN ('r', 'p')
  AND (c.oid::regclass::text = ANY(%(tenant_tables)s::text[])
       OR format('%%s.%%s', c.relnamespace::regnamespace, c.relname) = ANY(%(tenant_tables)s::text[])
       OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = %(tenant_column)s
                  AND NOT attisdropped))
  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
ORDER BY 1
