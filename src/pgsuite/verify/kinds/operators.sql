SELECT n.nspname AS schema,
       o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE format_type(o.oprleft, NULL) END
                 || ', ' || format_type(o.oprright, NULL) || ')' AS name,
       o.oprcode::regprocedure::text AS function,
       format_type(o.oprresult, NULL) AS returns,
       CASE WHEN o.oprcom <> 0 THEN o.oprcom::regoperator::text END AS commutator,
       CASE WHEN o.oprnegate <> 0 THEN o.oprnegate::regoperator::text END AS negator,
       CASE WHEN o.oprrest <> 0 THEN o.oprrest::regproc::text END AS restrict,
       CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::regproc::text END AS join,
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       pg_get_userbyid(o.oprowner) AS owner,
       obj_description(o.oid, 'pg_operator') AS comment
FROM pg_operator AS o
JOIN pg_namespace AS n ON n.oid = o.oprnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e')
ORDER BY 1, 2
