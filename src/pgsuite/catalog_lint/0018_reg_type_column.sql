-- title: Column of a reg* type that pg_upgrade refuses
-- level: error
-- remediation: Store the object's name (text) or its OID as oid, not a reg* value: pg_upgrade refuses a cluster with columns of these types, because OIDs change across the upgrade.
-- regclass, regrole and regtype are safe for pg_upgrade; the other reg* types are not.
SELECT format('%%s.%%s', c.relnamespace::regnamespace, c.relname) AS object,
       format('column %%s.%%s is of type %%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod)) AS detail
FROM pg_attribute AS a
JOIN pg_class AS c ON c.oid = a.attrelid
WHERE c.relkind IN ('r', 'p', 'm')
  AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY(%(schemas)s))
  AND a.attnum > 0 AND NOT a.attisdropped
  AND a.atttypid IN ('regcollation'::regtype, 'regconfig'::regtype, 'regdictionary'::regtype,
                     'regnamespace'::regtype, 'regoper'::regtype, 'regoperator'::regtype,
                     'regproc'::regtype, 'regprocedure'::regtype)
ORDER BY 1, 2
