-- title: SECURITY DEFINER function without a pinned search_path
-- level: error
-- remediation: ALTER FUNCTION ... SET search_path = '' and schema-qualify what it uses; otherwise a caller's search_path decides which objects it runs with the owner's rights.
SELECT format('%%s.%%s(%%s)', %(schema)s::text, p.proname, oidvectortypes(p.proargtypes)) AS object,
       format('SECURITY DEFINER function %%s(%%s) does not set search_path', p.proname,
              oidvectortypes(p.proargtypes)) AS detail
FROM pg_proc AS p
WHERE p.pronamespace = %(schema)s::regnamespace AND p.prosecdef
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS cfg WHERE cfg LIKE 'search\_path=%%')
ORDER BY 1
