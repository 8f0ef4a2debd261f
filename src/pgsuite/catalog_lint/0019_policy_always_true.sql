-- title: Permissive policy that lets an untrusted role write anything
-- level: error
-- needs: api_roles
-- remediation: Give the policy a real condition (the caller's tenant, say), or grant it to a trusted role only (project.trusted_roles): a permissive policy that is always true makes row-level security a no-op for its roles.
-- Reported for a permissive policy on a table with row-level security (without it, no policy
-- applies: 0005 says so) whose condition is always true (`true`, `1 = 1`) or absent (an INSERT
-- policy without WITH CHECK admits every row), for PUBLIC or an API role that is not trusted.
-- A SELECT policy USING (true) is a public read, legitimate on purpose: 0027 warns of it.
WITH policies AS (
    SELECT p.*, c.relnamespace, c.relname,
           pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
    FROM pg_policy AS p
    JOIN pg_class AS c ON c.oid = p.polrelid
    WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
      AND c.relrowsecurity AND p.polpermissive AND p.polcmd <> 'r'
), judged AS (
    SELECT *, concat_ws(' and ',
               CASE WHEN qual ~ '^\(*\s*(true|1\s*=\s*1)\s*\)*$' THEN format('USING (%%s)', qual) END,
               CASE WHEN check_expr ~ '^\(*\s*(true|1\s*=\s*1)\s*\)*$' THEN format('WITH CHECK (%%s)', check_expr) END,
               CASE WHEN polcmd = 'a' AND check_expr IS NULL THEN 'no WITH CHECK on an INSERT policy' END) AS why
    FROM policies
)
SELECT format('%%s.%%s', relnamespace::regnamespace, relname) AS object,
       format('policy %%s on %%s: %%s for %%s', polname, relname, why,
              string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ', ')) AS detail
FROM judged
CROSS JOIN LATERAL unnest(polroles) AS r
WHERE why <> ''
  AND (r = 0 OR (pg_get_userbyid(r) = ANY(%(api_roles)s::text[])
                 AND NOT pg_get_userbyid(r) = ANY(%(trusted_roles)s::text[])))
GROUP BY relnamespace, relname, polname, why
ORDER BY 1, 2
