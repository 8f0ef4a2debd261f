-- title: Function in an API schema whose search_path is the caller's
-- level: warning
-- needs: api_schemas
-- remediation: ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (or the schemas it needs, pg_temp last), or name the schema of every object it uses: without it, what the function's names resolve to depends on the caller's search_path.
-- Every function and procedure an API serves (not only SECURITY DEFINER ones, which 0007 holds
-- to an error), except those an extension owns.
SELECT format('%%s.%%s(%%s)', p.pronamespace::regnamespace, p.proname, oidvectortypes(p.proargtypes)) AS object,
       format('function %%s(%%s) does not set search_path', p.proname, oidvectortypes(p.proargtypes)) AS detail
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = ANY(%(api_schemas)s::text[])
  AND p.prokind IN ('f', 'p')
  AND NOT p.prosecdef
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS cfg WHERE cfg LIKE 'search\_path=%%')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1
