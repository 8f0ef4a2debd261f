SELECT am.amname AS name,
       CASE am.amtype WHEN 't' THEN 'table' ELSE 'index' END AS type,
       am.amhandler::regproc::text AS handler,
       obj_description(am.oid, 'pg_am') AS comment
FROM pg_am AS am
WHERE am.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_am'::regclass AND d.objid = am.oid AND d.deptype = 'e')
ORDER BY 1
