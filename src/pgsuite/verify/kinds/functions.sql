-- Functions and procedures (extension members excluded). EXECUTE grantees besides the owner;
-- a NULL proacl means the default: PUBLIC may execute.
SELECT n.nspname AS schema,
       p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS signature,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                      WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' END AS kind,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS returns,
       l.lanname AS language,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       p.prosecdef AS security_definer,
       coalesce(p.proconfig, '{}')::text[] AS config,
       pg_get_userbyid(p.proowner) AS owner,
       CASE WHEN p.proacl IS NULL THEN ARRAY['PUBLIC']
            ELSE array(SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                       FROM aclexplode(p.proacl) AS a
                       WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
                       ORDER BY 1)
       END::text[] AS execute,
       CASE WHEN l.lanname IN ('c', 'internal') THEN NULL
            WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)  -- a RETURN / BEGIN ATOMIC body
            ELSE p.prosrc END AS body
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_language AS l ON l.oid = p.prolang
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2
