-- Members for type pairs no class of the family is for: those a class holds are the class's.
SELECT n.nspname AS schema, f.opfname || ' using ' || am.amname AS name,
       array(SELECT m FROM (
                 SELECT 'operator ' || ao.amopstrategy || ' ' || ao.amopopr::regoperator::text AS m
                 FROM pg_amop AS ao
                 WHERE ao.amopfamily = f.oid
                   AND NOT EXISTS (SELECT 1 FROM pg_opclass AS oc WHERE oc.opcfamily = f.oid
                                     AND oc.opcintype = ao.amoplefttype AND oc.opcintype = ao.amoprighttype)
                 UNION ALL
                 SELECT 'function ' || ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', '
                        || format_type(ap.amprocrighttype, NULL) || ') ' || ap.amproc::regprocedure::text
                 FROM pg_amproc AS ap
                 WHERE ap.amprocfamily = f.oid
                   AND NOT EXISTS (SELECT 1 FROM pg_opclass AS oc WHERE oc.opcfamily = f.oid
                                     AND oc.opcintype = ap.amproclefttype AND oc.opcintype = ap.amprocrighttype)
             ) AS x ORDER BY 1)::text[] AS members,
       pg_get_userbyid(f.opfowner) AS owner,
       obj_description(f.oid, 'pg_opfamily') AS comment
FROM pg_opfamily AS f
JOIN pg_namespace AS n ON n.oid = f.opfnamespace
JOIN pg_am AS am ON am.oid = f.opfmethod
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_opfamily'::regclass AND d.objid = f.oid AND d.deptype = 'e')
ORDER BY 1, 2
