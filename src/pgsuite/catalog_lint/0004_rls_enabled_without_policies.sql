-- title: Row-level security enabled without policies
-- level: error
-- remediation: Add the policies the table needs; with RLS enabled and no policy, every non-owner sees and changes nothing, which is rarely what was meant.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('table %%s has row-level security enabled but no policy', c.relname) AS detail
FROM pg_class AS c
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
  AND NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = c.oid)
ORDER BY 1
