-- Tables (extension members excluded): owner, RLS flags, privileges granted to others, partition
-- key (partitioned tables), parent and bounds (partitions), inheritance parents; and what
-- pg_dump prints of its storage: UNLOGGED, REPLICA IDENTITY, reloptions, tablespace, CLUSTER ON,
-- access method, OF type, the comment. Defaults are NULL.
SELECT n.nspname AS schema,
       c.relname AS name,
       pg_get_userbyid(c.relowner) AS owner,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       GRANTS_OF(c.relacl, c.relowner) AS grants,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (SELECT i.inhparent::regclass::text FROM pg_inherits AS i
                                       WHERE i.inhrelid = c.oid) END AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       array(SELECT i.inhparent::regclass::text FROM pg_inherits AS i
             WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno)::text[] AS inherits,
       CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END AS persistence,
       CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            WHEN 'i' THEN 'using index ' || (SELECT quote_ident(ic.relname) FROM pg_index AS i
                                             JOIN pg_class AS ic ON ic.oid = i.indexrelid
                                             WHERE i.indrelid = c.oid AND i.indisreplident) END AS replica_identity,
       c.reloptions::text[] AS options,
       (SELECT sp.spcname FROM pg_tablespace AS sp WHERE sp.oid = c.reltablespace) AS tablespace,
       (SELECT ic.relname FROM pg_index AS i JOIN pg_class AS ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisclustered) AS clustered_on,
       (SELECT am.amname FROM pg_am AS am WHERE am.oid = c.relam AND am.amname <> 'heap') AS access_method,
       CASE WHEN c.reloftype <> 0 THEN c.reloftype::regtype::text END AS of_type,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
