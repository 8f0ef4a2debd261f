-- Primary key, unique, foreign key, check and exclusion constraints. PostgreSQL 18 also
-- keeps NOT NULL constraints here (contype 'n'); nullability is checked on the columns. A
-- constraint inherited by a partition from its parent is reported on both.
SELECT n.nspname AS schema,
       c.relname AS table_name,
       con.conname AS name,
       CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key'
                        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' END AS type,
       pg_get_constraintdef(con.oid, true) AS definition,
       array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.n)::text[] AS columns,
       CASE WHEN con.contype = 'f' THEN rn.nspname END AS ref_schema,
       CASE WHEN con.contype = 'f' THEN rn.nspname || '.' || rc.relname END AS ref_table,
       array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute AS a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.n)::text[] AS ref_columns,
       CASE con.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                            WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_delete,
       CASE con.confupdtype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                            WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_update,
       CASE WHEN con.condeferrable THEN CASE WHEN con.condeferred THEN 'initially deferred'
                                            ELSE 'initially immediate' END END AS deferrable,
       con.convalidated AS valid,
       CASE con.confmatchtype WHEN 'f' THEN 'full' WHEN 'p' THEN 'partial' END AS match,
       coalesce((to_jsonb(con) ->> 'conenforced')::boolean, true) AS enforced,  -- NOT ENFORCED: PostgreSQL 18
       obj_description(con.oid, 'pg_constraint') AS comment
FROM pg_constraint AS con
JOIN pg_class AS c ON c.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_class AS rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace AS rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND con.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY 1, 2, 3
