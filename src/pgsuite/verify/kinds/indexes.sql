-- Every index with its parts: keys (with non-default order), included columns, method,
-- uniqueness and partial predicate, each as PostgreSQL prints it.
SELECT n.nspname AS schema,
       t.relname AS table_name,
       ic.relname AS name,
       i.indisunique AS unique,
       am.amname AS method,
       array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                    || CASE i.indoption[k - 1] & 3
                           WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' NULLS FIRST' WHEN 3 THEN ' DESC'
                           ELSE '' END
             FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k)::text[] AS keys,
       array(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k ORDER BY k)::text[] AS include,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indisvalid AS valid,
       (SELECT sp.spcname FROM pg_tablespace AS sp WHERE sp.oid = ic.reltablespace) AS tablespace,
       obj_description(ic.oid, 'pg_class') AS comment
FROM pg_index AS i
JOIN pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_am AS am ON am.oid = ic.relam
WHERE n.nspname = ANY(%(schemas)s)
  AND t.relkind IN ('r', 'p')
ORDER BY 1, 2, 3
