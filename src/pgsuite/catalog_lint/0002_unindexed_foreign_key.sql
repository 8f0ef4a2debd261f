-- title: Foreign key without a supporting index
-- level: error
-- remediation: Create an index whose leading columns are the foreign key's columns; without it, every delete or key update of the referenced row scans this table.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('foreign key %%s (%%s) on %%s has no index starting with its columns',
              con.conname,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
              c.relname) AS detail
FROM pg_constraint AS con
JOIN pg_class AS c ON c.oid = con.conrelid
WHERE con.contype = 'f'
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND NOT EXISTS (
      SELECT 1 FROM pg_index AS i
      WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL
        AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
        AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey)
ORDER BY 1, 2
