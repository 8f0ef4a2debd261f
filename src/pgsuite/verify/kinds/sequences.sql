-- Sequences (extension members excluded), with the column that owns them (auto or internal
-- dependency: a serial's, or an identity column's).
SELECT n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS type,
       s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max,
       s.seqcycle AS cycle, s.seqcache AS cache,
       (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
        FROM pg_depend AS d
        JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
          AND d.deptype IN ('a', 'i')
        LIMIT 1) AS owned_by,
       pg_get_userbyid(c.relowner) AS owner,
       GRANTS_OF(c.relacl, c.relowner) AS grants,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_sequence AS s ON s.seqrelid = c.oid
WHERE n.nspname = ANY(%(schemas)s)
  AND c.relkind = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
