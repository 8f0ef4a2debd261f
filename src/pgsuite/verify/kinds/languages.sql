SELECT l.lanname AS name,
       CASE WHEN l.lanplcallfoid <> 0 THEN l.lanplcallfoid::regproc::text END AS handler,
       CASE WHEN l.laninline <> 0 THEN l.laninline::regproc::text END AS inline,
       CASE WHEN l.lanvalidator <> 0 THEN l.lanvalidator::regproc::text END AS validator,
       l.lanpltrusted AS trusted,
       pg_get_userbyid(l.lanowner) AS owner,
       GRANTS_OF(l.lanacl, l.lanowner) AS grants,
       obj_description(l.oid, 'pg_language') AS comment
FROM pg_language AS l
WHERE l.lanispl
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_language'::regclass AND d.objid = l.oid AND d.deptype = 'e')
ORDER BY 1
