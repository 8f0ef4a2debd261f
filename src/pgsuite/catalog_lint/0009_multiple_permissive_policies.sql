-- title: More than one permissive policy per role and command
-- level: error
-- remediation: Merge them into one policy (USING a OR b): PostgreSQL evaluates every permissive policy for every row, and a second one silently widens access.
WITH expanded AS (
    SELECT c.relnamespace::regnamespace::text AS schema_name, c.relname AS table_name, p.polname,
           CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END AS role_name,
           cmd
    FROM pg_policy AS p
    JOIN pg_class AS c ON c.oid = p.polrelid
    CROSS JOIN LATERAL unnest(p.polroles) AS r
    CROSS JOIN LATERAL unnest(CASE p.polcmd WHEN '*' THEN ARRAY['select', 'insert', 'update', 'delete']
                                            WHEN 'r' THEN ARRAY['select'] WHEN 'a' THEN ARRAY['insert']
                                            WHEN 'w' THEN ARRAY['update'] ELSE ARRAY['delete'] END) AS cmd
    WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND p.polpermissive
)
SELECT format('%%s.%%s', schema_name, table_name) AS object,
       format('table %%s: role %%s has %%s permissive %%s policies (%%s)', table_name, role_name, count(*), cmd,
              string_agg(polname, ', ' ORDER BY polname)) AS detail
FROM expanded
GROUP BY schema_name, table_name, role_name, cmd
HAVING count(*) > 1
ORDER BY 1, 2
