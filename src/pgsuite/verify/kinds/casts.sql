-- PostgreSQL's own casts have oids below FirstNormalObjectId (16384), as pg_dump tells them apart.
SELECT format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) AS name,
       CASE c.castmethod WHEN 'f' THEN 'function ' || c.castfunc::regprocedure::text
                         WHEN 'i' THEN 'with inout' ELSE 'without function' END AS method,
       CASE c.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' ELSE 'implicit' END AS context,
       obj_description(c.oid, 'pg_cast') AS comment
FROM pg_cast AS c
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
