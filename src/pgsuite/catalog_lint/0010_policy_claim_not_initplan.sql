-- title: Policy reads the JWT claim per row instead of once per statement
-- level: error
-- refine: claim_calls_outside_subquery
-- remediation: Wrap the call in a scalar subquery, (SELECT app_private.request_org_id()), so that PostgreSQL evaluates it once as an InitPlan instead of once per row.
-- Candidates: every policy expression that calls current_setting() or one of the project's
-- claim functions (project.claim_functions); the refine step keeps those where such a call is
-- not inside a subquery (parsed with pglast).
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('policy %%s on %%s', p.polname, c.relname) AS detail,
       concat_ws(' AND ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) AS expression
FROM pg_policy AS p
JOIN pg_class AS c ON c.oid = p.polrelid
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND c.relrowsecurity  -- without row-level security no policy runs: 0005 says so
  AND concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
      ~* ('(current_setting' || coalesce((SELECT string_agg('|' || regexp_replace(split_part(f, '.', -1),
                                                                                  '\W', '', 'g'), '')
                                           FROM unnest(%(claim_functions)s::text[]) AS f), '') || ')\s*\(')
ORDER BY 1, 2
