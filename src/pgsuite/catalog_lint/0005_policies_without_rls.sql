-- title: Policies on a table without row-level security
-- level: error
-- remediation: ALTER TABLE ... ENABLE ROW LEVEL SECURITY (and FORCE it on tenant tables): policies do nothing until RLS is enabled.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('table %%s has %%s polic%%s but row-level security is disabled', c.relname, count(p.oid),
              CASE WHEN count(p.oid) = 1 THEN 'y' ELSE 'ies' END) AS detail
FROM pg_class AS c
JOIN pg_policy AS p ON p.polrelid = c.oid
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND NOT c.relrowsecurity
GROUP BY c.relnamespace, c.relname
ORDER BY 1
