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
                                       || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
                       FROM aclexplode(p.proacl) AS a
                       WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
                       ORDER BY 1)
       END::text[] AS execute,
       CASE WHEN l.lanname IN ('c', 'internal') THEN NULL
            WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)  -- a RETURN / BEGIN ATOMIC body
            ELSE p.prosrc END AS body,
       p.proisstrict AS strict,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       p.procost AS cost,
       CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END AS default_cost,
       CASE WHEN p.proretset THEN p.prorows END AS rows,
       p.proleakproof AS leakproof,
       CASE WHEN p.prosupport <> 0 THEN p.prosupport::regproc::text END AS support,
       CASE WHEN p.prokind = 'a' THEN
           (SELECT concat_ws(', ', 'sfunc = ' || ag.aggtransfn::regproc, 'stype = ' || format_type(ag.aggtranstype, NULL),
                             CASE WHEN ag.aggfinalfn <> 0 THEN 'finalfunc = ' || ag.aggfinalfn::regproc END,
                             CASE WHEN ag.aggcombinefn <> 0 THEN 'combinefunc = ' || ag.aggcombinefn::regproc END,
                             CASE WHEN ag.aggserialfn <> 0 THEN 'serialfunc = ' || ag.aggserialfn::regproc END,
                             CASE WHEN ag.aggdeserialfn <> 0 THEN 'deserialfunc = ' || ag.aggdeserialfn::regproc END,
                             CASE WHEN ag.aggmtransfn <> 0 THEN 'msfunc = ' || ag.aggmtransfn::regproc END,
                             CASE WHEN ag.aggminvtransfn <> 0 THEN 'minvfunc = ' || ag.aggminvtransfn::regproc END,
                             CASE WHEN ag.aggmfinalfn <> 0 THEN 'mfinalfunc = ' || ag.aggmfinalfn::regproc END,
                             CASE WHEN ag.aggsortop <> 0 THEN 'sortop = ' || ag.aggsortop::regoperator END,
                             'initcond = ' || quote_literal(ag.agginitval),
                             'minitcond = ' || quote_literal(ag.aggminitval),
                             CASE WHEN ag.aggfinalmodify <> 'r' THEN 'finalfunc_modify = ' || ag.aggfinalmodify::text END,
                             CASE WHEN ag.aggkind <> 'n' THEN 'kind = ' || ag.aggkind::text || ' ' || ag.aggnumdirectargs END)
            FROM pg_aggregate AS ag WHERE ag.aggfnoid = p.oid) END AS aggregate,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_language AS l ON l.oid = p.prolang
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2
