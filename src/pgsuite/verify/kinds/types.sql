-- Enums, domains and free-standing composite types (extension members excluded). Attributes that
-- do not apply to a kind are NULL.
SELECT n.nspname AS schema,
       t.typname AS name,
       CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' ELSE 'composite' END AS kind,
       CASE WHEN t.typtype = 'e' THEN array(SELECT e.enumlabel FROM pg_enum AS e WHERE e.enumtypid = t.oid
                                            ORDER BY e.enumsortorder)::text[] END AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
       CASE WHEN t.typtype = 'd' THEN t.typnotnull END AS not_null,
       CASE WHEN t.typtype = 'd' THEN t.typdefault END AS default,
       CASE WHEN t.typtype = 'd' THEN coalesce((SELECT jsonb_object_agg(con.conname, pg_get_constraintdef(con.oid, true))
                                                FROM pg_constraint AS con WHERE con.contypid = t.oid
                                                  AND con.contype = 'c'), '{}'::jsonb) END AS constraints,
       CASE WHEN t.typtype = 'c' THEN array(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                            FROM pg_attribute AS a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                                              AND NOT a.attisdropped ORDER BY a.attnum)::text[] END AS attributes,
       pg_get_userbyid(t.typowner) AS owner,
       GRANTS_OF(coalesce(t.typacl, acldefault('T', t.typowner)), t.typowner) AS grants,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type AS t
JOIN pg_namespace AS n ON n.oid = t.typnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND (t.typtype IN ('e', 'd')
       OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class AS c WHERE c.oid = t.typrelid) = 'c'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
