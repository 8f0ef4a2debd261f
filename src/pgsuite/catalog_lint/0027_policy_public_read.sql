-- title: Read policy that shows every row to an untrusted role
-- level: warning
-- needs: api_roles
-- remediation: Nothing, if every row is public on purpose (a catalogue, a price list): suppress it with that reason. Otherwise give the policy a real condition (the caller's tenant, say).
-- A permissive SELECT policy USING (true) on a table with row-level security: a public read is
-- a legitimate pattern, so a warning (0019 holds writes that are always allowed to an error).
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('policy %%s on %%s: every row readable by %%s', p.polname, c.relname,
              string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ', ')) AS detail
FROM pg_policy AS p
JOIN pg_class AS c ON c.oid = p.polrelid
CROSS JOIN LATERAL unnest(p.polroles) AS r
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND c.relrowsecurity
  AND p.polpermissive AND p.polcmd = 'r'
  AND pg_get_expr(p.polqual, p.polrelid) ~ '^\(*\s*(true|1\s*=\s*1)\s*\)*$'
  AND (r = 0 OR (pg_get_userbyid(r) = ANY(%(api_roles)s::text[])
                 AND NOT pg_get_userbyid(r) = ANY(%(trusted_roles)s::text[])))
GROUP BY c.relnamespace, c.relname, p.polname
ORDER BY 1, 2
