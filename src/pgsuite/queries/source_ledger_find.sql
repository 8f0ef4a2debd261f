-- Where another migration tool keeps its ledger: the schemas holding a table of that name
-- whose columns include those pgsuite reads.
SELECT n.nspname
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relname = %(table)s
  AND c.relkind IN ('r', 'p')
  AND (SELECT count(*) FROM pg_catalog.pg_attribute AS a
       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attname = ANY (%(columns)s)) = cardinality(%(columns)s)
ORDER BY n.nspname
