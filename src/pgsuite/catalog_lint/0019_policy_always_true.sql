-- title: Permissive policy that lets an untrusted role do anything
-- level: error
-- needs: api_roles
-- remediation: Give the policy a real condition (the caller's tenant, say), or grant it to a trusted role only (project.trusted_roles): a permissive policy that is always true makes row-level security a no-op for its roles.
-- Reported for a permissive policy whose USING or WITH CHECK is `true` and whose roles include
-- PUBLIC or an API role that is not trusted.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('policy %%s on %%s: %%s for %%s', p.polname, c.relname,
              concat_ws(' and ', CASE WHEN pg_get_expr(p.polqual, p.polrelid) = 'true' THEN 'USING (true)' END,
                        CASE WHEN pg_get_expr(p.polwithcheck, p.polrelid) = 'true' THEN 'WITH CHECK (true)' END),
              string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ', ')) AS detail
FROM pg_policy AS p
JOIN pg_class AS c ON c.oid = p.polrelid
CROSS JOIN LATERAL unnest(p.polroles) AS r
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND p.polpermissive
  AND (pg_get_expr(p.polqual, p.polrelid) = 'true' OR pg_get_expr(p.polwithcheck, p.polrelid) = 'true')
  AND (r = 0 OR (pg_get_userbyid(r) = ANY(%(api_roles)s::text[])
                 AND NOT pg_get_userbyid(r) = ANY(%(trusted_roles)s::text[])))
GROUP BY c.relnamespace, c.relname, p.polname, p.polqual, p.polwithcheck, p.polrelid
ORDER BY 1, 2
