-- Tables (extension members excluded): owner, RLS flags, privileges granted to others, partition
-- key (partitioned tables), parent and bounds (partitions), inheritance parents.
SELECT n.nspname AS schema,
       c.relname AS name,
       pg_get_userbyid(c.relowner) AS owner,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                              jsonb_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges
                       FROM aclexplode(c.relacl) AS a
                       WHERE a.grantee <> c.relowner
                       GROUP BY 1) AS g), '{}'::jsonb) AS grants,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (SELECT i.inhparent::regclass::text FROM pg_inherits AS i
                                       WHERE i.inhrelid = c.oid) END AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       array(SELECT i.inhparent::regclass::text FROM pg_inherits AS i
             WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno)::text[] AS inherits
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
