-- title: Tenant table without forced row-level security
-- level: error
-- remediation: ALTER TABLE ... ENABLE ROW LEVEL SECURITY; ALTER TABLE ... FORCE ROW LEVEL SECURITY. Without FORCE the table's owner bypasses the tenant policies.
-- A tenant table is one with an org_id column (organizations is the tenant table itself).
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('tenant table %%s: row-level security %%s', c.relname,
              CASE WHEN NOT c.relrowsecurity THEN 'is disabled' ELSE 'is enabled but not forced' END) AS detail
FROM pg_class AS c
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND c.relkind IN ('r', 'p')
  AND (c.relname = 'organizations'
       OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = 'org_id' AND NOT attisdropped))
  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
ORDER BY 1
