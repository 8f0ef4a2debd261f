-- Members: what the class's family holds for the class's own type pair (as CREATE OPERATOR CLASS
-- adds them); the family's other members are the family's (operator_families.sql).
SELECT n.nspname AS schema, oc.opcname || ' using ' || am.amname AS name,
       format_type(oc.opcintype, NULL) AS type,
       oc.opcdefault AS default,
       (SELECT fn.nspname || '.' || f.opfname FROM pg_opfamily AS f JOIN pg_namespace AS fn ON fn.oid = f.opfnamespace
        WHERE f.oid = oc.opcfamily) AS family,
       CASE WHEN oc.opckeytype <> 0 THEN format_type(oc.opckeytype, NULL) END AS storage,
       array(SELECT m FROM (
                 SELECT 'operator ' || ao.amopstrategy || ' ' || ao.amopopr::regoperator::text
                        || CASE WHEN ao.amoppurpose = 'o' THEN ' for order by ' || (SELECT sf.opfname FROM pg_opfamily AS sf
                                                                        WHERE sf.oid = ao.amopsortfamily)
                                ELSE '' END AS m
                 FROM pg_amop AS ao
                 WHERE ao.amopfamily = oc.opcfamily AND ao.amoplefttype = oc.opcintype AND ao.amoprighttype = oc.opcintype
                 UNION ALL
                 SELECT 'function ' || ap.amprocnum || ' ' || ap.amproc::regprocedure::text
                 FROM pg_amproc AS ap
                 WHERE ap.amprocfamily = oc.opcfamily AND ap.amproclefttype = oc.opcintype
                   AND ap.amprocrighttype = oc.opcintype) AS x ORDER BY 1)::text[] AS members,
       pg_get_userbyid(oc.opcowner) AS owner,
       obj_description(oc.oid, 'pg_opclass') AS comment
FROM pg_opclass AS oc
JOIN pg_namespace AS n ON n.oid = oc.opcnamespace
JOIN pg_am AS am ON am.oid = oc.opcmethod
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_opclass'::regclass AND d.objid = oc.oid AND d.deptype = 'e')
ORDER BY 1, 2
