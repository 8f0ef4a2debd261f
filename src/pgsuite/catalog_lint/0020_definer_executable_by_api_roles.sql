-- title: SECURITY DEFINER function that an untrusted API role can call
-- level: warning
-- needs: api_roles
-- remediation: Make sure the function checks its caller (tenant, role) itself, as it bypasses row-level security; then suppress this finding for it with that reason. Or revoke EXECUTE from the untrusted API roles.
-- Reported for every definer function that an API role which is not trusted (project.api_roles
-- minus project.trusted_roles) may execute: each is a door past row-level security.
SELECT format('%%s.%%s(%%s)', p.pronamespace::regnamespace, p.proname, oidvectortypes(p.proargtypes)) AS object,
       format('SECURITY DEFINER function %%s(%%s) can be called by %%s', p.proname, oidvectortypes(p.proargtypes),
              string_agg(r, ', ' ORDER BY r)) AS detail
FROM pg_proc AS p
CROSS JOIN unnest(%(api_roles)s::text[]) AS r
WHERE p.prosecdef
  AND p.pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND NOT r = ANY(%(trusted_roles)s::text[])
  AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
  AND has_function_privilege(r, p.oid, 'EXECUTE')
GROUP BY p.oid, p.pronamespace, p.proname, p.proargtypes
ORDER BY 1
