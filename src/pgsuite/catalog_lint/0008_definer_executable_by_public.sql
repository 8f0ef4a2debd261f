-- title: SECURITY DEFINER function executable by PUBLIC
-- level: error
-- remediation: REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC, then GRANT EXECUTE to the roles that need it: functions are executable by PUBLIC by default.
SELECT format('%%s.%%s(%%s)', p.pronamespace::regnamespace, p.proname, oidvectortypes(p.proargtypes)) AS object,
       format('SECURITY DEFINER function %%s(%%s) is executable by PUBLIC%%s', p.proname,
              oidvectortypes(p.proargtypes),
              CASE WHEN p.proacl IS NULL THEN ' (default privileges were never revoked)' ELSE '' END) AS detail
FROM pg_proc AS p
WHERE p.pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND p.prosecdef
  AND (p.proacl IS NULL
       OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) AS a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
ORDER BY 1
