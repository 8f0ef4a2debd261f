-- title: Duplicate or redundant index
-- level: error
-- remediation: Drop the redundant index (DROP INDEX CONCURRENTLY): the covering one serves its queries, and every write pays for both.
-- An index is redundant when another valid index on the same table, with the same method,
-- predicate and INCLUDE columns, has the same keys (identical), or, for btree, starts with all
-- of its keys (prefix-covered) while the redundant one is not unique. A key is the column or
-- expression with its operator class, collation and order: an index with text_pattern_ops, or
-- COLLATE "C", is no twin of a plain one.
WITH idx AS (
    SELECT i.indexrelid, i.indrelid, i.indisunique, i.indisprimary,
           ic.relname AS index_name, t.relname AS table_name, t.relnamespace::regnamespace::text AS schema_name,
           am.amname AS method,
           pg_get_expr(i.indpred, i.indrelid) AS predicate,
           array(SELECT pg_get_indexdef(i.indexrelid, k, true) || ' ' || i.indclass[k - 1]::text || ' '
                        || i.indcollation[k - 1]::text || ' ' || i.indoption[k - 1]::text
                 FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS keys,
           array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                 FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k ORDER BY k) AS include
    FROM pg_index AS i
    JOIN pg_class AS ic ON ic.oid = i.indexrelid
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_am AS am ON am.oid = ic.relam
    WHERE t.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s)) AND i.indisvalid
)
SELECT format('%%s.%%s.%%s', r.schema_name, r.table_name, r.index_name) AS object,
       format('index %%s on %%s is %%s %%s', r.index_name, r.table_name,
              CASE WHEN r.keys = c.keys THEN 'identical to' ELSE 'prefix-covered by' END, c.index_name) AS detail
FROM idx AS r
JOIN idx AS c
  ON c.indrelid = r.indrelid AND c.indexrelid <> r.indexrelid
 AND c.method = r.method AND c.predicate IS NOT DISTINCT FROM r.predicate AND c.include = r.include
WHERE (r.keys = c.keys AND NOT r.indisprimary
       AND (c.indisprimary OR (c.indisunique AND NOT r.indisunique)
            OR (c.indisunique = r.indisunique AND c.indexrelid < r.indexrelid)))
   OR (r.method = 'btree' AND NOT r.indisunique
       AND cardinality(r.keys) < cardinality(c.keys)
       AND c.keys[1:cardinality(r.keys)] = r.keys)
ORDER BY 1, 2
