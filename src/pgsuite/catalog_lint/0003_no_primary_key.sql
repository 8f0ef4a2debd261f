-- title: Table without a primary key
-- level: error
-- remediation: Add a primary key (for a tenant table, one that starts with org_id); logical replication, Citus distribution and most tools need one.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('table %%s has no primary key', c.relname) AS detail
FROM pg_class AS c
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = c.oid AND contype = 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
